using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.3] Client MCS Connect Initial PDU with GCC Conference Create Request: the BER-encoded
/// Connect-Initial of [T125] 11.1 whose userData is the GCC ConnectData.
/// </summary>
public sealed class McsConnectInitial
{
    /// <summary>The most bytes of userData accepted when decoding.</summary>
    public const int MaxUserDataLength = 16 * 1024;

    public McsConnectInitial(ReadOnlyMemory<byte> userData)
        : this(userData, DomainParameters.Target, DomainParameters.Minimum, DomainParameters.Maximum)
    {
    }

    public McsConnectInitial(ReadOnlyMemory<byte> userData, DomainParameters target, DomainParameters minimum, DomainParameters maximum)
    {
        UserData = userData;
        TargetParameters = target;
        MinimumParameters = minimum;
        MaximumParameters = maximum;
    }

    /// <summary>targetParameters.</summary>
    public DomainParameters TargetParameters { get; }

    /// <summary>minimumParameters.</summary>
    public DomainParameters MinimumParameters { get; }

    /// <summary>maximumParameters.</summary>
    public DomainParameters MaximumParameters { get; }

    /// <summary>userData: the GCC Conference Create Request (see <see cref="GccConferenceCreateRequest"/>).</summary>
    public ReadOnlyMemory<byte> UserData { get; }

    /// <summary>The MCS PDU alone (without X.224 and TPKT headers).</summary>
    public byte[] ToArray()
    {
        var content = new RdpWriter(UserData.Length + 128);
        BerWriter.WriteTagged(content, BerWriter.TagOctetString, [0x01]); // callingDomainSelector
        BerWriter.WriteTagged(content, BerWriter.TagOctetString, [0x01]); // calledDomainSelector
        BerWriter.WriteBoolean(content, true); // upwardFlag
        TargetParameters.Write(content);
        MinimumParameters.Write(content);
        MaximumParameters.Write(content);
        BerWriter.WriteTagged(content, BerWriter.TagOctetString, UserData.Span);

        var writer = new RdpWriter(content.Length + 8);
        BerWriter.WriteTag(writer, BerWriter.TagConnectInitial);
        BerWriter.WriteLength(writer, content.Length);
        writer.WriteBytes(content.WrittenSpan);
        return writer.ToArray();
    }

    /// <summary>The whole packet: TPKT + X.224 data + this PDU.</summary>
    public byte[] ToPacket() => X224Data.Wrap(ToArray());

    /// <summary>Decodes the MCS PDU (without X.224 and TPKT headers).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> pdu, [NotNullWhen(true)] out McsConnectInitial? initial, out DecodeError error)
    {
        initial = null;
        var reader = new RdpReader(pdu);
        if (!reader.TryExpectBerTag("Connect-Initial", BerWriter.TagConnectInitial) || !reader.TryReadBerLength("Connect-Initial length", out _)
            || !reader.TryExpectBerTag("callingDomainSelector", BerWriter.TagOctetString) || !reader.TryReadBerLength("callingDomainSelector", out int calling) || !reader.TrySkip("callingDomainSelector", calling)
            || !reader.TryExpectBerTag("calledDomainSelector", BerWriter.TagOctetString) || !reader.TryReadBerLength("calledDomainSelector", out int called) || !reader.TrySkip("calledDomainSelector", called)
            || !reader.TryExpectBerTag("upwardFlag", BerWriter.TagBoolean) || !reader.TryReadBerLength("upwardFlag", out int upward) || !reader.TrySkip("upwardFlag", upward)
            || !DomainParameters.TryRead(ref reader, "targetParameters", out DomainParameters target)
            || !DomainParameters.TryRead(ref reader, "minimumParameters", out DomainParameters minimum)
            || !DomainParameters.TryRead(ref reader, "maximumParameters", out DomainParameters maximum)
            || !reader.TryExpectBerTag("userData", BerWriter.TagOctetString) || !reader.TryReadBerLength("userData", out int length)
            || !reader.TryReadBytes("userData", length, out ReadOnlySpan<byte> userData))
        {
            error = reader.Error;
            return false;
        }

        initial = new McsConnectInitial(userData.ToArray(), target, minimum, maximum);
        error = default;
        return true;
    }
}
