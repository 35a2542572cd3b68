using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4] Server MCS Connect Response PDU with GCC Conference Create Response: the BER-encoded
/// Connect-Response of [T125] 11.2 whose userData is the GCC ConnectData.
/// </summary>
public sealed class McsConnectResponse
{
    public McsConnectResponse(byte result, uint calledConnectId, DomainParameters domainParameters, ReadOnlyMemory<byte> userData)
    {
        Result = result;
        CalledConnectId = calledConnectId;
        DomainParameters = domainParameters;
        UserData = userData;
    }

    /// <summary>result (Result ENUMERATED; 0 = rt-successful).</summary>
    public byte Result { get; }

    /// <summary>calledConnectId.</summary>
    public uint CalledConnectId { get; }

    /// <summary>domainParameters.</summary>
    public DomainParameters DomainParameters { get; }

    /// <summary>userData: the GCC Conference Create Response.</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>[T125] Result names for the failure report.</summary>
    public static string ResultName(byte result) => result switch
    {
        0 => "rt-successful",
        1 => "rt-domain-merging",
        2 => "rt-domain-not-hierarchical",
        3 => "rt-no-such-channel",
        4 => "rt-no-such-domain",
        5 => "rt-no-such-user",
        6 => "rt-not-admitted",
        7 => "rt-other-user-id",
        8 => "rt-parameters-unacceptable",
        9 => "rt-token-not-available",
        10 => "rt-token-not-possessed",
        11 => "rt-too-many-channels",
        12 => "rt-too-many-tokens",
        13 => "rt-too-many-users",
        14 => "rt-unspecified-failure",
        15 => "rt-user-rejected",
        _ => $"result {result}",
    };

    /// <summary>The MCS PDU alone (without X.224 and TPKT headers).</summary>
    public byte[] ToArray()
    {
        var content = new RdpWriter(UserData.Length + 64);
        BerWriter.WriteTagged(content, BerWriter.TagEnumerated, [Result]);
        BerWriter.WriteInteger(content, CalledConnectId);
        DomainParameters.Write(content);
        BerWriter.WriteTagged(content, BerWriter.TagOctetString, UserData.Span);
        var writer = new RdpWriter(content.Length + 8);
        BerWriter.WriteTag(writer, BerWriter.TagConnectResponse);
        BerWriter.WriteLength(writer, content.Length);
        writer.WriteBytes(content.WrittenSpan);
        return writer.ToArray();
    }

    /// <summary>Decodes the MCS PDU (without X.224 and TPKT headers); <paramref name="baseOffset"/> is added to error offsets.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> pdu, int baseOffset, [NotNullWhen(true)] out McsConnectResponse? response, out DecodeError error)
    {
        response = null;
        var reader = new RdpReader(pdu, baseOffset);
        if (!reader.TryExpectBerTag("Connect-Response", BerWriter.TagConnectResponse) || !reader.TryReadBerLength("Connect-Response length", out _)
            || !reader.TryReadBerEnumerated("result", out byte result) || !reader.TryReadBerInteger("calledConnectId", out uint connectId)
            || !DomainParameters.TryRead(ref reader, "domainParameters", out DomainParameters parameters)
            || !reader.TryExpectBerTag("userData", BerWriter.TagOctetString) || !reader.TryReadBerLength("userData", out int length)
            || !reader.TryReadBytes("userData", length, out ReadOnlySpan<byte> userData))
        {
            error = reader.Error;
            return false;
        }

        response = new McsConnectResponse(result, connectId, parameters, userData.ToArray());
        error = default;
        return true;
    }
}
