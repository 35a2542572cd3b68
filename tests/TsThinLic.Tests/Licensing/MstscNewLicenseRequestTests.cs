using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using TsThinLic.Licensing;
using TsThinLic.Pdu;
using TsThinLic.Records;
using TsThinLic.Tests.Fakes;
using TsThinLic.Tests.TestSupport;
using TsThinLic.Transport;
using Xunit;

namespace TsThinLic.Tests.Licensing;

/// <summary>
/// Our NEW_LICENSE_REQUEST beside the 37 that Microsoft's client (mstsc builds 6001 to 18362) sent to the same
/// LICENSE_REQUEST, recorded by wallix/redemption (../shared/windows-licensing/mstsc-client.json, read in place):
/// every field that is neither random nor a name must be mstsc's, and each field where we differ on purpose is
/// named here with the reason.
/// </summary>
public sealed class MstscNewLicenseRequestTests
{
    public static TheoryData<int> MstscConnections()
    {
        var data = new TheoryData<int>();
        IReadOnlyList<JsonElement> all = SharedData.JsonArray("windows-licensing", "mstsc-client.json");
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].GetProperty("client").GetProperty("family").GetString() == "mstsc")
            {
                data.Add(i);
            }
        }

        return data;
    }

    [Fact]
    public void TheRecordingsHoldThirtySevenMstscConnections()
        => Assert.Equal(37, MstscConnections().Count);

    [Theory]
    [MemberData(nameof(MstscConnections))]
    public void OursMatchesMstscFieldByField(int index)
    {
        JsonElement connection = SharedData.JsonArray("windows-licensing", "mstsc-client.json")[index];
        JsonElement[] pdus = connection.GetProperty("pdus").EnumerateArray().ToArray();
        Assert.Equal("LICENSE_REQUEST", pdus[0].GetProperty("msg_type").GetString());
        Assert.Equal("NEW_LICENSE_REQUEST", pdus[1].GetProperty("msg_type").GetString());
        byte[] serverRequest = Bytes(pdus[0]);
        byte[] mstsc = Bytes(pdus[1]);

        // mstsc's PDU through our decoder: bytes no one here wrote.
        Assert.True(LicensingPduDecoder.TryDecode(mstsc, out LicensingPdu? decoded, out DecodeError error), error.ToString());
        var theirs = Assert.IsType<ClientNewLicenseRequest>(decoded);

        // Ours, answering the same LICENSE_REQUEST with mstsc's names (names are the caller's, not the codec's).
        var identity = new ClientIdentity(new ClientHardwareId(PipeLicensingDriverOptions.DefaultPlatformId, new byte[16]), theirs.ClientUserName, theirs.ClientMachineName);
        var client = new LicensingClient(identity, LicenseStoreSnapshot.Empty, new SequenceRandomSource(0x5A));
        var output = new ArrayBufferWriter<byte>();
        LicensingStepResult step = client.Step(serverRequest, output);
        Assert.True(step.Failure is null, step.Failure?.ToString());
        Assert.Equal(LicensingMessageType.NewLicenseRequest, step.Sent);
        byte[] ours = output.WrittenSpan.ToArray();
        Assert.True(LicensingPduDecoder.TryDecode(ours, out decoded, out error), error.ToString());
        var mine = Assert.IsType<ClientNewLicenseRequest>(decoded);

        // TS_SECURITY_HEADER: flags SEC_LICENSE_PKT (0x0080) alike.
        Assert.Equal(theirs.SecurityHeader!.Value.Flags, mine.SecurityHeader!.Value.Flags);
        // Deliberate: flagsHi. [MS-RDPBCGR 2.2.8.1.1.2.1] leaves it unused; mstsc writes junk or 0x0201 under Standard
        // Security (28 values in 37 connections), we write 0.
        Assert.Equal(0, mine.SecurityHeader.Value.FlagsHi);

        // LICENSE_PREAMBLE: bMsgType, flags (0x83 even though this LICENSE_REQUEST is preamble version 2), wMsgSize.
        Assert.Equal(LicensePreamble.PreambleVersion2, client.LicenseRequest!.Preamble.Version);
        Assert.Equal(theirs.Preamble.MessageType, mine.Preamble.MessageType);
        Assert.Equal(0x83, theirs.Preamble.Flags);
        Assert.Equal(theirs.Preamble.Flags, mine.Preamble.Flags);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(mstsc.AsSpan(SecurityHeader.Length + 2)), BinaryPrimitives.ReadUInt16LittleEndian(ours.AsSpan(SecurityHeader.Length + 2)));

        // dwPreferredKeyExchangeAlg: KEY_EXCHANGE_ALG_RSA.
        Assert.Equal(theirs.PreferredKeyExchangeAlgorithm, mine.PreferredKeyExchangeAlgorithm);

        // PlatformId: the ISV byte (0x01, Microsoft) and the low 16 bits (0) alike. Deliberate: the OS byte. mstsc
        // announces 0x02, 0x03, 0x04 or 0x08 by build ([MS-RDPELE 2.2.2.2] defines 0x01-0x04 only); ours is the
        // device profile's, 0x04 (CLIENT_OS_ID_WINNT_POST_52) by default, as FreeRDP announces it.
        Assert.Equal(theirs.PlatformId & 0x00FFFFFF, mine.PlatformId & 0x00FFFFFF);
        Assert.Equal(0x04u, mine.PlatformId >> 24);
        Assert.Contains(theirs.PlatformId >> 24, new uint[] { 0x02, 0x03, 0x04, 0x08 });

        // ClientRandom: random in both; only its length is fixed.
        Assert.Equal(theirs.ClientRandom.Length, mine.ClientRandom.Length);

        // EncryptedPreMasterSecret: the modulus length (512-bit key: 64) + 8 zero bytes alike; the ciphertext is random.
        Assert.Equal(theirs.EncryptedPreMasterSecret.Data.Length, mine.EncryptedPreMasterSecret.Data.Length);
        Assert.Equal(72, mine.EncryptedPreMasterSecret.Data.Length);
        Assert.True(theirs.EncryptedPreMasterSecret.Data.Span[^8..].IndexOfAnyExcept((byte)0) < 0);
        Assert.True(mine.EncryptedPreMasterSecret.Data.Span[^8..].IndexOfAnyExcept((byte)0) < 0);
        // Deliberate: its wBlobType. mstsc writes 0x0000 in all 37; [MS-RDPELE 2.2.2.2] says BB_RANDOM_BLOB (0x0002),
        // which FreeRDP writes too, and every server seen ignores it.
        Assert.Equal(0x0000, theirs.EncryptedPreMasterSecret.BlobType);
        Assert.Equal((ushort)BinaryBlobType.Random, mine.EncryptedPreMasterSecret.BlobType);

        // ClientUserName and ClientMachineName: BB_CLIENT_USER_NAME_BLOB / BB_CLIENT_MACHINE_NAME_BLOB, ASCII with the
        // terminating NUL counted in wBlobLen, alike (the names themselves are the caller's).
        Assert.Equal(theirs.ClientUserNameBlob.BlobType, mine.ClientUserNameBlob.BlobType);
        Assert.Equal(Hex(theirs.ClientUserNameBlob.Data), Hex(mine.ClientUserNameBlob.Data));
        Assert.Equal(theirs.ClientMachineNameBlob.BlobType, mine.ClientMachineNameBlob.BlobType);
        Assert.Equal(Hex(theirs.ClientMachineNameBlob.Data), Hex(mine.ClientMachineNameBlob.Data));
        Assert.Equal(0, mine.ClientMachineNameBlob.Data.Span[^1]);

        // Nothing else: the same length, so no field was left out or added.
        Assert.Equal(mstsc.Length, ours.Length);
    }

    private static byte[] Bytes(JsonElement pdu)
        => Convert.FromHexString(pdu.GetProperty("security_header_hex").GetString() + pdu.GetProperty("hex").GetString());

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);
}
