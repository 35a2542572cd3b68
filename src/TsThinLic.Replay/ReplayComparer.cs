using System.Buffers.Binary;
using TsThinLic.Pdu;

namespace TsThinLic.Replay;

/// <summary>
/// Compares what our client sent with what the captured client sent, field by field, naming the spec field of
/// every difference. Byte-exact when the secrets are known; otherwise every field that does not follow from the
/// premaster secret or the HWID is compared (message type, preamble, PlatformId, client random, names, blob types
/// and lengths, the presented CAL, error codes), and ciphertext and MACs only by length.
/// </summary>
/// <remarks>
/// Differences accepted for a real capture (another implementation as the captured client), and reported as
/// tolerated, never hidden:
/// <list type="bullet">
/// <item>the preamble flags' version nibble and EXTENDED_ERROR_MSG_SUPPORTED bit: our client writes 0x83 to every
/// server, as mstsc and FreeRDP 2.11 do, but before that it answered in the server's preamble version (0x82 to xrdp
/// 0.9.21), and rdesktop writes 0x02 or 0x03; every server seen accepts all of them. Any other bit differing is a
/// failure;</item>
/// <item>flagsHi of the security header: unused by the spec ([MS-RDPBCGR 2.2.8.1.1.2.1]), implementations differ;</item>
/// <item>the security header flags that say how the PDU travelled under Standard RDP Security (SEC_ENCRYPT,
/// SEC_SECURE_CHECKSUM, SEC_LICENSE_ENCRYPT_CS) on a PDU the replay decrypted: FreeRDP 2.11 encrypts its licensing PDUs
/// on a FIPS connection, with a salted MAC, where our client sends them in clear as [MS-RDPBCGR 2.2.1.12] allows;</item>
/// <item>the wBlobType of a blob whose data is ciphertext or the premaster secret (BB_RANDOM_BLOB vs BB_ENCRYPTED_DATA_BLOB):
/// [MS-RDPELE] names the type, peers ignore it; only the wire type is reported.</item>
/// </list>
/// Transcripts made by our emulator (<see cref="ReplayExchange.FromCapture"/> false) get no tolerance at all.
/// </remarks>
public static class ReplayComparer
{
    /// <summary>The wire layout of a client licensing PDU, or null when the bytes do not decode.</summary>
    public static IReadOnlyList<WireField>? Layout(ReadOnlySpan<byte> bytes)
    {
        if (!LicensingPduDecoder.TryDecode(bytes, out LicensingPdu? pdu, out _))
        {
            return null;
        }

        var fields = new List<WireField>();
        int offset = 0;
        void Add(string name, int length, bool secret = false)
        {
            fields.Add(new WireField(name, offset, length, secret));
            offset += length;
        }

        void Blob(string name, LicenseBinaryBlob blob, bool secret)
        {
            Add($"{name}.wBlobType", 2);
            Add($"{name}.wBlobLen", 2);
            Add($"{name}.blobData", blob.Data.Length, secret);
        }

        // The decoder accepts PDUs with or without the basic security header: it is there when the first two bytes
        // carry SEC_LICENSE_PKT rather than a bMsgType.
        if (pdu.SecurityHeader is not null)
        {
            Add("TS_SECURITY_HEADER.flags", 2);
            Add("TS_SECURITY_HEADER.flagsHi", 2);
        }

        Add("LICENSE_PREAMBLE.bMsgType", 1);
        Add("LICENSE_PREAMBLE.flags", 1);
        Add("LICENSE_PREAMBLE.wMsgSize", 2);
        switch (pdu)
        {
            case ClientNewLicenseRequest request:
                Add("PreferredKeyExchangeAlg", 4);
                Add("PlatformId", 4);
                Add("ClientRandom", 32);
                Blob("EncryptedPreMasterSecret", request.EncryptedPreMasterSecret, secret: true);
                Blob("ClientUserName", request.ClientUserNameBlob, secret: false);
                Blob("ClientMachineName", request.ClientMachineNameBlob, secret: false);
                break;
            case ClientLicenseInfo info:
                Add("PreferredKeyExchangeAlg", 4);
                Add("PlatformId", 4);
                Add("ClientRandom", 32);
                Blob("EncryptedPreMasterSecret", info.EncryptedPreMasterSecret, secret: true);
                Blob("LicenseInfo", info.LicenseInfo, secret: false);
                Blob("EncryptedHWID", info.EncryptedHardwareId, secret: true);
                Add("MACData", info.MacData.Length, secret: true);
                break;
            case ClientPlatformChallengeResponse response:
                Blob("EncryptedPlatformChallengeResponse", response.EncryptedPlatformChallengeResponse, secret: true);
                Blob("EncryptedHWID", response.EncryptedHardwareId, secret: true);
                Add("MACData", response.MacData.Length, secret: true);
                break;
            case LicenseErrorAlert alert:
                Add("dwErrorCode", 4);
                Add("dwStateTransition", 4);
                Blob("bbErrorInfo", alert.ErrorInfo, secret: false);
                break;
            default:
                Add("message", bytes.Length - offset);
                break;
        }

        if (offset != bytes.Length)
        {
            // Trailing bytes the message does not account for are a field of their own, so they are compared too.
            fields.Add(new WireField("(trailing bytes)", offset, Math.Max(0, bytes.Length - offset), false));
        }

        return fields;
    }

