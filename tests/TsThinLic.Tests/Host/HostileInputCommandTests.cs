using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using TsThinLic.Host;
using TsThinLic.Replay.Capture;
using TsThinLic.Tests.Capture;
using TsThinLic.Tests.Storage;
using Xunit;

namespace TsThinLic.Tests.Host;

/// <summary>Serial: these tests bound what a command allocates, which other tests running beside them would blur.</summary>
[CollectionDefinition(nameof(AllocationBoundCollection), DisableParallelization = true)]
public sealed class AllocationBoundCollection
{
}

/// <summary>
/// Issue 11, parts 3 and 4 through the real commands: a FIFO, /dev/zero or a link to it as any input ends at once with
/// exit 2 and bounded memory; a TCP segment 2^31 ahead leaves the replay's JSON and JUnit whole, with a notice; a NUL
/// in a transcript's user is a parse error; a CAL longer than a LICENSE_INFO can present is refused at import.
/// </summary>
[Collection(nameof(AllocationBoundCollection))]
public sealed class HostileInputCommandTests : IDisposable
{
    /// <summary>Far below what reading /dev/zero "to the end" allocated (3 to 4 GB), far above what refusing it takes.</summary>
    private const long AllocationBound = 64L << 20;

    private static readonly TimeSpan s_timeBound = TimeSpan.FromSeconds(20);

    private readonly string _directory = StoreTestKit.TempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string Fifo()
    {
        string path = PathOf($"fifo-{Guid.NewGuid():n}");
        using Process mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Runs a command in-process and checks it ended with exit 2, within the time bound, allocating little.</summary>
    private static async Task<string> AssertRefusedAsync(params string[] args)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        (int exit, string output, string error) = await HostRunner.RunAsync(args).WaitAsync(s_timeBound);
        clock.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        string what = string.Join(' ', args);
        Assert.True(exit == HostApp.ExitCannotRun, $"{what}: exit {exit}\n{output}\n{error}");
        Assert.True(allocated < AllocationBound, $"{what}: allocated {allocated} bytes");
        Assert.True(clock.Elapsed < s_timeBound, what);
        return error;
    }

    public static TheoryData<string> InputCommands() => ["decode", "replay", "capture-to-transcript", "import", "show --reg", "show --image", "show --store reg:", "show --store file:", "license --store reg:", "license --profile"];

    private static string[] Arguments(string command, string input) => command switch
    {
        "import" => ["import", input, "--store", "memory", "--yes"],
        "show --reg" => ["show", "--reg", input],
        "show --image" => ["show", "--image", input],
        "show --store reg:" => ["show", "--store", "reg:" + input],
        "show --store file:" => ["show", "--store", "file:" + input],
        "license --store reg:" => ["license", "--store", "reg:" + input],
        "license --profile" => ["license", "--profile", input],
        _ => [command, input],
    };

