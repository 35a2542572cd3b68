using System.CommandLine;
using Microsoft.Extensions.Logging;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>The options that choose a store (<c>--store</c>, <c>--profile</c>, <c>--reg</c>), shared by the commands that work on one.</summary>
internal sealed class StoreArguments
{
    private readonly Option<string?> _store = new("--store") { Description = "memory, registry, reg:FILE.reg, flash:PATH, file:PATH, freerdp[:DIR] or rdesktop[:DIR] (default: the profile's, else file:" + StoreSelection.DefaultFilePath() + ")" };
    private readonly Option<string?> _profile = new("--profile") { Description = "A device profile (hardware/….json)." };
    private readonly Option<string?> _reg = new("--reg") { Description = "A .reg export of HKLM\\SOFTWARE\\Microsoft\\MSLicensing (same as --store reg:FILE)." };

    public StoreArguments(Command command)
    {
        command.Options.Add(_store);
        command.Options.Add(_profile);
        command.Options.Add(_reg);
    }

    /// <summary>Which store the options name, without opening it; false with the reason when they name none or two.</summary>
    public bool TryResolve(ParseResult parseResult, out StoreTarget? target, out string error)
    {
        string? reg = parseResult.GetValue(_reg);
        string? store = parseResult.GetValue(_store);
        if (reg is not null && store is not null)
        {
            target = null;
            error = "--reg and --store name two stores: give one";
            return false;
        }

        return StoreSelection.TryResolve(reg is not null ? "reg:" + reg : store, parseResult.GetValue(_profile), out target, out error);
    }

    /// <summary>
    /// Opens the store the options name; <paramref name="readOnly"/> for a command that only looks (the medium is then
    /// never created, extended or written).
    /// </summary>
    public bool TryOpen(ParseResult parseResult, bool readOnly, out StoreSelection? selection, out string error, ILogger? logger = null)
    {
        selection = null;
        return TryResolve(parseResult, out StoreTarget? target, out error) && StoreSelection.TryOpen(target!, readOnly, out selection, out error, logger);
    }
}