    /// <summary>
    /// Compares two client PDUs. <paramref name="exact"/>: every byte counts. <paramref name="tolerant"/>: the
    /// captured client is another implementation (see the remarks for what is then accepted).
    /// </summary>
    public static IReadOnlyList<FieldDifference> Compare(ReadOnlySpan<byte> ours, ReadOnlySpan<byte> captured, bool exact, bool tolerant)
    {
        var differences = new List<FieldDifference>();
        IReadOnlyList<WireField>? oursLayout = Layout(ours);
        IReadOnlyList<WireField>? capturedLayout = Layout(captured);
        if (oursLayout is null || capturedLayout is null)
        {
            if (!ours.SequenceEqual(captured))
            {
                differences.Add(new FieldDifference("(whole PDU)", 0, captured.ToArray(), ours.ToArray()));
            }

            return differences;
        }

        // Fields are matched by name, in order: a different message type shows first as bMsgType.
        var byName = new Dictionary<string, WireField>();
        foreach (WireField field in oursLayout)
        {
            byName.TryAdd(field.Name, field);
        }

        foreach (WireField field in capturedLayout)
        {
            ReadOnlySpan<byte> capturedValue = captured.Slice(field.Offset, field.Length);
            if (!byName.TryGetValue(field.Name, out WireField mine))
            {
                differences.Add(new FieldDifference(field.Name, field.Offset, capturedValue.ToArray(), ReadOnlyMemory<byte>.Empty));
                continue;
            }

            ReadOnlySpan<byte> ourValue = ours.Slice(mine.Offset, mine.Length);
            if (field.DependsOnSecrets && !exact)
            {
                // Ciphertext and MACs differ with every premaster secret; their lengths are the wBlobLen fields.
                if (field.Name == "MACData" && capturedValue.Length != ourValue.Length)
                {
                    differences.Add(new FieldDifference(field.Name, field.Offset, capturedValue.ToArray(), ourValue.ToArray()));
                }

                continue;
            }

            if (capturedValue.SequenceEqual(ourValue))
            {
                continue;
            }

            string? tolerance = tolerant ? Tolerance(field.Name, capturedValue, ourValue) : null;
            differences.Add(new FieldDifference(field.Name, field.Offset, capturedValue.ToArray(), ourValue.ToArray(), tolerance));
        }

        foreach (WireField field in oursLayout)
        {
            if (!capturedLayout.Any(f => f.Name == field.Name))
            {
                differences.Add(new FieldDifference(field.Name, -1, ReadOnlyMemory<byte>.Empty, ours.Slice(field.Offset, field.Length).ToArray()));
            }
        }

        return differences;
    }

