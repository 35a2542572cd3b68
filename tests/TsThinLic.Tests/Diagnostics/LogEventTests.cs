using System.Reflection;
using Microsoft.Extensions.Logging;
using TsThinLic.Emulator;
using TsThinLic.Host;
using TsThinLic.Logging;
using TsThinLic.Rdp;
using TsThinLic.Replay;
using Xunit;

namespace TsThinLic.Tests.Diagnostics;

/// <summary>
/// Every log event of the product is declared in its assembly's one log class, each with an event ID of its own
/// (across all assemblies) in its area's range: the core 100 licensing, 300 stores, 700 doctor; Replay 500; Rdp 600;
/// the host 800; the emulator's server (serve) 400 (the C library's NativeLog has 900).
/// </summary>
public sealed class LogEventTests
{
    [Fact]
    public void EveryEventHasItsOwnIdInTheRangeOfItsArea()
    {
        var events = new[] { typeof(Log), typeof(ReplayLog), typeof(RdpLog), typeof(HostLog), typeof(EmulatorLog) }
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => (Class: type.Name, m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>())))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count >= 30, $"{events.Count} events");
        Assert.Equal(events.Count, events.Select(e => e.Attribute!.EventId).Distinct().Count());
        foreach ((string @class, string name, LoggerMessageAttribute? attribute) in events)
        {
            int id = attribute!.EventId;
            string area = (@class, name) switch
            {
                ("ReplayLog", _) => "replay",
                ("RdpLog", _) => "probe",
                ("HostLog", _) => "command",
                ("EmulatorLog", _) => "serve",
                (_, _) when name.StartsWith("Store", StringComparison.Ordinal) && id is >= 300 and < 400 => "store",
                (_, _) when name.StartsWith("Doctor", StringComparison.Ordinal) => "doctor",
                _ => "licensing",
            };
            (int low, int high) = area switch
            {
                "store" => (300, 399),
                "replay" => (500, 599),
                "probe" => (600, 699),
                "doctor" => (700, 799),
                "command" => (800, 899),
                "serve" => (400, 499),
                _ => (100, 199),
            };
            Assert.True(id >= low && id <= high, $"{@class}.{name}: event {id} is outside the {area} range {low}-{high}");
        }
    }
}
