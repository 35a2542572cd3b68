using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Native;

/// <summary>
/// The field functions of include/tsthinlic.h: what the command's show, doctor, hwid, wipe, export and import do, for
/// firmware that has no command line. Same core code, same JSON; the doctor's fixes name these functions.
/// </summary>
internal static unsafe class FieldExports
{
    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_hwid_get", CallConvs = [typeof(CallConvCdecl)])]
    public static int HwidGet(nint store, byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.OnStore(store, "tsthinlic_hwid_get", opened =>
        {
            ClientHardwareId? hardwareId = opened.Store.Load().HardwareId;
            return CallerMemory.WriteBytes(hardwareId is { } id ? id.ToArray() : [], buffer, capacity, length);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_hwid_regenerate", CallConvs = [typeof(CallConvCdecl)])]
    public static int HwidRegenerate(nint store)
        => NativeBoundary.OnStore(store, "tsthinlic_hwid_regenerate", opened =>
        {
            // As `tsthinlic hwid --regenerate`: the old HWID's PlatformId (the OS and ISV it names), else the profile's;
            // the CALs go with the old HWID, each having been issued to it.
            LicenseStoreContents before = opened.Store.ReadContents();
            ClientHardwareId fresh = HardwareIdGenerator.Create(before.HardwareId?.PlatformId ?? opened.PlatformId, opened.Random);
            opened.Store.ReplaceContents(new LicenseStoreContents(fresh, opened.Fingerprint, []));
            NativeLog.HardwareIdRegenerated(opened.Logger, opened.Label, Fingerprint(before.HardwareId), Fingerprint(fresh), before.Licenses.Count);
            return NativeStatus.Ok;
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_wipe", CallConvs = [typeof(CallConvCdecl)])]
    public static int Wipe(nint store, uint flags)
        => NativeBoundary.OnStore(store, "tsthinlic_wipe", opened =>
        {
            if ((flags & ~WipeCalsOnly) != 0)
            {
                throw new NativeException(NativeStatus.InvalidArgument, $"flags 0x{flags:x}: only TSTHINLIC_WIPE_CALS_ONLY (1) is defined");
            }

            bool calsOnly = (flags & WipeCalsOnly) != 0;
            LicenseStoreContents before = opened.Store.ReadContents();
            opened.Store.Wipe(calsOnly);
            NativeLog.Wiped(opened.Logger, opened.Label, calsOnly ? "CALs" : "CALs and HWID", Fingerprint(before.HardwareId));
            return NativeStatus.Ok;
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_show_json", CallConvs = [typeof(CallConvCdecl)])]
    public static int ShowJson(nint store, byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.OnStore(store, "tsthinlic_show_json", opened =>
        {
            LicenseStoreSnapshot snapshot = opened.Store.Load();
            DateTimeOffset now = opened.Time.GetUtcNow();
            return CallerMemory.WriteText(Json(writer => StoreView.Describe(opened.Label, snapshot, now, writer)), buffer, capacity, length);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_doctor_json", CallConvs = [typeof(CallConvCdecl)])]
    public static int DoctorJson(nint store, byte* buffer, nuint capacity, nuint* length, int* healthy)
        => NativeBoundary.OnStore(store, "tsthinlic_doctor_json", opened =>
        {
            // Only looks: Verify reads every record and changes nothing.
            StoreVerification verification = opened.Store is IVerifiableLicenseStore verifiable
                ? verifiable.Verify()
                : new StoreVerification(opened.Label, [], opened.Store.Load());
            var report = new DoctorReport(LicenseDoctor.CheckStoreContent(verification, opened.Time.GetUtcNow()));
            report.Log(opened.Logger);
            string json = Json(writer =>
            {
                writer.WriteString("store", opened.Label);
                report.Describe(writer, FixCall);
            });
            if (healthy is not null)
            {
                *healthy = report.IsHealthy ? 1 : 0;
            }

            return CallerMemory.WriteText(json, buffer, capacity, length);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_export", CallConvs = [typeof(CallConvCdecl)])]
    public static int Export(nint store, byte* buffer, nuint capacity, nuint* length)
        => NativeBoundary.OnStore(store, "tsthinlic_store_export", opened =>
        {
            byte[] json = LicenseStoreJson.Write(opened.Store.ReadContents());
            return CallerMemory.WriteText(System.Text.Encoding.UTF8.GetString(json), buffer, capacity, length);
        });

    [UnmanagedCallersOnly(EntryPoint = "tsthinlic_store_import", CallConvs = [typeof(CallConvCdecl)])]
    public static int Import(nint store, byte* image, nuint imageLength, uint flags)
        => NativeBoundary.OnStore(store, "tsthinlic_store_import", opened =>
        {
            if ((flags & ~ImportAdopt) != 0)
            {
                throw new NativeException(NativeStatus.InvalidArgument, $"flags 0x{flags:x}: only TSTHINLIC_IMPORT_ADOPT (1) is defined");
            }

            if (imageLength == 0)
            {
                throw new NativeException(NativeStatus.InvalidArgument, "image_length is 0");
            }

            byte[] bytes = CallerMemory.ReadBytes(image, imageLength, LicenseStoreImage.MaxLength, "image");
            if (!LicenseStoreImage.TryRead(bytes, opened.Geometry, out LicenseStoreImageFormat format, out LicenseStoreContents imported, out string error))
            {
                throw new NativeException(NativeStatus.Malformed, $"the image cannot be imported: {error}");
            }

            // As `tsthinlic import --adopt`: only an explicit adoption binds another device's HWID to this one.
            bool adopt = (flags & ImportAdopt) != 0 && imported.HardwareId is not null;
            LicenseStoreContents target = adopt ? new LicenseStoreContents(imported.HardwareId, opened.Fingerprint, imported.Licenses) : imported;
            LicenseStoreContents before = opened.Store.ReadContents();
            opened.Store.ReplaceContents(target);
            NativeLog.Imported(opened.Logger, opened.Label, format.ToString(), Fingerprint(before.HardwareId), Fingerprint(target.HardwareId), target.Licenses.Count, adopt ? ", HWID adopted" : string.Empty);
            return NativeStatus.Ok;
        });

    private const uint WipeCalsOnly = 1;

    private const uint ImportAdopt = 1;

    /// <summary>The C call a doctor fix names (the command names its own command line).</summary>
    internal static string FixCall(DoctorFixCommand command) => command switch
    {
        DoctorFixCommand.Wipe => "tsthinlic_wipe(store, 0)",
        DoctorFixCommand.WipeCalsOnly => "tsthinlic_wipe(store, TSTHINLIC_WIPE_CALS_ONLY)",
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
    };

    private static string Fingerprint(ClientHardwareId? hardwareId) => hardwareId is { } id ? HardwareIdFingerprint.Compute(id.ToArray()) : "none";

    /// <summary>One JSON object of fields, indented as `tsthinlic … --json` prints it.</summary>
    private static string Json(Action<IFieldWriter> describe)
    {
        var output = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            describe(new JsonFieldWriter(writer));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