    private static string? Tolerance(string field, ReadOnlySpan<byte> captured, ReadOnlySpan<byte> ours)
    {
        switch (field)
        {
            case "LICENSE_PREAMBLE.flags":
                // Only the version nibble and EXTENDED_ERROR_MSG_SUPPORTED are defined; any other bit is a failure.
                return ((captured[0] ^ ours[0]) & 0x70) == 0
                    ? $"preamble version {captured[0] & 0x0f} vs {ours[0] & 0x0f}, EXTENDED_ERROR_MSG_SUPPORTED {(captured[0] & 0x80) != 0} vs {(ours[0] & 0x80) != 0}: ours writes 0x83 as mstsc and FreeRDP do; older versions of ours answered in the server's version (0x82 to xrdp), rdesktop writes 0x02 or 0x03; servers accept all"
                    : null;
            case "TS_SECURITY_HEADER.flagsHi":
                return "flagsHi is unused by [MS-RDPBCGR 2.2.8.1.1.2.1]; implementations write different values";
            case "TS_SECURITY_HEADER.flags":
                // SEC_ENCRYPT (0x0008), SEC_LICENSE_ENCRYPT_CS (0x0200), SEC_SECURE_CHECKSUM (0x0800): how the PDU
                // travelled, not what it says. Any other bit differing is a failure.
                int changed = BinaryPrimitives.ReadUInt16LittleEndian(captured) ^ BinaryPrimitives.ReadUInt16LittleEndian(ours);
                return (changed & ~(SecurityHeader.SecEncrypt | SecurityHeader.SecLicenseEncryptCs | 0x0800)) == 0
                    ? $"only the transport bits differ (captured 0x{BinaryPrimitives.ReadUInt16LittleEndian(captured):x4}, ours 0x{BinaryPrimitives.ReadUInt16LittleEndian(ours):x4}): the captured client sent this PDU encrypted under Standard RDP Security (salted MAC), ours sends licensing PDUs in clear, as [MS-RDPBCGR 2.2.1.12] allows"
                    : null;
            case "EncryptedPreMasterSecret.wBlobType":
            case "EncryptedHWID.wBlobType":
            case "EncryptedPlatformChallengeResponse.wBlobType":
                // rdesktop 1.9 (licence.c) labels its ciphertext BB_DATA_BLOB.
                ushort capturedType = BinaryPrimitives.ReadUInt16LittleEndian(captured);
                return capturedType is (ushort)BinaryBlobType.Random or (ushort)BinaryBlobType.EncryptedData or (ushort)BinaryBlobType.Data
                    ? $"the captured client labels this blob {LicensingSpecNames.BlobType(capturedType)}; servers do not check it"
                    : null;
            case "EncryptedPlatformChallengeResponse.wBlobLen":
                // rdesktop 1.9 echoes the 10-byte challenge as it came, without PLATFORM_CHALLENGE_RESPONSE_DATA's 8-byte
                // header ([MS-RDPELE 2.2.2.5.1]); `tsthinlic serve` tolerates it, or refuses it with --strict.
                return BinaryPrimitives.ReadUInt16LittleEndian(captured) == 10 && BinaryPrimitives.ReadUInt16LittleEndian(ours) == 18
                    ? "the captured client (rdesktop) answers with the bare 10-byte challenge, not PLATFORM_CHALLENGE_RESPONSE_DATA (18 bytes): outside the spec; a tolerant server takes it"
                    : null;
            case "LICENSE_PREAMBLE.wMsgSize":
                // The same 8 bytes, in the size of rdesktop's fixed 58-byte PLATFORM_CHALLENGE_RESPONSE.
                return BinaryPrimitives.ReadUInt16LittleEndian(captured) == 58 && BinaryPrimitives.ReadUInt16LittleEndian(ours) == 66
                    ? "58 bytes against our 66: the 8 bytes of PLATFORM_CHALLENGE_RESPONSE_DATA's header rdesktop leaves out"
                    : null;
            default:
                return null;
        }
    }
}
