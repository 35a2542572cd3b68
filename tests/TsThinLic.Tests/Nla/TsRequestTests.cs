using TsThinLic.Pdu;
using TsThinLic.Rdp.Nla;
using Xunit;

namespace TsThinLic.Tests.Nla;

/// <summary>
/// [MS-CSSP 2.2.1] TSRequest, TSCredentials and SPNEGO's NegTokenResp: round trips of every field combination, a golden
/// encoding with a comment per field, and hostile input: every length octet mutated gives a typed error naming a field,
/// every prefix and random bytes never throw.
/// </summary>
public sealed class TsRequestTests
{
    private static readonly byte[] s_token = Convert.FromHexString("4e544c4d535350000100000097820862");
    private static readonly byte[] s_nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Requests() => new(
        "version",
        "negoTokens",
        "pubKeyAuth+clientNonce",
        "authInfo",
        "errorCode",
        "everything",
        "two negoTokens",
        "long pubKeyAuth");

    internal static TsRequest Make(string name) => name switch
    {
        "version" => new TsRequest(6),
        "negoTokens" => new TsRequest(6, [s_token]),
        "pubKeyAuth+clientNonce" => new TsRequest(6, [s_token], pubKeyAuth: new byte[286], clientNonce: s_nonce),
        "authInfo" => new TsRequest(2, authInfo: new byte[92]),
        "errorCode" => new TsRequest(6, errorCode: unchecked((int)0xC000006D)),
        "everything" => new TsRequest(6, [s_token], new byte[3], new byte[48], unchecked((int)0x8009030C), s_nonce),
        "two negoTokens" => new TsRequest(3, [s_token, new byte[1]]),
        _ => new TsRequest(6, pubKeyAuth: new byte[70000 - 100]),
    };

    /// <summary>The first negoToken of an encoded TSRequest.</summary>
    internal static byte[] FirstToken(byte[] request)
    {
        Assert.True(TsRequest.TryDecode(request, out TsRequest? decoded, out DecodeError error), error.ToString());
        return decoded!.NegoTokens[0].ToArray();
    }

