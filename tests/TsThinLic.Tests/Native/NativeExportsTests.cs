using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TsThinLic.Native;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Storage;
using TsThinLic.Storage.Flash;
using Xunit;

namespace TsThinLic.Tests.Native;

/// <summary>
/// The C ABI's exports called in-process through unmanaged function pointers, as C calls them: a whole licensing
/// exchange on the transcript's secrets, and the boundary's promise that a fault inside any call is a status and a
/// last-error text, never an exception. The C programs in tests/native run the same against the published library.
/// </summary>
public sealed unsafe class NativeExportsTests
{
    private const int Ok = NativeStatus.Ok;
    private const int InvalidArgument = NativeStatus.InvalidArgument;

    private static readonly ReplayExchange s_newLicense = LoadTranscript("new-license-with-challenge");

    [Fact]
    public void AWholeExchangeThroughTheExportsIsTheTranscriptByteForByte()
    {
        var secrets = new Queue<byte[]>([s_newLicense.Secrets.HardwareId!.Value.Data.ToArray(), s_newLicense.Secrets.ClientRandoms[0].ToArray(), s_newLicense.Secrets.PreMasterSecrets[0].ToArray()]);
        GCHandle context = GCHandle.Alloc(secrets);
        try
        {
            nint store = OpenMemory(&FromQueue, GCHandle.ToIntPtr(context));
            nint begun;
            int begin;
            fixed (byte* user = Encoding.UTF8.GetBytes(s_newLicense.Secrets.UserName + "\0"))
            fixed (byte* machine = Encoding.UTF8.GetBytes(s_newLicense.Secrets.MachineName + "\0"))
            {
                var options = new ExchangeOptions { StructSize = (uint)sizeof(ExchangeOptions), UserName = user, MachineName = machine };
                begin = ((delegate* unmanaged[Cdecl]<nint, ExchangeOptions*, nint*, int>)&ExchangeExports.Begin)(store, &options, &begun);
            }

            Assert.Equal(Ok, begin);
            nint exchange = begun;

            var ours = new List<byte[]>();
            int step = 0;
            byte[] reply = new byte[70000];
            foreach (ReplayPdu pdu in s_newLicense.Pdus.Where(p => p.Direction == CaptureDirection.ServerToClient))
            {
                nuint length;
                fixed (byte* bytes = pdu.Bytes.Span)
                fixed (byte* output = reply)
                {
                    Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, byte*, nuint, nuint*, int*, int>)&ExchangeExports.Step)(exchange, bytes, (nuint)pdu.Bytes.Length, output, (nuint)reply.Length, &length, &step));
                }

