using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TsThinLic.Storage;

namespace TsThinLic.Native;

/// <summary>Opening and closing stores (include/tsthinlic.h, "Store").</summary>
internal static unsafe class StoreExports
{
    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_open", CallConvs = [typeof(CallConvCdecl)])]
    public static int Open(byte* storeSpec, byte* profilePath, StoreOptions* options, nint* store, byte* error, nuint errorCapacity)
    {
        const string Function = "tsthinlic_store_open";
        return OpenWith(Function, options, store, error, errorCapacity, settings =>
        {
            string? spec = CallerMemory.ReadString(storeSpec, "store_spec");
            string? profile = CallerMemory.ReadString(profilePath, "profile_path");
            if (spec is null && profile is null)
            {
                throw new NativeException(NativeStatus.InvalidArgument, "store_spec and profile_path are both NULL: name a store (memory, file:PATH, flash:PATH) or a device profile");
            }

            // A spec that names no store is the caller's mistake; a profile that does not read or parse is bad input;
            // the registry (a spec or a profile's backend) is the Windows command's store, not this library's.
            string kind = spec is null ? string.Empty : spec.Split(':', 2)[0].ToLowerInvariant();
            if (kind is "registry" or "reg")
            {
                throw new NativeException(NativeStatus.Unsupported, $"'{spec}' is the Windows registry's store (the tsthinlic command opens it); this library opens memory, file:PATH and flash:PATH stores");
            }

            if (spec is not null && !StoreTarget.TryResolve(spec, null, out _, out string specError))
            {
                throw new NativeException(NativeStatus.InvalidArgument, specError);
            }

            if (!StoreTarget.TryResolve(spec, profile, out StoreTarget? target, out string message))
            {
                throw new NativeException(message.Contains("Windows registry", StringComparison.Ordinal) ? NativeStatus.Unsupported : NativeStatus.Malformed, message);
            }

            return NativeStore.Open(target!, settings);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_open_flash", CallConvs = [typeof(CallConvCdecl)])]
    public static int OpenFlash(FlashCallbacks* flash, StoreOptions* options, nint* store, byte* error, nuint errorCapacity)
    {
        const string Function = "tsthinlic_store_open_flash";
        return OpenWith(Function, options, store, error, errorCapacity, settings =>
        {
            FlashCallbacks callbacks = CallerMemory.ReadStruct<FlashCallbacks>(flash, "flash")
                ?? throw new NativeException(NativeStatus.InvalidArgument, "flash is NULL");
            return NativeStore.OpenFlash(new CallbackFlashDevice(callbacks), settings);
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_close", CallConvs = [typeof(CallConvCdecl)])]
    public static int Close(nint store)
    {
        if (store == 0)
        {
            return NativeStatus.Ok;
        }

        return NativeBoundary.OnStore(store, "tsthinlic_store_close", opened =>
        {
            HandleTable.Remove<NativeStore>(store);
            opened.Release();
            return NativeStatus.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_last_error", CallConvs = [typeof(CallConvCdecl)])]
    public static int LastError(nint store, byte* buffer, nuint capacity, nuint* length)
    {
        // Not marked in use: a log callback may ask during the call that failed.
        return NativeBoundary.Run("tsthinlic_store_last_error", null, () =>
        {
            NativeStore opened = HandleTable.Get<NativeStore>(store) ?? throw new NativeException(NativeStatus.InvalidArgument, "not an open store");
            return CallerMemory.WriteText(opened.LastError, buffer, capacity, length);
        });
    }

    private static int OpenWith(string function, StoreOptions* options, nint* store, byte* error, nuint errorCapacity, Func<NativeStore.Settings, NativeStore> open)
    {
        NativeStore.Settings? settings = null;
        return NativeBoundary.Run(
            function,
            () => settings?.Logger,
            () =>
            {
                if (error is not null && errorCapacity > 0)
                {
                    *error = 0;
                }

                if (store is null)
                {
                    throw new NativeException(NativeStatus.InvalidArgument, "store is NULL");
                }

                *store = 0;
                settings = NativeStore.Settings.From(CallerMemory.ReadStruct<StoreOptions>(options, "options"));
                *store = HandleTable.Add(open(settings));
                return NativeStatus.Ok;
            },
            text => CallerMemory.WriteTruncated(text, error, errorCapacity));
    }
}