    [Fact]
    public void GoldenEncoding()
    {
        byte[] encoded = new TsRequest(6, [s_token], clientNonce: s_nonce).ToArray();
        string expected =
            "30" + "43" // TSRequest SEQUENCE, 67 bytes
            + "a0" + "03" + "020106" // version [0] INTEGER 6
            + "a1" + "18" + "3016" + "3014" + "a012" + "0410" + "4e544c4d535350000100000097820862" // negoTokens [1] NegoData { { negoToken [0] OCTET STRING } }
            + "a5" + "22" + "0420" + Convert.ToHexStringLower(s_nonce); // clientNonce [5] OCTET STRING (32)
        Assert.Equal(expected, Convert.ToHexStringLower(encoded));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void RoundTrips(string name)
    {
        TsRequest request = Make(name);
        byte[] encoded = request.ToArray();
        if (encoded.Length > TsRequest.MaxLength)
        {
            Assert.False(TsRequest.TryDecode(encoded, out _, out DecodeError tooLong));
            Assert.Equal(DecodeErrorKind.LengthOutOfRange, tooLong.Kind);
            return;
        }

        Assert.True(TsRequest.TryDecode(encoded, out TsRequest? decoded, out DecodeError error), error.ToString());
        Assert.Equal(request.Version, decoded!.Version);
        Assert.Equal(request.NegoTokens.Select(t => Convert.ToHexString(t.Span)), decoded.NegoTokens.Select(t => Convert.ToHexString(t.Span)));
        Assert.Equal(Hex(request.AuthInfo), Hex(decoded.AuthInfo));
        Assert.Equal(Hex(request.PubKeyAuth), Hex(decoded.PubKeyAuth));
        Assert.Equal(request.ErrorCode, decoded.ErrorCode);
        Assert.Equal(Hex(request.ClientNonce), Hex(decoded.ClientNonce));
        Assert.Equal(encoded, decoded.ToArray());
        Assert.Equal(DecodeStatus.Complete, TsRequest.TryReadFrame(encoded, out int length, out _));
        Assert.Equal(encoded.Length, length);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void EveryLengthMutationIsATypedError(string name)
    {
        byte[] encoded = Make(name).ToArray();
        if (encoded.Length > TsRequest.MaxLength)
        {
            return;
        }

        List<int> lengthOctets = LengthOctets(encoded);
        Assert.NotEmpty(lengthOctets);
        foreach (int position in lengthOctets)
        {
            foreach (byte value in Mutations(encoded[position]))
            {
                byte[] mutated = (byte[])encoded.Clone();
                mutated[position] = value;
                bool decoded = TsRequest.TryDecode(mutated, out _, out DecodeError error);
                Assert.False(decoded, $"{name}: length octet at {position} set to 0x{value:x2} still decodes");
                Assert.False(string.IsNullOrEmpty(error.Field), $"{name}: no field named for the octet at {position}");
                Assert.InRange(error.Offset, 0, mutated.Length);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void EveryPrefixIsIncompleteAndNeverThrows(string name)
    {
        byte[] encoded = Make(name).ToArray();
        if (encoded.Length > TsRequest.MaxLength)
        {
            Assert.Equal(DecodeStatus.Invalid, TsRequest.TryReadFrame(encoded.AsSpan(0, 8), out _, out DecodeError error));
            Assert.Equal(DecodeErrorKind.LengthOutOfRange, error.Kind); // refused from the header, before the body
            return;
        }

        for (int length = 0; length < encoded.Length; length++)
        {
            Assert.Equal(DecodeStatus.NeedMoreData, TsRequest.TryReadFrame(encoded.AsSpan(0, length), out _, out _));
            Assert.False(TsRequest.TryDecode(encoded.AsMemory(0, length), out _, out _));
        }

        Assert.False(TsRequest.TryDecode((byte[])[.. encoded, 0], out _, out DecodeError trailing));
        Assert.Equal(DecodeErrorKind.TrailingData, trailing.Kind);
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(12);
        for (int i = 0; i < 20000; i++)
        {
            byte[] junk = new byte[random.Next(0, 96)];
            random.NextBytes(junk);
            if (junk.Length > 0 && random.Next(2) == 0)
            {
                junk[0] = 0x30;
            }

            TsRequest.TryDecode(junk, out _, out _);
            TsRequest.TryReadFrame(junk, out _, out _);
            Spnego.TryDecodeResp(junk, out _, out _);
            TsCredentials.TryDecodePassword(junk, out _, out _, out _, out _);
        }
    }

    [Fact]
    public void BitFlipsOfAFullRequestNeverThrow()
    {
        byte[] encoded = Make("everything").ToArray();
        for (int bit = 0; bit < encoded.Length * 8; bit++)
        {
            byte[] flipped = (byte[])encoded.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            TsRequest.TryDecode(flipped, out _, out _);
        }
    }

    [Theory]
    [InlineData("a1")] // a field after [1] that is not a context tag in order: [1] again
    [InlineData("04")] // not a context tag at all
    public void FieldsOutOfOrderAreRefused(string tag)
    {
        byte[] encoded = new TsRequest(6, [s_token]).ToArray();
        byte[] extra = Convert.FromHexString(tag + "00");
        byte[] body = [.. encoded[2..], .. extra];
        byte[] mutated = [0x30, (byte)body.Length, .. body];
        Assert.False(TsRequest.TryDecode(mutated, out _, out DecodeError error));
        Assert.Equal("TSRequest field", error.Field);
    }

    [Fact]
    public void ALaterVersionsFieldIsSkipped()
    {
        byte[] encoded = new TsRequest(6, [s_token]).ToArray();
        byte[] body = [.. encoded[2..], 0xa7, 0x03, 0x02, 0x01, 0x01];
        Assert.True(TsRequest.TryDecode((byte[])[0x30, (byte)body.Length, .. body], out TsRequest? decoded, out DecodeError error), error.ToString());
        Assert.Single(decoded!.NegoTokens);
    }

    [Fact]
    public void AClientNonceMustBe32Bytes()
    {
        byte[] encoded = new TsRequest(6, clientNonce: new byte[31]).ToArray();
        Assert.False(TsRequest.TryDecode(encoded, out _, out DecodeError error));
        Assert.Equal("clientNonce", error.Field);
    }

    [Fact]
    public void TsCredentialsRoundTripAndEveryLengthMutationFails()
    {
        byte[] encoded = TsCredentials.EncodePassword("TESTDOM", "alice", "S3cret!");
        Assert.True(TsCredentials.TryDecodePassword(encoded, out string? domain, out string? user, out string? password, out DecodeError error), error.ToString());
        Assert.Equal(("TESTDOM", "alice", "S3cret!"), (domain, user, password));
        // [MS-CSSP 2.2.1.2]: credType 1, credentials = TSPasswordCreds, strings UTF-16LE.
        Assert.StartsWith("30" + "3d" + "a0" + "03" + "020101" + "a1" + "36" + "0434" + "3032" + "a0" + "10" + "040e" + "54004500530054004400", Convert.ToHexStringLower(encoded), StringComparison.Ordinal);

        foreach (int position in LengthOctets(encoded))
        {
            foreach (byte value in Mutations(encoded[position]))
            {
                byte[] mutated = (byte[])encoded.Clone();
                mutated[position] = value;
                Assert.False(TsCredentials.TryDecodePassword(mutated, out _, out _, out _, out error), $"length octet at {position} = 0x{value:x2}");
                Assert.False(string.IsNullOrEmpty(error.Field));
            }
        }
    }

    [Fact]
    public void NegTokenRespRoundTripsAndEveryLengthMutationFails()
    {
        byte[] encoded = Spnego.EncodeResp(SpnegoNegState.AcceptIncomplete, supportedMechNtlm: true, s_token, new byte[16]);
        Assert.True(Spnego.TryDecodeResp(encoded, out SpnegoNegTokenResp? response, out DecodeError error), error.ToString());
        Assert.Equal(SpnegoNegState.AcceptIncomplete, response!.State);
        Assert.True(response.SupportedMechIsNtlm);
        Assert.Equal(s_token, response.ResponseToken!.Value.ToArray());
        Assert.Equal(new byte[16], response.MechListMic!.Value.ToArray());

        foreach (int position in LengthOctets(encoded))
        {
            foreach (byte value in Mutations(encoded[position]))
            {
                byte[] mutated = (byte[])encoded.Clone();
                mutated[position] = value;
                Assert.False(Spnego.TryDecodeResp(mutated, out _, out error), $"length octet at {position} = 0x{value:x2}");
                Assert.False(string.IsNullOrEmpty(error.Field));
            }
        }
    }

    [Fact]
    public void NegTokenInitIsTheGssWrapperAroundNtlmOnly()
    {
        byte[] init = Spnego.EncodeInit(s_token);
        string expected =
            "60" + "30" // [APPLICATION 0] InitialContextToken
            + "06062b0601050502" // thisMech: SPNEGO 1.3.6.1.5.5.2
            + "a0" + "26" + "30" + "24" // negTokenInit [0] NegTokenInit SEQUENCE
            + "a0" + "0e" + "300c" + "060a2b06010401823702020a" // mechTypes [0] { NTLM 1.3.6.1.4.1.311.2.2.10 }
            + "a2" + "12" + "0410" + "4e544c4d535350000100000097820862"; // mechToken [2] OCTET STRING: the NEGOTIATE_MESSAGE
        Assert.Equal(expected, Convert.ToHexStringLower(init));
    }

    private static string Hex(ReadOnlyMemory<byte>? value) => value is { } v ? Convert.ToHexString(v.Span) : "-";

    private static IEnumerable<byte> Mutations(byte original)
        => new[] { (byte)(original + 1), (byte)(original - 1), (byte)0x00, (byte)0x7F, (byte)0x80, (byte)0x81, (byte)0x84, (byte)0xFF }.Where(v => v != original).Distinct();

    /// <summary>The positions of every length octet of every TLV (short form; and the count octet of a long form).</summary>
    private static List<int> LengthOctets(byte[] der)
    {
        var positions = new List<int>();
        Walk(der, 0, der.Length, positions);
        return positions;
    }

    private static void Walk(byte[] der, int start, int end, List<int> positions)
    {
        int position = start;
        while (position < end)
        {
            byte tag = der[position];
            int lengthAt = position + 1;
            positions.Add(lengthAt);
            int length;
            int header;
            if (der[lengthAt] < 0x80)
            {
                length = der[lengthAt];
                header = 2;
            }
            else
            {
                int octets = der[lengthAt] & 0x7F;
                length = 0;
                for (int i = 0; i < octets; i++)
                {
                    positions.Add(lengthAt + 1 + i);
                    length = (length << 8) | der[lengthAt + 1 + i];
                }

                header = 2 + octets;
            }

            bool constructed = (tag & 0x20) != 0;
            if (constructed)
            {
                Walk(der, position + header, position + header + length, positions);
            }

            position += header + length;
        }
    }
}
