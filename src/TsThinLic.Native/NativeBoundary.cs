using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TsThinLic.Storage;
using TsThinLic.Storage.Flash;

namespace TsThinLic.Native;

/// <summary>
/// The C boundary: every export runs its body through here, so no exception ever reaches the caller (an exception
/// leaving an [UnmanagedCallersOnly] method ends the process). Each is mapped to a status by layer (the caller's
/// arguments, the store and its medium, the caller's callbacks, a fault of ours), its text kept as the handle's last
/// error and logged (event 900; a fault of ours, event 901 at Error).
/// </summary>
internal static class NativeBoundary
{
    /// <summary>
    /// Runs a call that names no handle; a failure is logged through <paramref name="logger"/> (asked after the
    /// failure, so a call that makes its logger can use it) and its text goes to <paramref name="onError"/>.
    /// </summary>
    public static int Run(string function, Func<ILogger?>? logger, Func<int> body, Action<string>? onError = null)
    {
        try
        {
            return body();
        }
        catch (Exception exception)
        {
            ILogger log = NullLogger.Instance;
            try
            {
                log = logger?.Invoke() ?? NullLogger.Instance;
            }
            catch (Exception)
            {
                // No logger then; the status and the text still go back.
            }

            return Fail(function, exception, log, onError);
        }
    }

    /// <summary>Runs a call on a store: the handle looked up, the store marked in use, its last error set.</summary>
    public static int OnStore(nint handle, string function, Func<NativeStore, int> body)
    {
        try
        {
            NativeStore? store = HandleTable.Get<NativeStore>(handle);
            if (store is null)
            {
                return NativeStatus.InvalidArgument;
            }

            return Guarded(store, function, () => body(store), text => store.LastError = text);
        }
        catch (Exception)
        {
            // Only a fault in the lookup itself gets here; there is no handle to keep its text.
            return NativeStatus.Internal;
        }
    }

    /// <summary>Runs a call on an exchange: its store marked in use (an exchange works on its store), its last error set.</summary>
    public static int OnExchange(nint handle, string function, Func<NativeExchange, int> body)
    {
        try
        {
            NativeExchange? exchange = HandleTable.Get<NativeExchange>(handle);
            if (exchange is null)
            {
                return NativeStatus.InvalidArgument;
            }

            return Guarded(exchange.Store, function, () => body(exchange), text => exchange.LastError = text);
        }
        catch (Exception)
        {
            return NativeStatus.Internal;
        }
    }

    private static int Guarded(NativeStore store, string function, Func<int> body, Action<string> setLastError)
    {
        if (!store.TryEnter())
        {
            // The other call keeps its own last error; this one changes nothing, so it records nothing.
            return NativeStatus.Busy;
        }

        try
        {
            setLastError(string.Empty);
            int status = body();
            if (status == NativeStatus.BufferTooSmall)
            {
                setLastError("the buffer is too small: *length says how many bytes are needed");
            }

            return status;
        }
        catch (Exception exception)
        {
            return Fail(function, exception, store.Logger, setLastError);
        }
        finally
        {
            store.Exit();
        }
    }

    private static int Fail(string function, Exception exception, ILogger logger, Action<string>? onError)
    {
        try
        {
            (int status, string text) = Map(exception);
            onError?.Invoke($"{function}: {text}");
            if (status == NativeStatus.Internal)
            {
                NativeLog.UnexpectedException(logger, function, exception.GetType().Name, exception.Message);
            }
            else
            {
                NativeLog.CallFailed(logger, function, NativeStatus.Name(status), text);
            }

            return status;
        }
        catch (Exception)
        {
            return NativeStatus.Internal;
        }
    }

    /// <summary>Errors by layer: the status an exception means, and its text.</summary>
    internal static (int Status, string Text) Map(Exception exception) => exception switch
    {
        NativeException native => (native.Status, native.Message),
        NativeCallbackException => (NativeStatus.Callback, exception.Message),
        FlashViolationException => (NativeStatus.Internal, $"{exception.GetType().Name}: {exception.Message}"),
        LicenseStoreException or IOException or UnauthorizedAccessException => (NativeStatus.Store, exception.Message),
        ArgumentException => (NativeStatus.InvalidArgument, exception.Message),
        _ => (NativeStatus.Internal, $"{exception.GetType().Name}: {exception.Message}"),
    };
}
