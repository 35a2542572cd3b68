using System.Reflection;
using Microsoft.Extensions.Logging;
using TsThinLic.Diagnostics;
using Xunit;

namespace TsThinLic.Tests.Diagnostics;

/// <summary>Every log event of the product is declared in one class, each with its own event ID in its area's range.</summary>
public sealed class LogEventTests
{
    [Fact]
    public void EveryEventHasItsOwnIdInTheRangeOfItsArea()
    {
        var events = typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => (m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count >= 30, $"{events.Count} events");
        Assert.Equal(events.Count, events.Select(e => e.Attribute!.EventId).Distinct().Count());
        foreach ((string name, LoggerMessageAttribute? attribute) in events)
        {
            int id = attribute!.EventId;
            string area = name switch
            {
                _ when name.StartsWith("Store", StringComparison.Ordinal) && id is >= 300 and < 400 => "store",
                _ when name.StartsWith("Replay", StringComparison.Ordinal) => "replay",
                _ when name.StartsWith("Probe", StringComparison.Ordinal) => "probe",
                _ when name.StartsWith("Doctor", StringComparison.Ordinal) => "doctor",
                _ when name.Contains("Command", StringComparison.Ordinal) || name == "BackupWritten" => "command",
                _ => "licensing",
            };
            (int low, int high) = area switch
            {
                "store" => (300, 399),
                "replay" => (500, 599),
                "probe" => (600, 699),
                "doctor" => (700, 799),
                "command" => (800, 899),
                _ => (100, 199),
            };
            Assert.True(id >= low && id <= high, $"{name}: event {id} is outside the {area} range {low}-{high}");
        }
    }
}
