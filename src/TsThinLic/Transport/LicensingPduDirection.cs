namespace TsThinLic.Transport;

/// <summary>Who sent a licensing PDU.</summary>
public enum LicensingPduDirection
{
    /// <summary>Server to client.</summary>
    Server,

    /// <summary>Client to server.</summary>
    Client,
}
