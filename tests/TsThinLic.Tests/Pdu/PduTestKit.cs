using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

/// <summary>Shared helpers for the codec tests: fixture lists, decoding through every entry point, expected re-encodings.</summary>
internal static class PduTestKit
{
    /// <summary>The <c>kind: "pdu"</c> vectors that are whole licensing PDUs (preamble, maybe a security header first).</summary>
    public static IReadOnlyList<string> LicensingPduVectors { get; } =
        [.. Vectors.Names("pdu").Where(n => Vectors.Has(n, "framing") && Vectors.Text(n, "framing").Contains("LICENSE_PREAMBLE", StringComparison.Ordinal))];

    /// <summary>Vectors whose wMsgSize also counts the security header (IronRDP): re-encoding writes the spec's value.</summary>
    public static IReadOnlySet<string> MessageSizeQuirkVectors { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ironrdp_server_license_request_x509",
        "ironrdp_server_license_request_no_cert",
        "ironrdp_valid_client_wmsgsize_quirk",
    };

    public static TheoryData<string> PduVectorData()
    {
        var data = new TheoryData<string>();
        foreach (string name in LicensingPduVectors)
        {
            data.Add(name);
        }

        return data;
    }

    public static LicensingPdu Decode(ReadOnlySpan<byte> bytes)
    {
        bool ok = LicensingPduDecoder.TryDecode(bytes, out LicensingPdu? pdu, out DecodeError error);
        Assert.True(ok, $"decode failed: {error}");
        return pdu!;
    }

    /// <summary>Decodes a fixture through the span entry point, after checking every segment shape agrees.</summary>
    public static T Decode<T>(string vector)
        where T : LicensingPdu
    {
        byte[] wire = Vectors.Hex(vector);
        AssertDecodesEverywhere(wire, pdu => Assert.IsType<T>(pdu));
        return Assert.IsType<T>(Decode(wire));
    }

    /// <summary>Re-encodes with a security header exactly when the decoded PDU had one.</summary>
    public static byte[] Reencode(LicensingPdu pdu) => pdu.ToArray(withSecurityHeader: pdu.SecurityHeader is not null);

    /// <summary>What a re-encode of <paramref name="wire"/> must give: the same bytes, with wMsgSize per spec.</summary>
    public static byte[] ExpectedReencoding(byte[] wire, LicensingPdu decoded)
    {
        byte[] expected = (byte[])wire.Clone();
        int headerLength = decoded.SecurityHeader is null ? 0 : SecurityHeader.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(headerLength + 2), (ushort)(wire.Length - headerLength));
        return expected;
    }

    /// <summary>Decodes through the sequence entry point and checks it consumed exactly <paramref name="expectedLength"/> bytes.</summary>
    public static LicensingPdu DecodeSequence(ReadOnlySequence<byte> sequence, long expectedLength)
    {
        DecodeStatus status = LicensingPduDecoder.TryDecode(sequence, out LicensingPdu? pdu, out SequencePosition consumed, out DecodeError error);
        Assert.True(status == DecodeStatus.Complete, $"status {status}: {error}");
        Assert.Equal(expectedLength, sequence.Slice(0, consumed).Length);

        DecodeStatus frameStatus = LicensingPduDecoder.TryReadFrame(sequence, out SequencePosition frameEnd, out int frameLength, out DecodeError frameError);
        Assert.True(frameStatus == DecodeStatus.Complete, $"frame status {frameStatus}: {frameError}");
        Assert.Equal(expectedLength, frameLength);
        Assert.Equal(expectedLength, sequence.Slice(0, frameEnd).Length);
        return pdu!;
    }

    /// <summary>
    /// Runs <paramref name="check"/> on the span decode and on the sequence decode of every segment shape (one segment,
    /// one per byte, split at every index), and checks all of them re-encode to the same bytes.
    /// </summary>
    public static void AssertDecodesEverywhere(byte[] wire, Action<LicensingPdu> check)
    {
        LicensingPdu reference = Decode(wire);
        check(reference);
        byte[] reencoded = Reencode(reference);
        foreach ((string shape, ReadOnlySequence<byte> sequence) in Segments.AllShapes(wire))
        {
            LicensingPdu pdu = DecodeSequence(sequence, wire.Length);
            check(pdu);
            Assert.True(reencoded.AsSpan().SequenceEqual(Reencode(pdu)), $"re-encoding differs for shape {shape}");
        }
    }
}
