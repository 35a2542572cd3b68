using System.Globalization;
using TsThinLic.Cal;
using TsThinLic.Crypto;
using TsThinLic.Diagnostics;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Storage;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic show</c> for people, as TSCTST showed a client's licenses: the device's HWID, then per CAL a block of
/// aligned labels (license ID and its meaning, temporary or permanent, issuer and scope, issued to, validity with days
/// left, the CAL's HWID against the device's with a match mark, a timeline) and, with <c>--advanced</c> (TSCTST's
/// <c>/a</c>), version, platform ID, license server ID, flags, certificate count and store key. The store's health is
/// written only when it has something to say. Every value from the store or the CAL goes through
/// <see cref="TerminalText.Escape"/>. JSON output does not come through here (<see cref="Diagnostics.StoreView"/>).
/// </summary>
internal static class ShowView
{
    private const int LabelWidth = 16;

    public static void Write(TextWriter output, TerminalStyle style, string store, LicenseStoreSnapshot snapshot, StoreVerification? verification, DateTimeOffset now, bool advanced)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(style);
        ArgumentNullException.ThrowIfNull(snapshot);
        Label(output, style, "Store", TerminalText.Escape(store));
        Label(output, style, "HWID", snapshot.HardwareId is { } hwid
            ? $"{hwid}  (fingerprint {HardwareIdFingerprint.Compute(hwid.ToArray())})"
            : "none yet (made at the first license run)");
        if (snapshot.Licenses.Count == 0)
        {
            output.WriteLine();
            output.WriteLine("No CALs stored: the next connection asks the license server for one.");
        }

        for (int i = 0; i < snapshot.Licenses.Count; i++)
        {
            output.WriteLine();
            WriteLicense(output, style, i + 1, snapshot.Licenses.Count, snapshot.Licenses[i], snapshot.HardwareId, now, advanced);
        }

