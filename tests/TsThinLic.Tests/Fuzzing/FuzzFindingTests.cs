using System.Net;
using System.Text;
using TsThinLic.Pdu;
using TsThinLic.Replay;
using TsThinLic.Replay.Capture;
using TsThinLic.Storage;
using TsThinLic.Storage.Flash;
using TsThinLic.Storage.Registry;
using Xunit;

namespace TsThinLic.Tests.Fuzzing;

/// <summary>
/// Each decoder bug the coverage-guided fuzzing found (issue 11, part 5), as a test of its own beside the raw input
/// kept in FuzzRegressions/: what the input was, and what the decoder must do with it.
/// </summary>
public sealed class FuzzFindingTests
{
    public sealed class LicensingPduDecoderTruncatedHeader
    {
        [Theory]
        [InlineData("80", "flags", 0)] // one byte of a TS_SECURITY_HEADER: its flags word is cut, not flagsHi (offset 2)
        [InlineData("8000", "flagsHi", 2)]
        [InlineData("95ffffffff", "flags", 5)] // header + bMsgType: the preamble's flags are missing, not wMsgSize (offset 6)
        [InlineData("ff", "flags", 1)]
        public void NamesTheFirstMissingFieldAtAnOffsetInsideTheInput(string hex, string field, int offset)
        {
            byte[] pdu = Convert.FromHexString(hex);

            Assert.False(LicensingPduDecoder.TryDecode(pdu, out _, out DecodeError error));

            Assert.Equal(DecodeErrorKind.Truncated, error.Kind);
            Assert.Equal(field, error.Field);
            Assert.Equal(offset, error.Offset);
            Assert.InRange(error.Offset, 0, pdu.Length);
        }
    }

    public sealed class TcpStreamReassemblerSequenceWrap
    {
        [Theory]
        [InlineData(0x8000_0000u)] // 2^31 ahead: (int) distance is int.MinValue, whose negation is itself
        [InlineData(0x8000_0001u)]
        [InlineData(0x7FFF_FFFFu)]
        public void ASegmentHalfTheSequenceSpaceAwayIsNeverAnException(uint distance)
        {
            var reassembler = new TcpStreamReassembler();
            reassembler.Add(Segment(1000, [1, 2, 3]), 1, DateTimeOffset.UnixEpoch);

            reassembler.Add(Segment(unchecked(1003 + distance), [4, 5, 6]), 2, DateTimeOffset.UnixEpoch);
            reassembler.Add(Segment(1003, [7]), 3, DateTimeOffset.UnixEpoch);
            reassembler.Finish();

            Assert.Equal([1, 2, 3, 7], reassembler.Bytes.ToArray());
        }

        private static TcpSegment Segment(uint sequence, byte[] payload)
            => new(IPAddress.Loopback, 3389, IPAddress.Loopback, 50000, sequence, 0x18, payload);
    }

    public sealed class TranscriptNulName
    {
        [Theory]
        [InlineData("user")]
        [InlineData("machine")]
        public void ANulInANameIsAParseErrorOnItsLine(string keyword)
        {
            string text = $"{TranscriptFormat.Magic}\nexchange nul\n{keyword} thin\0client\nserver\n    80000000ff031000070000000200000004000000\n";

            Assert.False(TranscriptFormat.TryParse("nul.transcript", text, out _, out string? error));

            Assert.Equal($"line 3: {keyword} contains NUL (U+0000), which a licensing name cannot hold", error);
        }

        [Fact]
        public void ReplayingAnExchangeWhoseNameHoldsANulFailsInsteadOfThrowing()
        {
            var exchange = new ReplayExchange("secrets.json", "nul", [], new ReplaySecrets { UserName = "a\0b" });

            ReplayExchangeResult result = ReplayRunner.Run(exchange);

            Assert.Equal(ReplayVerdict.Fail, result.Verdict);
            Assert.Contains("NUL", Assert.Single(result.Problems));
        }
    }

    public sealed class StorePayloadStrictness
    {
        [Fact]
        public void InvalidUtf8InAKeyStringIsRefusedNotReplaced()
        {
            // flags 0, one license: dwVersion, scope "a\xfd" (2 bytes), company "", product "", stored at 0, 1-byte CAL.
            byte[] payload = Convert.FromHexString("0001" + "00000600" + "0200" + "61fd" + "0000" + "0000" + "0000000000000000" + "01000000" + "30");

            Assert.False(StorePayload.TryDecode(payload, out _, out string reason));

            Assert.Equal("payload: license 0 scope at offset 8 is not valid UTF-8", reason);
        }

        [Fact]
        public void AFingerprintWithoutAHwidIsRefused()
        {
            byte[] payload = [StorePayload.FlagFingerprint, 0, .. new byte[DeviceFingerprint.Length]];

            Assert.False(StorePayload.TryDecode(payload, out _, out string reason));

            Assert.Equal("payload: flags 0x02 at offset 0 has a device fingerprint without a HWID", reason);
        }
    }

    public sealed class FlashImageTooSmallForItsProgramUnit
    {
        [Fact]
        public void IsRefusedWithAReasonInsteadOfThrowing()
        {
            byte[] image = new byte[1024];
            Array.Fill(image, (byte)0xFF);

            Assert.False(FlashLicenseStore.TryReadImage(image, new FlashGeometry(512, 512), out LicenseStoreContents contents, out string reason));

            Assert.True(contents.IsEmpty);
            Assert.Equal("a partition image of 1024 bytes has slots too small for one snapshot with 512-byte program units", reason);
        }
    }

    public sealed class RegFileHiveRootDeletion
    {
        [Theory]
        [InlineData("[-HKEY_LOCAL_MACHINE]")]
        [InlineData("[-HKLM\\\\]")]
        public void IsAParseErrorOnItsLineNotAnException(string header)
        {
            string text = $"Windows Registry Editor Version 5.00\r\n\r\n{header}\r\n";

            Assert.False(RegFile.TryRead(text, out _, out string error));

            Assert.StartsWith("line 3: the hive root ", error);
        }
    }

    public sealed class JsonExportStoredAtPrecision
    {
        [Fact]
        public void ATimeFinerThanAMillisecondIsRefused()
        {
            string json = """
                {"format": "tsthinlic-license-store", "formatVersion": 1, "hwid": null, "deviceFingerprint": null, "licenses": [
                  {"version": 393216, "scope": "microsoft.com", "companyName": "Microsoft Corporation", "productId": "A02",
                   "storedAt": "2026-06-01T08:00:00.0001Z", "clientLicense": "MAA="}]}
                """;

            Assert.False(LicenseStoreJson.TryRead(Encoding.UTF8.GetBytes(json), out _, out string error));

            Assert.Equal("$.licenses[0].storedAt: finer than a millisecond (yyyy-MM-ddTHH:mm:ss.fffZ)", error);
        }
    }
}
