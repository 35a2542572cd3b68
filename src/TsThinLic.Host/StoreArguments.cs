using System.CommandLine;

namespace TsThinLic.Host;

/// <summary>The options that choose a store (<c>--store</c>, <c>--profile</c>, <c>--reg</c>), shared by the commands that work on one.</summary>
internal sealed class StoreArguments
{
    private readonly Option<string?> _store = new("--store") { Description = "memory, registry, reg:FILE.reg, flash:PATH or file:PATH (default: the profile's, else file:" + StoreSelection.DefaultFilePath() + ")" };
    private readonly Option<string?> _profile = new("--profile") { Description = "A device profile (hardware/….json)." };
    private readonly Option<string?> _reg = new("--reg") { Description = "A .reg export of HKLM\\SOFTWARE\\Microsoft\\MSLicensing (same as --store reg:FILE)." };

    public StoreArguments(Command command)
    {
        command.Options.Add(_store);
        command.Options.Add(_profile);
        command.Options.Add(_reg);
    }

    public bool TryOpen(ParseResult parseResult, out StoreSelection? selection, out string error)
    {
        string? store = parseResult.GetValue(_reg) is { } reg ? "reg:" + reg : parseResult.GetValue(_store);
        return StoreSelection.TryOpen(store, parseResult.GetValue(_profile), out selection, out error);
    }
}
