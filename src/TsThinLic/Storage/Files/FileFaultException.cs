namespace TsThinLic.Storage.Files;

/// <summary>
/// A file-system step failed, named the way a field engineer reads it: which step, on which path, and the system's own
/// words for why ("Permission denied", "No space left on device", "Is a directory"). Thrown by the file seam
/// (<see cref="RegularFile"/>, <see cref="DurableFile"/>, the file store's file system) instead of .NET's exceptions,
/// whose messages in the Native AOT host are resource keys; the original is the inner exception.
/// </summary>
public sealed class FileFaultException : IOException
{
    public FileFaultException()
    {
        Operation = string.Empty;
        FilePath = string.Empty;
        Reason = string.Empty;
    }

    public FileFaultException(string message)
        : base(message)
    {
        Operation = string.Empty;
        FilePath = string.Empty;
        Reason = message;
    }

    public FileFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
        FilePath = string.Empty;
        Reason = message;
    }

    /// <param name="operation">The step in words: "open", "read", "write", "rename", "fsync the directory".</param>
    /// <param name="path">The path the step was on.</param>
    /// <param name="reason">Why, in the system's words (strerror) or ours for what the system does not check.</param>
    /// <param name="errorNumber">The errno (Unix) or Win32 error, when the system reported one.</param>
    /// <param name="innerException">The exception .NET threw, if any.</param>
    public FileFaultException(string operation, string path, string reason, int? errorNumber = null, Exception? innerException = null)
        : base($"cannot {operation} {path}: {reason}", innerException)
    {
        Operation = operation;
        FilePath = path;
        Reason = reason;
        ErrorNumber = errorNumber;
        if (errorNumber is { } number)
        {
            HResult = number;
        }
    }

    /// <summary>The step that failed ("open", "read", "rename", …).</summary>
    public string Operation { get; }

    /// <summary>The path it failed on.</summary>
    public string FilePath { get; }

    /// <summary>Why, in words.</summary>
    public string Reason { get; }

    /// <summary>The errno (Unix) or Win32 error code, when there was one.</summary>
    public int? ErrorNumber { get; }

    /// <summary>The file (or a parent) is not there: ENOENT on Unix, ERROR_FILE_NOT_FOUND/ERROR_PATH_NOT_FOUND on Windows.</summary>
    public bool IsNotFound => ErrorNumber is { } number && OsErrorText.IsNotFound(number);
}
