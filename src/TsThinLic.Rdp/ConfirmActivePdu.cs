using System.Diagnostics.CodeAnalysis;
using TsThinLic.Pdu;

namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.13.2.1] Confirm Active PDU Data (TS_CONFIRM_ACTIVE_PDU): the client's answer to Demand Active,
/// with the shareId it echoes and its own capability sets. Decoded only (the server reads it).
/// </summary>
public sealed class ConfirmActivePdu
{
    private ConfirmActivePdu(ushort source, uint shareId, ushort originator, string sourceDescriptor, IReadOnlyList<CapabilitySet> capabilities)
    {
        Source = source;
        ShareId = shareId;
        Originator = originator;
        SourceDescriptor = sourceDescriptor;
        Capabilities = capabilities;
    }

    /// <summary>pduSource: the client's MCS user channel.</summary>
    public ushort Source { get; }

    /// <summary>shareId, as the Demand Active gave it.</summary>
    public uint ShareId { get; }

    /// <summary>originatorId: the server channel ID (1002).</summary>
    public ushort Originator { get; }

    /// <summary>sourceDescriptor.</summary>
    public string SourceDescriptor { get; }

    /// <summary>capabilitySets, in order.</summary>
    public IReadOnlyList<CapabilitySet> Capabilities { get; }

    /// <summary>Decodes the PDU (Share Control Header first, no security header).</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out ConfirmActivePdu? pdu, out DecodeError error)
    {
        pdu = null;
        if (!ShareControlHeader.TryDecodePdu(data.Span, 0, out ShareControlHeader header, out error))
        {
            return false;
        }

        if (header.Kind != SharePduType.ConfirmActive)
        {
            error = new DecodeError(DecodeErrorKind.UnexpectedMessageType, "pduType", 2, $"type {header.Type} is not PDUTYPE_CONFIRMACTIVEPDU");
            return false;
        }

        if (!DemandActivePdu.TryReadActiveFields(data[..header.TotalLength], ShareControlHeader.Length, hasOriginator: true, out DemandActivePdu.ActiveFields fields, out error))
        {
            return false;
        }

        pdu = new ConfirmActivePdu(header.PduSource, fields.ShareId, fields.Originator, fields.SourceDescriptor, fields.Capabilities);
        return true;
    }
}
