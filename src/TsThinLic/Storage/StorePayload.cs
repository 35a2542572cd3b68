using System.Buffers.Binary;
using System.Text;
using TsThinLic.Pdu;
using TsThinLic.Records;

namespace TsThinLic.Storage;

/// <summary>
/// The payload of format version 1 (hardware/flash-layout-*.md, "Payload"): the <see cref="StoreContent"/> that the
/// flash and file envelopes carry. All integers little-endian. Decoding checks every length against what remains and
/// against <see cref="LicenseStoreLimits"/>, and names the field and offset that failed.
/// </summary>
internal static class StorePayload
{
    public const byte FlagHardwareId = 0x01;
    public const byte FlagFingerprint = 0x02;
    public const int FixedLength = 1 /* flags */ + 1 /* license count */;
    public const int LicenseFixedLength = 4 /* dwVersion */ + 2 /* scope length */ + 2 /* company length */ + 2 /* product length */ + 8 /* stored at */ + 4 /* license length */;

    public static byte[] Encode(StoreContent content)
    {
        var buffer = new List<byte>(64 + content.Licenses.Sum(l => l.LicenseInfo.Length + 64));
        Span<byte> scratch = stackalloc byte[ClientHardwareId.Length];
        byte flags = 0;
        if (content.HardwareId is not null)
        {
            flags |= FlagHardwareId;
        }

        if (content.Fingerprint is not null)
        {
            flags |= FlagFingerprint;
        }

        buffer.Add(flags);
        buffer.Add(checked((byte)content.Licenses.Count));
        if (content.HardwareId is { } hardwareId)
        {
            hardwareId.TryEncode(scratch, out _);
            buffer.AddRange(scratch);
        }

        if (content.Fingerprint is { } fingerprint)
        {
            fingerprint.WriteTo(scratch);
            buffer.AddRange(scratch[..DeviceFingerprint.Length]);
        }

        foreach (StoredLicense license in content.Licenses)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, license.Key.Version);
            buffer.AddRange(scratch[..4]);
            AddString(buffer, license.Key.Scope);
            AddString(buffer, license.Key.CompanyName);
            AddString(buffer, license.Key.ProductId);
            BinaryPrimitives.WriteInt64LittleEndian(scratch, license.StoredAt.ToUnixTimeMilliseconds());
            buffer.AddRange(scratch[..8]);
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)license.LicenseInfo.Length);
            buffer.AddRange(scratch[..4]);
            buffer.AddRange(license.LicenseInfo.Span);
        }

        return buffer.ToArray();
    }

    private static void AddString(List<byte> buffer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > LicenseStoreLimits.MaxKeyStringBytes)
        {
            throw new LicenseStoreException($"A license key string of {bytes.Length} bytes is over the store's limit of {LicenseStoreLimits.MaxKeyStringBytes}.");
        }

        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)bytes.Length);
        buffer.AddRange(length);
        buffer.AddRange(bytes);
    }

    /// <summary>Decodes a whole payload; false with a reason naming the field and its offset.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out StoreContent content, out string reason)
    {
        content = StoreContent.Empty;
        int offset = 0;
        if (payload.Length < FixedLength)
        {
            reason = $"payload: flags truncated at offset 0 ({payload.Length} bytes)";
            return false;
        }

        byte flags = payload[0];
        int count = payload[1];
        offset = FixedLength;
        if ((flags & ~(FlagHardwareId | FlagFingerprint)) != 0)
        {
            reason = $"payload: flags 0x{flags:x2} at offset 0 has unknown bits";
            return false;
        }

        if ((flags & (FlagHardwareId | FlagFingerprint)) == FlagFingerprint)
        {
            // A fingerprint belongs to a HWID (StoreContent drops it without one): a payload that has one alone is not
            // one this store wrote, and would not read back the same (found by fuzzing).
            reason = $"payload: flags 0x{flags:x2} at offset 0 has a device fingerprint without a HWID";
            return false;
        }

        if (count > LicenseStoreLimits.MaxLicenses)
        {
            reason = $"payload: license count {count} at offset 1 is over the limit of {LicenseStoreLimits.MaxLicenses}";
            return false;
        }

        ClientHardwareId? hardwareId = null;
        DeviceFingerprint? fingerprint = null;
        if ((flags & FlagHardwareId) != 0)
        {
            if (!ClientHardwareId.TryDecode(Take(payload, ref offset, ClientHardwareId.Length, "HWID", out reason), out ClientHardwareId decoded, out _) || reason.Length > 0)
            {
                reason = reason.Length > 0 ? reason : $"payload: HWID at offset {offset} does not decode";
                return false;
            }

            hardwareId = decoded;
        }

        if ((flags & FlagFingerprint) != 0)
        {
            ReadOnlySpan<byte> bytes = Take(payload, ref offset, DeviceFingerprint.Length, "device fingerprint", out reason);
            if (reason.Length > 0)
            {
                return false;
            }

            fingerprint = new DeviceFingerprint(bytes);
        }

        var licenses = new List<StoredLicense>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> fixedPart = Take(payload, ref offset, 4, $"license {i} dwVersion", out reason);
            if (reason.Length > 0)
            {
                return false;
            }

            uint version = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart);
            if (!TryString(payload, ref offset, $"license {i} scope", out string scope, out reason)
                || !TryString(payload, ref offset, $"license {i} company name", out string company, out reason)
                || !TryString(payload, ref offset, $"license {i} product ID", out string product, out reason))
            {
                return false;
            }

            ReadOnlySpan<byte> tail = Take(payload, ref offset, 12, $"license {i} stored time and length", out reason);
            if (reason.Length > 0)
            {
                return false;
            }

            long storedAtMs = BinaryPrimitives.ReadInt64LittleEndian(tail);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
            if (length == 0 || length > LicenseStoreLimits.MaxLicenseInfoLength)
            {
                reason = $"payload: license {i} length {length} at offset {offset - 4} is outside 1..{LicenseStoreLimits.MaxLicenseInfoLength}";
                return false;
            }

            if (storedAtMs < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || storedAtMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                reason = $"payload: license {i} stored time {storedAtMs} at offset {offset - 12} is out of range";
                return false;
            }

            ReadOnlySpan<byte> info = Take(payload, ref offset, (int)length, $"license {i} pbLicenseInfo", out reason);
            if (reason.Length > 0)
            {
                return false;
            }

            var key = new LicenseKey(version, scope, company, product);
            if (licenses.Any(l => l.Key == key))
            {
                reason = $"payload: license {i} repeats the key {key}";
                return false;
            }

            licenses.Add(new StoredLicense(key, info.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(storedAtMs)));
        }

        if (offset != payload.Length)
        {
            reason = $"payload: {payload.Length - offset} unexpected bytes after the last license at offset {offset}";
            return false;
        }

        content = new StoreContent(hardwareId, fingerprint, licenses);
        reason = string.Empty;
        return true;
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> payload, ref int offset, int length, string field, out string reason)
    {
        if (payload.Length - offset < length)
        {
            reason = $"payload: {field} truncated at offset {offset} (needs {length}, {payload.Length - offset} remain)";
            return default;
        }

        reason = string.Empty;
        ReadOnlySpan<byte> slice = payload.Slice(offset, length);
        offset += length;
        return slice;
    }

    private static bool TryString(ReadOnlySpan<byte> payload, ref int offset, string field, out string value, out string reason)
    {
        value = string.Empty;
        ReadOnlySpan<byte> lengthBytes = Take(payload, ref offset, 2, field + " length", out reason);
        if (reason.Length > 0)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes);
        if (length > LicenseStoreLimits.MaxKeyStringBytes)
        {
            reason = $"payload: {field} length {length} at offset {offset - 2} is over the limit of {LicenseStoreLimits.MaxKeyStringBytes}";
            return false;
        }

        ReadOnlySpan<byte> bytes = Take(payload, ref offset, length, field, out reason);
        if (reason.Length > 0)
        {
            return false;
        }

        // Strict: a lossy decode would turn bad bytes into U+FFFD and the CAL's key into one the store never wrote
        // (found by fuzzing: such a payload re-encoded to different bytes).
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            reason = $"payload: {field} at offset {offset - length} is not valid UTF-8";
            return false;
        }

        value = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
