namespace TsThinLic.Licensing;

/// <summary>Why a licensing exchange failed.</summary>
public enum LicensingFailureReason
{
    /// <summary>A server PDU did not decode; <see cref="LicensingFailure.DecodeError"/> names the field and offset.</summary>
    MalformedPdu,

    /// <summary>A server PDU arrived that is not valid in the client's current state.</summary>
    UnexpectedPdu,

    /// <summary>The server's certificate is missing, malformed, or its signature does not verify.</summary>
    InvalidServerCertificate,

    /// <summary>A MAC over server data did not verify (wrong keys, or tampering).</summary>
    InvalidMac,

    /// <summary>The decrypted NEW_LICENSE_INFO did not decode.</summary>
    MalformedLicense,

    /// <summary>The server sent an error alert with ST_TOTAL_ABORT (or an unknown transition).</summary>
    ServerAborted,

    /// <summary>The server asked for more resends or restarts than the client allows.</summary>
    TooManyRetries,

    /// <summary>A PDU arrived after the exchange had already ended.</summary>
    ExchangeOver,

    /// <summary>The driver: the server sent nothing within the timeout.</summary>
    Timeout,

    /// <summary>The driver: the connection ended before the exchange did.</summary>
    ConnectionClosed,

    /// <summary>The driver: the exchange succeeded but the store refused its result (the store is unchanged).</summary>
    StoreFailed,

    /// <summary>
    /// The server issued a CAL longer than a LICENSE_INFO could ever present (<see cref="Pdu.LicensingLimits.MaxPresentableLicenseInfoLength"/>):
    /// keeping it would break every later connection, so it is refused and the store is unchanged.
    /// </summary>
    LicenseTooLarge,
}