                if (length > 0)
                {
                    ours.Add(reply.AsSpan(0, (int)length).ToArray());
                }
            }

            Assert.Equal(2 /* TSTHINLIC_STEP_COMPLETED */, step);
            Assert.Equal(s_newLicense.Pdus.Where(p => p.Direction == CaptureDirection.ClientToServer).Select(p => Convert.ToHexStringLower(p.Bytes.Span)), ours.Select(Convert.ToHexStringLower));
            ExchangeOutcome outcome = new() { StructSize = (uint)sizeof(ExchangeOutcome) };
            Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, ExchangeOutcome*, int>)&ExchangeExports.Outcome)(exchange, &outcome));
            Assert.Equal(2 /* TSTHINLIC_RESULT_LICENSE_ISSUED */, outcome.Result);
            Assert.Equal(1, outcome.HardwareIdCreated);
            Assert.Equal(1, outcome.LicenseStored);
            Assert.Equal(-1, outcome.DecodeOffset);
            Assert.StartsWith("license-issued: CAL 0x00060000/microsoft.com/Microsoft Corporation/A02", Text((buffer, capacity, length) => ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&ExchangeExports.ReasonText)(exchange, buffer, capacity, length)));
            Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, int>)&ExchangeExports.Close)(exchange));

            string show = Text((buffer, capacity, length) => ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&FieldExports.ShowJson)(store, buffer, capacity, length));
            Assert.Contains($"\"hwid\": \"{s_newLicense.Secrets.HardwareId}\"", show, StringComparison.Ordinal);
            Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store));
            Assert.Empty(secrets);
        }
        finally
        {
            context.Free();
        }
    }

    [Fact]
    public void TheVersionQueriesAgreeWithTheHeader()
    {
        string header = File.ReadAllText(Path.Combine(TsThinLic.Tests.Replay.TranscriptCorpusTests.RepositoryRoot(), "src", "TsThinLic.Native", "include", "tsthinlic.h"));

        uint abi = ((delegate* unmanaged[Cdecl]<uint>)&VersionExports.AbiVersion)();

        Assert.Contains($"#define TSTHINLIC_ABI_VERSION_MAJOR {abi >> 16}\n", header, StringComparison.Ordinal);
        Assert.Contains($"#define TSTHINLIC_ABI_VERSION_MINOR {abi & 0xFFFF}\n", header, StringComparison.Ordinal);
        Assert.EndsWith($"abi {abi >> 16}.{abi & 0xFFFF}", Text((buffer, capacity, length) => ((delegate* unmanaged[Cdecl]<byte*, nuint, nuint*, int>)&VersionExports.Version)(buffer, capacity, length)));
    }

    [Fact]
    public void TheHeadersStatusCodesAreTheLibrarys()
    {
        string header = File.ReadAllText(Path.Combine(TsThinLic.Tests.Replay.TranscriptCorpusTests.RepositoryRoot(), "src", "TsThinLic.Native", "include", "tsthinlic.h"));
        (string Name, int Value)[] codes =
        [
            ("TSTHINLIC_OK", NativeStatus.Ok), ("TSTHINLIC_E_INVALID_ARGUMENT", NativeStatus.InvalidArgument), ("TSTHINLIC_E_BUFFER_TOO_SMALL", NativeStatus.BufferTooSmall),
            ("TSTHINLIC_E_STORE", NativeStatus.Store), ("TSTHINLIC_E_CALLBACK", NativeStatus.Callback), ("TSTHINLIC_E_STATE", NativeStatus.State),
            ("TSTHINLIC_E_MALFORMED", NativeStatus.Malformed), ("TSTHINLIC_E_UNSUPPORTED", NativeStatus.Unsupported), ("TSTHINLIC_E_BUSY", NativeStatus.Busy),
            ("TSTHINLIC_E_INTERNAL", NativeStatus.Internal),
        ];

        Assert.All(codes, code =>
        {
            Assert.Contains($"    {code.Name} = {code.Value}", header, StringComparison.Ordinal);
            Assert.Equal(code.Name, NativeStatus.Name(code.Value));
        });
        // The structs the header lays out are what the library reads and writes (LP64).
        Assert.Equal(40, sizeof(ExchangeOutcome));
        Assert.Equal(48, sizeof(ExchangeOptions));
        Assert.Equal(80, sizeof(StoreOptions));
        Assert.Equal(64, sizeof(FlashCallbacks));
    }

    [Fact]
    public void StoreSpecsAreTheCommandsAndTheRegistryIsRefused()
    {
        Assert.Equal(Ok, Open("memory", null, out nint store, out _));
        ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store);

        Assert.Equal(InvalidArgument, Open(null, null, out store, out string error));
        Assert.Equal(0, store);
        Assert.Contains("both NULL", error, StringComparison.Ordinal);
        Assert.Equal(InvalidArgument, Open("floppy:/dev/fd0", null, out _, out error));
        Assert.Contains("unknown store", error, StringComparison.Ordinal);
        Assert.Equal(NativeStatus.Unsupported, Open("registry", null, out _, out _));
        Assert.Equal(NativeStatus.Unsupported, Open("reg:/tmp/x.reg", null, out _, out _));
        Assert.Equal(NativeStatus.Malformed, Open(null, "/nonexistent/profile.json", out _, out error));
        Assert.Contains("cannot read the profile", error, StringComparison.Ordinal);
        Assert.Equal(NativeStatus.Unsupported, Open(null, Path.Combine(TsThinLic.Tests.Replay.TranscriptCorpusTests.RepositoryRoot(), "hardware", "hp-t540.json"), out _, out error));
        Assert.Contains("Windows registry", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailingRandomCallbackIsAStatusAndTheStoreStaysEmpty()
    {
        nint store = OpenMemory(&AlwaysFails, 0);
        nint exchange = 0;

        int status = ((delegate* unmanaged[Cdecl]<nint, ExchangeOptions*, nint*, int>)&ExchangeExports.Begin)(store, null, &exchange);

        Assert.Equal(NativeStatus.Callback, status);
        Assert.Equal(0, exchange);
        Assert.Contains("tsthinlic_exchange_begin: the random callback returned -9 for 16 bytes", LastError(store), StringComparison.Ordinal);
        nuint length = 99;
        Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&FieldExports.HwidGet)(store, null, 0, &length));
        Assert.Equal(0u, length);
        ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store);
    }

    [Fact]
    public void HandlesAreLookedUpNeverDereferenced()
    {
        nuint length;
        Assert.Equal(InvalidArgument, ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&FieldExports.ShowJson)(0x1234, null, 0, &length));
        Assert.Equal(InvalidArgument, ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&StoreExports.LastError)(0x1235, null, 0, &length));
        Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(0));

        Assert.Equal(Ok, Open("memory", null, out nint store, out _));
        Assert.Equal(Ok, ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store));
        Assert.Equal(InvalidArgument, ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store));
        Assert.Equal(InvalidArgument, ((delegate* unmanaged[Cdecl]<nint, uint, int>)&FieldExports.Wipe)(store, 0));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void EveryFaultInsideACallIsAStatusAndALastError(Exception fault, int status)
    {
        Assert.Equal(Ok, Open("memory", null, out nint store, out _));

        int result = NativeBoundary.OnStore(store, "tsthinlic_test", _ => throw fault);

        Assert.Equal(status, result);
        Assert.StartsWith("tsthinlic_test: ", LastError(store), StringComparison.Ordinal);
        Assert.Equal(Ok, NativeBoundary.OnStore(store, "tsthinlic_test", _ => Ok));
        Assert.Equal(string.Empty, LastError(store));
        ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store);
    }

    public static TheoryData<Exception, int> Faults() => new()
    {
        { new NativeException(NativeStatus.State, "over"), NativeStatus.State },
        { new NativeCallbackException("the clock callback returned -1"), NativeStatus.Callback },
        { new LicenseStoreException("the flash program callback returned -5"), NativeStatus.Store },
        { new IOException("disk"), NativeStatus.Store },
        { new UnauthorizedAccessException("mode 0400"), NativeStatus.Store },
        { new ArgumentOutOfRangeException("size"), NativeStatus.InvalidArgument },
        { new FlashViolationException("program sets a bit"), NativeStatus.Internal },
        { new NullReferenceException(), NativeStatus.Internal },
        { new InvalidOperationException("a bug"), NativeStatus.Internal },
        { new OutOfMemoryException(), NativeStatus.Internal },
    };

    [Fact]
    public void ACallOnAStoreInUseIsBusyAndChangesNothing()
    {
        Assert.Equal(Ok, Open("memory", null, out nint store, out _));
        int inner = 0;

        int outer = NativeBoundary.OnStore(store, "tsthinlic_outer", _ =>
        {
            inner = ((delegate* unmanaged[Cdecl]<nint, uint, int>)&FieldExports.Wipe)(store, 0);
            return Ok;
        });

        Assert.Equal(Ok, outer);
        Assert.Equal(NativeStatus.Busy, inner);
        ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store);
    }

    [Fact]
    public void BuffersFollowTheHeadersRules()
    {
        Assert.Equal(Ok, Open("memory", null, out nint store, out _));
        var show = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&FieldExports.ShowJson;
        nuint needed;
        Assert.Equal(Ok, show(store, null, 0, &needed));
        byte[] small = new byte[(int)needed - 1];
        small.AsSpan().Fill((byte)'x');
        nuint again;
        fixed (byte* buffer = small)
        {
            Assert.Equal(NativeStatus.BufferTooSmall, show(store, buffer, (nuint)small.Length, &again));
        }

        Assert.Equal(needed, again);
        Assert.Equal(0, small[0]);
        Assert.Equal(InvalidArgument, show(store, null, 5, &again));
        Assert.Equal(InvalidArgument, show(store, null, 0, null));
        ((delegate* unmanaged[Cdecl]<nint, int>)&StoreExports.Close)(store);
    }

    [Fact]
    public void TextGoesOutEscapedAndTruncatedOnACharacterBoundary()
    {
        Assert.Equal("bell\\x07 esc\\x1b[31m tab\t del\\x7f c1\\x9b", CallerMemory.Escape("bell\u0007 esc\u001b[31m tab\t del\u007f c1\u009b"));

        byte[] buffer = new byte[6];
        fixed (byte* b = buffer)
        {
            // "ab" + U+00E9 (2 bytes) + U+20AC (3 bytes): 5 bytes fit before the NUL, the euro sign does not.
            CallerMemory.WriteTruncated("ab\u00e9\u20ac", b, (nuint)buffer.Length);
        }

        Assert.Equal("ab\u00e9\0", Encoding.UTF8.GetString(buffer, 0, 5));
    }

    [Fact]
    public void StringsInAreBoundedAndStrictUtf8()
    {
        byte[] invalid = [0x66, 0x69, 0x6C, 0x65, 0x3A, 0xC3, 0x28, 0];
        byte[] unterminated = new byte[CallerMemory.MaxStringLength + 10];
        unterminated.AsSpan().Fill((byte)'a');
        unterminated[^1] = 0;

        fixed (byte* bad = invalid)
        fixed (byte* longer = unterminated)
        {
            byte* badPointer = bad;
            byte* longPointer = longer;
            Assert.Equal(NativeStatus.InvalidArgument, Assert.Throws<NativeException>(() => CallerMemory.ReadString(badPointer, "store_spec")).Status);
            Assert.Contains("not NUL-terminated within 4096", Assert.Throws<NativeException>(() => CallerMemory.ReadString(longPointer, "store_spec")).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StructsAreReadBySizeAndAShortOneIsRefused()
    {
        var options = new StoreOptions { StructSize = 8 };
        StoreOptions* shortOne = &options;
        Assert.Equal(NativeStatus.InvalidArgument, Assert.Throws<NativeException>(() => CallerMemory.ReadStruct<StoreOptions>(shortOne, "options")).Status);

        // A newer caller's larger struct: what this library knows is read, the rest ignored.
        byte[] newer = new byte[sizeof(StoreOptions) + 16];
        fixed (byte* bytes = newer)
        {
            *(uint*)bytes = (uint)newer.Length;
            *(int*)(bytes + (int)Marshal.OffsetOf<StoreOptions>(nameof(StoreOptions.LogLevel))) = 3;
            StoreOptions read = CallerMemory.ReadStruct<StoreOptions>(bytes, "options")!.Value;
            Assert.Equal(3, read.LogLevel);
        }
    }

    private static nint OpenMemory(delegate* unmanaged[Cdecl]<void*, byte*, nuint, int> random, nint context)
    {
        var options = new StoreOptions { StructSize = (uint)sizeof(StoreOptions), Random = (delegate* unmanaged<void*, byte*, nuint, int>)random, RandomContext = (void*)context };
        nint store;
        int status;
        fixed (byte* spec = "memory\0"u8)
        {
            status = ((delegate* unmanaged[Cdecl]<byte*, byte*, StoreOptions*, nint*, byte*, nuint, int>)&StoreExports.Open)(spec, null, &options, &store, null, 0);
        }

        Assert.Equal(Ok, status);
        return store;
    }

    private static int Open(string? spec, string? profile, out nint store, out string error)
    {
        byte[]? specBytes = spec is null ? null : Encoding.UTF8.GetBytes(spec + "\0");
        byte[]? profileBytes = profile is null ? null : Encoding.UTF8.GetBytes(profile + "\0");
        byte[] errorBytes = new byte[512];
        nint opened;
        int status;
        fixed (byte* s = specBytes)
        fixed (byte* p = profileBytes)
        fixed (byte* e = errorBytes)
        {
            status = ((delegate* unmanaged[Cdecl]<byte*, byte*, StoreOptions*, nint*, byte*, nuint, int>)&StoreExports.Open)(s, p, null, &opened, e, (nuint)errorBytes.Length);
        }

        store = opened;
        error = Encoding.UTF8.GetString(errorBytes, 0, Array.IndexOf(errorBytes, (byte)0));
        return status;
    }

    private static string LastError(nint store) => Text((buffer, capacity, length) => ((delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint*, int>)&StoreExports.LastError)(store, buffer, capacity, length));

    private delegate int TextCall(byte* buffer, nuint capacity, nuint* length);

    /// <summary>A size query, then the text, as the header says a caller does it.</summary>
    private static string Text(TextCall call)
    {
        nuint length;
        Assert.Equal(Ok, call(null, 0, &length));
        byte[] buffer = new byte[(int)length];
        fixed (byte* b = buffer)
        {
            Assert.Equal(Ok, call(b, length, &length));
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)length - 1);
    }

    private static ReplayExchange LoadTranscript(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", name + ".transcript");
        Assert.True(TranscriptFormat.TryParse(path, File.ReadAllText(path), out IReadOnlyList<ReplayExchange> exchanges, out string? error), error);
        return exchanges[0];
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FromQueue(void* context, byte* buffer, nuint length)
    {
        // Nothing may throw here: an exception leaving an unmanaged callback ends the process.
        var queue = (Queue<byte[]>)GCHandle.FromIntPtr((nint)context).Target!;
        if (!queue.TryDequeue(out byte[]? next) || next.Length != (int)length)
        {
            return -1;
        }

        next.CopyTo(new Span<byte>(buffer, (int)length));
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AlwaysFails(void* context, byte* buffer, nuint length) => -9;
}
