namespace TsThinLic.Rdp;

/// <summary>
/// [MS-RDPBCGR 2.2.1.19 – 2.2.1.22] The server's Connection Finalization PDUs, which take a client from Confirm Active
/// to active: Synchronize, Control (Cooperate), Control (Granted Control) and Font Map, as Share Data PDUs.
/// </summary>
public static class ConnectionFinalization
{
    /// <summary>SYNCMSGTYPE_SYNC.</summary>
    private const ushort SyncMessageType = 1;

    /// <summary>CTRLACTION_GRANTED_CONTROL.</summary>
    private const ushort GrantedControl = 2;

    /// <summary>CTRLACTION_COOPERATE.</summary>
    private const ushort Cooperate = 4;

    /// <summary>The four PDUs, in the order a server sends them.</summary>
    /// <param name="serverChannelId">The server's MCS channel (pduSource, targetUser, controlId).</param>
    /// <param name="clientUserId">The client's user channel (grantId).</param>
    /// <param name="shareId">The shareId of Demand Active.</param>
    public static IReadOnlyList<byte[]> ServerPdus(ushort serverChannelId, ushort clientUserId, uint shareId)
    {
        // [2.2.1.19.1] messageType, targetUser.
        var synchronize = new RdpWriter(4);
        synchronize.WriteUInt16(SyncMessageType);
        synchronize.WriteUInt16(serverChannelId);

        // [2.2.1.15.1] action, grantId, controlId.
        var cooperate = new RdpWriter(8);
        cooperate.WriteUInt16(Cooperate);
        cooperate.WriteUInt16(0);
        cooperate.WriteUInt32(0);

        var granted = new RdpWriter(8);
        granted.WriteUInt16(GrantedControl);
        granted.WriteUInt16(clientUserId);
        granted.WriteUInt32(serverChannelId);

        // [2.2.1.22.1] numberEntries 0, totalNumEntries 0, mapFlags FONTMAP_FIRST | FONTMAP_LAST, entrySize 4.
        var fontMap = new RdpWriter(8);
        fontMap.WriteUInt16(0);
        fontMap.WriteUInt16(0);
        fontMap.WriteUInt16(0x0003);
        fontMap.WriteUInt16(4);

        return
        [
            new ShareDataPdu(serverChannelId, shareId, ShareDataPdu.StreamLow, ShareDataPdu.Synchronize, synchronize.ToArray()).ToArray(),
            new ShareDataPdu(serverChannelId, shareId, ShareDataPdu.StreamLow, ShareDataPdu.Control, cooperate.ToArray()).ToArray(),
            new ShareDataPdu(serverChannelId, shareId, ShareDataPdu.StreamLow, ShareDataPdu.Control, granted.ToArray()).ToArray(),
            new ShareDataPdu(serverChannelId, shareId, ShareDataPdu.StreamMedium, ShareDataPdu.FontMap, fontMap.ToArray()).ToArray(),
        ];
    }
}
