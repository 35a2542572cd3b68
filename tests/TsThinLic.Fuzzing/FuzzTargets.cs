using TsThinLic.Fuzzing.Targets;

namespace TsThinLic.Fuzzing;

/// <summary>Every fuzz target, by name (issue 11, part 5: one per decoder that takes outside bytes).</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new LicensingPduTarget(),
        new LicensingClientTarget(),
        new CalTarget(),
        new ServerCertificateTarget(),
        new StoreFileTarget(),
        new StoreFlashTarget(),
        new RegImportTarget(),
        new JsonImportTarget(),
        new TranscriptTarget(),
        new CaptureTarget(),
        new RdpConnectionTarget(),
        new TlsClientTarget(),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">There is none.</exception>
    public static FuzzTarget Get(string name)
        => All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"No fuzz target '{name}'; the targets are {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