        WriteHealth(output, style, verification);
    }

    private static void WriteLicense(TextWriter output, TerminalStyle style, int number, int count, StoredLicense license, ClientHardwareId? device, DateTimeOffset now, bool advanced)
    {
        string heading = count > 1 ? $"CAL {number} of {count}" : "CAL";
        if (!ClientAccessLicense.TryDecode(license.LicenseInfo.Span, out ClientAccessLicense? cal, out DecodeError error))
        {
            style.Write(output, TerminalStyle.Bold, heading);
            output.WriteLine($": cannot be decoded ({TerminalText.Escape(error.ToString())}); the server is sent it as stored and judges it");
            WriteStoreKey(output, style, license, advanced: true);
            return;
        }

        style.Write(output, TerminalStyle.Bold, $"{heading}: {TerminalText.Escape(cal.LicenseId ?? "(no license ID)")}");
        output.WriteLine($"  {TerminalText.Escape(LicenseIdCatalog.Describe(cal.LicenseId))}");
        Label(output, style, "Type", cal.IsTemporary
            ? "temporary (the server upgrades it to a permanent CAL at a connection once the user logs on and the pool has one)"
            : "permanent");
        Label(output, style, "Issuer", $"{Text(cal.Issuer)}, scope {Text(cal.Scope)}");
        Label(output, style, "Issued to", $"machine {Text(cal.IssuedToMachine)}, user {Text(cal.IssuedToUser)}");
        if (cal.Leaf.NotBefore is { } from && cal.Leaf.NotAfter is { } to)
        {
            long daysLeft = (long)Math.Floor((to - now).TotalDays);
            string left = daysLeft < 0 ? $"expired {-daysLeft} days ago" : daysLeft == 0 ? "expires today" : $"{daysLeft} days left";
            output.Write(Pad("Valid"));
            output.Write($"{CalTimeline.Day(from)} {style.Arrow} {CalTimeline.Day(to)}  (");
            style.Write(output, daysLeft < 0 ? TerminalStyle.Red : to - now <= CalTimeline.RenewalWindow ? TerminalStyle.Yellow : TerminalStyle.Green, left);
            output.WriteLine(to - now <= CalTimeline.RenewalWindow && daysLeft >= 0 ? ", in the renewal window)" : ")");
            Label(output, style, "Timeline", CalTimeline.Bar(from, to, now, style.Unicode));
            Label(output, style, string.Empty, CalTimeline.Legend(from, to, now, style.Unicode));
        }

        output.Write(Pad("HWID"));
        if (cal.HardwareId is not { } bound)
        {
            output.WriteLine("not readable from the CAL");
        }
        else if (device is not { } mine)
        {
            output.WriteLine($"{bound}  (this device has no HWID to compare)");
        }
        else if (bound == mine)
        {
            output.Write($"{bound}  ");
            style.Write(output, TerminalStyle.Green, style.Unicode && style.Terminal ? "✓ this device's" : "match: this device's");
            output.WriteLine();
        }
        else
        {
            output.Write($"{bound}  ");
            style.Write(output, TerminalStyle.Red, style.Unicode && style.Terminal ? "✗ another device's" : "MISMATCH: another device's");
            output.WriteLine($" (this device: {mine}); the server will not accept it from here");
        }

        if (advanced)
        {
            LicensedProductInfo? product = cal.Leaf.ProductInfo;
            if (product is not null)
            {
                LicensedProductVersion version = product.ProductVersion;
                Label(output, style, "Version", $"{version.Major}.{version.Minor}");
                Label(output, style, "Platform ID", $"0x{product.PlatformId:x8}");
                Label(output, style, "Flags", $"0x{version.Flags:x8} ({Flags(version)})");
                Label(output, style, "License count", product.LicenseCount.ToString(CultureInfo.InvariantCulture));
            }

            Label(output, style, "License server", cal.Leaf.ServerInfo is { } server ? $"{Text(server.Name)}, ID {Text(server.Id)}" : "(no license server info)");
            Label(output, style, "Certificates", cal.CertificateCount.ToString(CultureInfo.InvariantCulture));
            WriteStoreKey(output, style, license, advanced);
        }
    }

    private static void WriteStoreKey(TextWriter output, TerminalStyle style, StoredLicense license, bool advanced)
    {
        if (advanced)
        {
            Label(output, style, "Store key", $"version 0x{license.Key.Version:x8}, scope {Text(license.Key.Scope)}, company {Text(license.Key.CompanyName)}, product {Text(license.Key.ProductId)}");
            Label(output, style, "Length", $"{license.LicenseInfo.Length} bytes");
        }
    }

    /// <summary>Findings only when there is something to say: damage, a clone, ACL or write-filter attention, kept images.</summary>
    private static void WriteHealth(TextWriter output, TerminalStyle style, StoreVerification? verification)
    {
        if (verification is null)
        {
            return;
        }

        IReadOnlyList<StoreFinding> worth = StoreFindingView.Worth(verification);
        if (worth.Count == 0 && verification.Quarantined.Count == 0)
        {
            return;
        }

        output.WriteLine();
        style.Write(output, TerminalStyle.Bold, "Store health");
        output.WriteLine();
        StoreFindingView.Write(output, style, worth);

        if (verification.Findings.Any(f => f.Kind == StoreFindingKind.Corrupt))
        {
            output.WriteLine("  Damaged records read as absent: the next license run keeps the damaged image in the quarantine before it writes, and the device licenses afresh.");
        }

        foreach (QuarantinedImage image in verification.Quarantined)
        {
            output.WriteLine($"  kept {image.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}: {Text(image.Reason)}");
            output.Write("    read it with: ");
            style.Write(output, TerminalStyle.Cyan, $"tsthinlic show --image {Text(image.Path)}");
            output.WriteLine();
        }
    }

    private static string Flags(LicensedProductVersion version)
    {
        var names = new List<string>();
        if (version.IsTemporary)
        {
            names.Add("temporary");
        }

        if (version.IsRtm)
        {
            names.Add("RTM");
        }

        if (version.IsEnforced)
        {
            names.Add("enforced");
        }

        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string Text(string? value) => string.IsNullOrEmpty(value) ? "(none)" : TerminalText.Escape(value);

    private static string Pad(string label) => "  " + (label.Length == 0 ? string.Empty : label + ":").PadRight(LabelWidth);

    /// <summary>One aligned line; <paramref name="value"/> is the view's words or already escaped.</summary>
    private static void Label(TextWriter output, TerminalStyle style, string label, string value)
    {
        _ = style;
        output.Write(Pad(label));
        output.WriteLine(value);
    }
}
