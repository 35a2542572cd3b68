using TsThinLic.Rdp;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Tests.TestSupport;

namespace TsThinLic.Tests.Replay.Decryption;

/// <summary>
/// Writes an exchange's licensing PDUs as a classic pcap of one RDP connection over TCP (raw IPv4, a SYN from the
/// client, each PDU in MCS Send Data in X.224 Data in a TPKT): a capture of the emulated license server whose key
/// the tests hold, for the command-line paths of --license-key.
/// </summary>
internal static class LicensingCapture
{
    private const ushort UserId = 1007;
    private const ushort IoChannel = 1003;

    public static byte[] Write(ReplayExchange exchange)
    {
        var pcap = new RawTcpPcapWriter();
        foreach (ReplayPdu pdu in exchange.Pdus)
        {
            bool fromClient = pdu.Direction == CaptureDirection.ClientToServer;
            pcap.Add(fromClient, X224Data.Wrap(McsDomainPdu.EncodeSendData(fromClient ? McsDomainPduType.SendDataRequest : McsDomainPduType.SendDataIndication, UserId, IoChannel, pdu.Bytes.Span)));
        }

        return pcap.ToArray();
    }
}
