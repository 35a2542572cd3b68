using System.CommandLine;
using System.Globalization;
using System.Text;
using TsThinLic.Pdu;
using TsThinLic.Replay;
using TsThinLic.Replay.Decryption;
using TsThinLic.Storage.Files;

namespace TsThinLic.Host;

/// <summary>
/// <c>tsthinlic decode (--hex HEX | FILE) [--licensing-key HEX --mac-salt HEX] [--json]</c>: decodes one licensing
/// PDU (preamble first, or basic security header first) and prints every field; with the session keys it decrypts
/// the encrypted parts and says whether each MAC verifies. Malformed input: exit code 2 and the field and offset.
/// </summary>
internal static class DecodeCommand
{
    /// <summary>The largest input file read: one licensing PDU, written out as hex with some whitespace.</summary>
    private const int MaxInputFileLength = 4 * LicensingPduDecoder.MaxPduLength;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var hexOption = new Option<string?>("--hex") { Description = "The PDU as hex digits (spaces allowed)." };
        var fileArgument = new Argument<string?>("file") { Description = "A file holding the PDU, raw or as hex text.", Arity = ArgumentArity.ZeroOrOne };
        var keyOption = new Option<string?>("--licensing-key") { Description = "The session's LicensingEncryptionKey (16 bytes of hex)." };
        var saltOption = new Option<string?>("--mac-salt") { Description = "The session's MacSaltKey (16 bytes of hex)." };
        var jsonOption = new Option<bool>("--json") { Description = "Print JSON." };

        var command = new Command("decode", "Decode one licensing PDU and print every field.");
        command.Options.Add(hexOption);
        command.Arguments.Add(fileArgument);
        command.Options.Add(keyOption);
        command.Options.Add(saltOption);
        command.Options.Add(jsonOption);
        command.SetAction(parseResult =>
        {
            string? hex = parseResult.GetValue(hexOption);
            string? file = parseResult.GetValue(fileArgument);
            if ((hex is null) == (file is null))
            {
                error.WriteLine("decode: give the PDU either with --hex or as a FILE");
                return HostApp.ExitCannotRun;
            }

            if (!TryReadInput(hex, file, out byte[]? bytes, out string? problem))
            {
                error.WriteLine($"decode: {problem}");
                return HostApp.ExitCannotRun;
            }

            string? keyHex = parseResult.GetValue(keyOption);
            string? saltHex = parseResult.GetValue(saltOption);
            LicensingDecryptionKeys? keys = null;
            if (keyHex is not null || saltHex is not null)
            {
                if (!HexText.TryParse(keyHex ?? string.Empty, out byte[]? key) || key.Length != 16
                    || !HexText.TryParse(saltHex ?? string.Empty, out byte[]? salt) || salt.Length != 16)
                {
                    error.WriteLine("decode: --licensing-key and --mac-salt go together, 16 bytes of hex each");
                    return HostApp.ExitCannotRun;
                }

                keys = new LicensingDecryptionKeys(key, salt);
            }

            bool json = parseResult.GetValue(jsonOption);
            if (!LicensingPduDecoder.TryDecode(bytes, out LicensingPdu? pdu, out DecodeError decodeError))
            {
                if (json)
                {
                    HostApp.WriteFields(output, json: true, w =>
                    {
                        w.WriteString("error", decodeError.ToString());
                        w.WriteString("kind", decodeError.Kind.ToString());
                        w.WriteString("field", decodeError.Field);
                        w.WriteNumber("offset", decodeError.Offset);
                    });
                }

                error.WriteLine($"decode: malformed licensing PDU: {decodeError.Field} at offset {decodeError.Offset.ToString(CultureInfo.InvariantCulture)}: {decodeError}");
                return HostApp.ExitCannotRun;
            }

            HostApp.WriteFields(output, json, w => PduDescriber.Describe(pdu, keys, w));

            return HostApp.ExitOk;
        });
        return command;
    }

    private static bool TryReadInput(string? hex, string? file, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        bytes = null;
        if (hex is not null)
        {
            problem = HexText.TryParse(hex, out bytes) ? null : "--hex is not hex digits";
            return bytes is not null;
        }

        byte[] raw;
        try
        {
            // Only a regular file, at most the limit counted as read: a FIFO, /dev/zero or a link to it ends here at once.
            raw = RegularFile.ReadAll(Path.GetFullPath(file!), MaxInputFileLength);
        }
        catch (FileFaultException fault)
        {
            problem = fault.IsNotFound ? $"no file '{file}'" : fault.Message;
            return false;
        }

        // A file of hex text (as copied from Wireshark or a log) is read as hex; anything else as raw bytes.
        bytes = HexText.TryParse(Encoding.ASCII.GetString(raw), out byte[]? fromHex) && fromHex.Length > 0 ? fromHex : raw;
        problem = null;
        return true;
    }

}
