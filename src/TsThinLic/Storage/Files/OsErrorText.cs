using System.Runtime.InteropServices;

namespace TsThinLic.Storage.Files;

/// <summary>
/// The operating system's own words for an I/O failure. .NET on Unix keeps the errno in an <see cref="IOException"/>'s
/// HResult (and in the inner exception of an <see cref="UnauthorizedAccessException"/>); on Windows the HResult is
/// 0x8007xxxx around the Win32 error. The words come from the system (strerror on Unix, FormatMessage on Windows,
/// through <see cref="Marshal.GetPInvokeErrorMessage(int)"/>), never from .NET's resource strings, which the Native AOT
/// host reduces to keys such as UnauthorizedAccess_IODenied_Path.
/// </summary>
internal static class OsErrorText
{
    // Linux errno values (asm-generic/errno-base.h) and Win32 error codes (winerror.h) for the exceptions .NET raises
    // without keeping the number.
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Enametoolong = 36;
    private const int ErrorFileNotFound = 2;
    private const int ErrorPathNotFound = 3;
    private const int ErrorAccessDenied = 5;
    private const int ErrorFilenameExcedRange = 206;

    /// <summary>The errno (Unix) or Win32 error behind <paramref name="exception"/>, when one can be told.</summary>
    public static int? ErrorNumber(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case FileFaultException fault:
                return fault.ErrorNumber;
            case FileNotFoundException or DirectoryNotFoundException:
                return OperatingSystem.IsWindows() ? (exception is DirectoryNotFoundException ? ErrorPathNotFound : ErrorFileNotFound) : Enoent;
            case PathTooLongException:
                return OperatingSystem.IsWindows() ? ErrorFilenameExcedRange : Enametoolong;
            case UnauthorizedAccessException:
                return exception.InnerException is IOException inner && FromHResult(inner.HResult) is { } number ? number : OperatingSystem.IsWindows() ? ErrorAccessDenied : Eacces;
            case IOException:
                return FromHResult(exception.HResult);
            default:
                return exception.InnerException is { } wrapped ? ErrorNumber(wrapped) : null;
        }
    }

    /// <summary>The system's words for why <paramref name="exception"/> happened ("Permission denied").</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is FileFaultException fault)
        {
            return fault.Reason;
        }

        if (ErrorNumber(exception) is { } number)
        {
            return Words(number);
        }

        // An exception the system gave no number for: its own message is all there is (ours are plain words).
        return exception.InnerException is { } inner && exception is not IOException ? Describe(inner) : exception.Message;
    }

    /// <summary>
    /// A whole sentence for a failure: the product's own exceptions (<see cref="FileFaultException"/>,
    /// <see cref="LicenseStoreException"/>) already name the step, the path and the system's words; for .NET's own I/O
    /// exceptions the system's words, with the file name where .NET kept it.
    /// </summary>
    public static string Explain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            FileFaultException or LicenseStoreException => exception.Message,
            FileNotFoundException { FileName: { } name } => $"{name}: {Describe(exception)}",
            IOException or UnauthorizedAccessException => Describe(exception),
            _ => exception.Message,
        };
    }

    /// <summary>The system's words for an errno (Unix) or Win32 error code.</summary>
    public static string Words(int errorNumber) => Marshal.GetPInvokeErrorMessage(errorNumber);

    /// <summary>Whether <paramref name="errorNumber"/> means "no such file or directory".</summary>
    public static bool IsNotFound(int errorNumber)
        => OperatingSystem.IsWindows() ? errorNumber is ErrorFileNotFound or ErrorPathNotFound : errorNumber == Enoent;

    /// <summary>
    /// A <see cref="FileFaultException"/> for <paramref name="operation"/> on <paramref name="path"/> from what .NET threw
    /// (or the same one when it is one already).
    /// </summary>
    public static FileFaultException Fault(string operation, string path, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception as FileFaultException ?? new FileFaultException(operation, path, Describe(exception), ErrorNumber(exception), exception);
    }

    private static int? FromHResult(int hresult)
    {
        if (OperatingSystem.IsWindows())
        {
            // HRESULT_FROM_WIN32: 0x8007xxxx.
            return (hresult & 0xFFFF0000) == 0x80070000 ? hresult & 0xFFFF : null;
        }

        // .NET on Unix stores the raw errno (Interop.GetIOException); HResults of its own are negative.
        return hresult is > 0 and < 4096 ? hresult : null;
    }
}
