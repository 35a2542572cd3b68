namespace TsThinLic.Rdp;

/// <summary>[T125] DomainMCSPDU choice index (the top six bits of the first PER byte).</summary>
public enum McsDomainPduType : byte
{
    /// <summary>erectDomainRequest.</summary>
    ErectDomainRequest = 1,

    /// <summary>disconnectProviderUltimatum.</summary>
    DisconnectProviderUltimatum = 8,

    /// <summary>attachUserRequest.</summary>
    AttachUserRequest = 10,

    /// <summary>attachUserConfirm.</summary>
    AttachUserConfirm = 11,

    /// <summary>channelJoinRequest.</summary>
    ChannelJoinRequest = 14,

    /// <summary>channelJoinConfirm.</summary>
    ChannelJoinConfirm = 15,

    /// <summary>sendDataRequest.</summary>
    SendDataRequest = 25,

    /// <summary>sendDataIndication.</summary>
    SendDataIndication = 26,
}
