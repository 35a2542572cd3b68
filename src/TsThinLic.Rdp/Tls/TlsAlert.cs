namespace TsThinLic.Rdp.Tls;

/// <summary>[RFC 5246 7.2] Alert levels and the spec's names of alert descriptions, for failure messages.</summary>
internal static class TlsAlert
{
    /// <summary>AlertLevel warning (1).</summary>
    public const byte Warning = 1;

    /// <summary>AlertLevel fatal (2).</summary>
    public const byte Fatal = 2;

    /// <summary>The description as RFC 5246 (and its registry) spells it, with its number.</summary>
    public static string Name(byte description) => description switch
    {
        0 => "close_notify (0)",
        10 => "unexpected_message (10)",
        20 => "bad_record_mac (20)",
        21 => "decryption_failed (21)",
        22 => "record_overflow (22)",
        30 => "decompression_failure (30)",
        40 => "handshake_failure (40)",
        41 => "no_certificate (41)",
        42 => "bad_certificate (42)",
        43 => "unsupported_certificate (43)",
        44 => "certificate_revoked (44)",
        45 => "certificate_expired (45)",
        46 => "certificate_unknown (46)",
        47 => "illegal_parameter (47)",
        48 => "unknown_ca (48)",
        49 => "access_denied (49)",
        50 => "decode_error (50)",
        51 => "decrypt_error (51)",
        60 => "export_restriction (60)",
        70 => "protocol_version (70)",
        71 => "insufficient_security (71)",
        80 => "internal_error (80)",
        86 => "inappropriate_fallback (86)",
        90 => "user_canceled (90)",
        100 => "no_renegotiation (100)",
        109 => "missing_extension (109)",
        110 => "unsupported_extension (110)",
        112 => "unrecognized_name (112)",
        _ => $"unknown alert ({description})",
    };
}
