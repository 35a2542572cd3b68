using TsThinLic.Pdu;

namespace TsThinLic.Transport;

/// <summary>One licensing PDU of an exchange, as it crossed the wire.</summary>
/// <param name="Direction">Who sent it.</param>
/// <param name="MessageType">bMsgType, or null when the bytes did not decode far enough to say.</param>
/// <param name="Bytes">The PDU as framed (with its security header when it had one).</param>
/// <param name="Timestamp">When the driver saw it, from the injected clock.</param>
public sealed record LicensingPduRecord(LicensingPduDirection Direction, LicensingMessageType? MessageType, ReadOnlyMemory<byte> Bytes, DateTimeOffset Timestamp);
