using TsThinLic.Emulator;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Replay.Capture;
using TsThinLic.Storage;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.Transport;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>
/// Issue 11, part 4: caps checked against the wire as well as the store. A CAL is only worth keeping if a LICENSE_INFO
/// can present it ([MS-RDPELE 2.2.2.3]: wMsgSize, 16-bit, counts the whole PDU); the cap is derived from the layout,
/// and a longer CAL is refused when a server issues it. Also: names with a NUL and a TCP sequence number 2^31 away.
/// </summary>
public sealed class LicenseWireCapTests
{
    [Fact]
    public void TheCapIsTheLayoutOfALicenseInfoToTheLargestKeyAccepted()
    {
        // preamble 4, dwPreferredKeyExchangeAlg 4, dwPlatformId 4, ClientRandom 32, three blob headers 12,
        // EncryptedHWID 20, MACData 16; the encrypted premaster secret is the modulus plus 8 zero bytes.
        Assert.Equal(92, LicensingLimits.LicenseInfoFixedLength);
        Assert.Equal(63387, LicensingLimits.MaxPresentableLicenseInfoLength);
        Assert.Equal(LicensingLimits.MaxPresentableLicenseInfoLength, LicensingLimits.MaxLicenseInfoLengthFor(16384 / 8));
        Assert.Equal(65371, LicensingLimits.MaxLicenseInfoLengthFor(512 / 8));
        Assert.Equal(LicensingLimits.MaxPresentableLicenseInfoLength, StoredLicense.MaxLicenseInfoLength);
    }

    [Theory]
    [InlineData(512 / 8)]
    [InlineData(2048 / 8)]
    [InlineData(16384 / 8)]
    public void ALicenseInfoWithTheLongestCalForAKeyIsExactly65535Bytes(int modulusLength)
    {
        int longest = LicensingLimits.MaxLicenseInfoLengthFor(modulusLength);

        byte[] encoded = Build(modulusLength, longest).ToArray();

        Assert.Equal(ushort.MaxValue, encoded.Length);
        Assert.Equal(ushort.MaxValue, BitConverter.ToUInt16(encoded, 2)); // wMsgSize
        Assert.ThrowsAny<ArgumentException>(() => Build(modulusLength, longest + 1));
    }

    private static ClientLicenseInfo Build(int modulusLength, int calLength) => new(
        new LicensePreamble(LicensingMessageType.LicenseInfo, LicensePreamble.DefaultClientFlags, 0),
        null,
        1,
        0x04010000,
        new byte[32],
        new LicenseBinaryBlob(BinaryBlobType.Random, new byte[modulusLength + 8]),
        new LicenseBinaryBlob(BinaryBlobType.Data, new byte[calLength]),
        new LicenseBinaryBlob(BinaryBlobType.EncryptedData, new byte[20]),
        new byte[16]);

    [Fact]
    public async Task ACalLongerThanALicenseInfoCanPresentIsRefusedWhenIssuedAndTheStoreKeepsNone()
    {
        var store = new MemoryLicenseStore();
        var tooLong = new EmulatedLicenseServerOptions { LicenseFactory = _ => new byte[ushort.MaxValue - 200] };

        var (result, _) = await PipeLicensingDriverTests.RunAsync(store, serverOptions: tooLong);

        Assert.False(result.Succeeded);
        Assert.Equal(LicensingFailureReason.LicenseTooLarge, result.Failure!.Reason);
        Assert.Contains("at most 63387 bytes", result.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(store.Load().Licenses);
    }

    [Fact]
    public async Task TheLongestCalAcceptedIsKeptAndPresentedAtTheNextConnection()
    {
        var store = new MemoryLicenseStore();
        var longest = new EmulatedLicenseServerOptions { LicenseFactory = _ => new byte[LicensingLimits.MaxPresentableLicenseInfoLength] };

        var (issued, _) = await PipeLicensingDriverTests.RunAsync(store, serverOptions: longest);
        var (presented, server) = await PipeLicensingDriverTests.RunAsync(store, randomSeed: 7);

        Assert.True(issued.Succeeded, issued.Failure?.ToString());
        Assert.Equal(LicensingMessageType.LicenseInfo, presented.Pdus[1].MessageType);
        Assert.Equal(LicensingLimits.MaxPresentableLicenseInfoLength, server.PresentedLicense!.Value.Length);
    }

    [Theory]
    [InlineData("us\0er", "machine")]
    [InlineData("user", "mach\0ine")]
    public void ANameWithANulIsRefusedBeforeAnyExchange(string user, string machine)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ClientIdentity(new ClientHardwareId(0x04010000, new byte[16]), user, machine));

        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0x80000001u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x01000001u)]
    public void ASegmentFarFromTheStreamIsDroppedNotSliced(uint distance)
    {
        var reassembler = new TcpStreamReassembler();
        var endpoint = System.Net.IPAddress.Loopback;
        reassembler.Add(new TcpSegment(endpoint, 3389, endpoint, 50000, 1000, 0x18, new byte[] { 1, 2, 3, 4 }), 0, default);

        // Ahead by the distance from where the stream stands (1004), and behind by it.
        reassembler.Add(new TcpSegment(endpoint, 3389, endpoint, 50000, unchecked(1004 + distance), 0x18, new byte[] { 9 }), 1, default);
        reassembler.Add(new TcpSegment(endpoint, 3389, endpoint, 50000, unchecked(1004 - distance), 0x18, new byte[] { 9, 9 }), 2, default);
        reassembler.Add(new TcpSegment(endpoint, 3389, endpoint, 50000, 1004, 0x18, new byte[] { 5 }), 3, default);
        reassembler.Finish();

        Assert.Equal([1, 2, 3, 4, 5], reassembler.Bytes.ToArray());
        Assert.Equal(2, reassembler.OutOfWindowSegments);
        Assert.Equal(3, reassembler.BytesDropped);
    }
}
