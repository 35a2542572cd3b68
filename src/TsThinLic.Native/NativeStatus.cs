namespace TsThinLic.Native;

/// <summary>The status codes of include/tsthinlic.h (enum tsthinlic_status): what every export returns.</summary>
internal static class NativeStatus
{
    public const int Ok = 0;
    public const int InvalidArgument = -1;
    public const int BufferTooSmall = -2;
    public const int Store = -3;
    public const int Callback = -4;
    public const int State = -5;
    public const int Malformed = -6;
    public const int Unsupported = -7;
    public const int Busy = -8;
    public const int Internal = -99;

    /// <summary>The status's name as the header spells it, for the log and the last-error text.</summary>
    public static string Name(int status) => status switch
    {
        Ok => "TSTHINLIC_OK",
        InvalidArgument => "TSTHINLIC_E_INVALID_ARGUMENT",
        BufferTooSmall => "TSTHINLIC_E_BUFFER_TOO_SMALL",
        Store => "TSTHINLIC_E_STORE",
        Callback => "TSTHINLIC_E_CALLBACK",
        State => "TSTHINLIC_E_STATE",
        Malformed => "TSTHINLIC_E_MALFORMED",
        Unsupported => "TSTHINLIC_E_UNSUPPORTED",
        Busy => "TSTHINLIC_E_BUSY",
        _ => "TSTHINLIC_E_INTERNAL",
    };
}