    [Theory]
    [MemberData(nameof(InputCommands))]
    public async Task AFifoAsInputEndsAtOnceWithExit2(string command)
    {
        string fifo = Fifo();

        string error = await AssertRefusedAsync(Arguments(command, fifo));

        Assert.Contains("FIFO", error + string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InputCommands))]
    public async Task DevZeroAndALinkToItEndAtOnceWithExit2AndBoundedMemory(string command)
    {
        string link = PathOf($"zero-{Guid.NewGuid():n}");
        File.CreateSymbolicLink(link, "/dev/zero");

        string direct = await AssertRefusedAsync(Arguments(command, "/dev/zero"));
        string linked = await AssertRefusedAsync(Arguments(command, link));

        Assert.Contains("character device", direct, StringComparison.Ordinal);
        Assert.Contains("character device", linked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASocketAsInputIsRefused()
    {
        string path = PathOf("socket");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        // open(2) itself refuses a socket (ENXIO); the words are the system's.
        string error = await AssertRefusedAsync("decode", path);

        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("No such device or address", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFifoAsACapturesSecretsFileIsANoticeNotAHang()
    {
        string capture = PathOf("xrdp-rdp-none.pcapng");
        File.Copy(CaptureFixtures.PathOf("xrdp-rdp-none.pcapng"), capture);
        File.Move(Fifo(), PathOf("xrdp-rdp-none.secrets.json"));

        var (exit, output, error) = await HostRunner.RunAsync("replay", capture, "--json").WaitAsync(s_timeBound);

        Assert.True(exit is HostApp.ExitOk or HostApp.ExitProblem, error);
        Assert.Contains("secrets ignored", output, StringComparison.Ordinal);
        Assert.Contains("FIFO", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A512MegabyteRegIsRefusedWithoutReadingItWhole()
    {
        // Sparse: 512 MiB that cost no disk. The old code read all of it before checking the 8 MiB text limit.
        string reg = PathOf("huge.reg");
        using (var file = new FileStream(reg, FileMode.CreateNew))
        {
            file.Write("\uFEFFWindows Registry Editor Version 5.00\r\n"u8);
            file.SetLength(512L << 20);
        }

        string error = await AssertRefusedAsync("show", "--reg", reg);

        Assert.Contains("larger than the", error, StringComparison.Ordinal);
        Assert.Contains(reg, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFifoAsThePreviousGenerationOfAFileStoreEndsAtOnce()
    {
        string store = PathOf("licenses.store");
        File.Move(Fifo(), store + ".prev");

        string error = await AssertRefusedAsync("show", "--store", "file:" + store);

        Assert.Contains(store + ".prev", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASegment2To31AheadLeavesTheReplayWholeWithANotice()
    {
        // A real capture, plus one segment of the last talker whose sequence number is exactly 2^31 from where its
        // stream stands at the end (the reassembler's distance is int.MinValue, which the old code negated).
        byte[] capture = CaptureFixtures.Read("xrdp-rdp-none-cal.pcapng");
        List<(TcpSegment Segment, DateTimeOffset Timestamp)> segments = CaptureFixtures.Segments(capture);
        (TcpSegment last, DateTimeOffset at) = segments.Last(s => s.Segment.Payload.Length > 0);
        uint end = segments
            .Where(s => s.Segment.Source.Equals(last.Source) && s.Segment.SourcePort == last.SourcePort && s.Segment.Payload.Length > 0)
            .Select(s => unchecked(s.Segment.SequenceNumber + (uint)s.Segment.Payload.Length))
            .Aggregate((a, b) => unchecked((int)(b - a)) > 0 ? b : a);
        segments.Add((CaptureFixtures.With(last, unchecked(end + 0x80000000u), new byte[] { 1, 2, 3 }), at.AddSeconds(1)));
        string file = PathOf("wrapped.pcap");
        File.WriteAllBytes(file, CaptureFixtures.WritePcap(segments));
        string junit = PathOf("wrapped.xml");

        var (exit, output, error) = await HostRunner.RunAsync("replay", file, "--json", "--junit", junit);

        Assert.True(exit is HostApp.ExitOk or HostApp.ExitProblem, error);
        JsonElement json = JsonDocument.Parse(output).RootElement;
        string notes = string.Join('\n', json.GetProperty("exchanges").EnumerateArray().SelectMany(e => e.GetProperty("notes").EnumerateArray()).Select(n => n.GetString()));
        Assert.Contains("2^31 away", notes, StringComparison.Ordinal);
        Assert.NotEmpty(XDocument.Load(junit).Descendants("testcase"));
        var (transcriptExit, transcript, _) = await HostRunner.RunAsync("capture-to-transcript", file);
        Assert.Equal(HostApp.ExitOk, transcriptExit);
        Assert.Contains("tsthinlic-transcript 1", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANulInATranscriptsUserIsAParseErrorNotAnException()
    {
        string source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "transcripts", "challenge-bad-mac-client-aborts.transcript"));
        string file = PathOf("nul.transcript");
        File.WriteAllText(file, source.Replace("user qa-user", "user qa\0user", StringComparison.Ordinal));
        int line = source.Split('\n').ToList().IndexOf("user qa-user") + 1;

        var (exit, _, error) = await HostRunner.RunAsync("replay", file);

        Assert.Equal(HostApp.ExitCannotRun, exit);
        Assert.Contains($"line {line}: user holds a NUL character", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACalLongerThanALicenseInfoCanPresentIsRefusedAtImportWithTheReason()
    {
        string export = PathOf("big.json");
        Assert.Equal(0, (await HostRunner.RunAsync("license", "--store", "file:" + PathOf("a.store"))).ExitCode);
        Assert.Equal(0, (await HostRunner.RunAsync("export", export, "--store", "file:" + PathOf("a.store"))).ExitCode);
        JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(export));
        string original = document.RootElement.GetProperty("licenses")[0].GetProperty("clientLicense").GetString()!;
        File.WriteAllText(export, File.ReadAllText(export).Replace(original, Convert.ToBase64String(new byte[ushort.MaxValue]), StringComparison.Ordinal));

        var (exit, _, error) = await HostRunner.RunAsync("import", export, "--store", "file:" + PathOf("b.store"), "--yes");

        Assert.Equal(HostApp.ExitCannotRun, exit);
        Assert.Contains("65535-byte CAL is longer than a LICENSE_INFO can present (at most 63387", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("b.store")));
    }
}
