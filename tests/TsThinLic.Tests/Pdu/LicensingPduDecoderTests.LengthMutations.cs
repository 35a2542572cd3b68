using System.Buffers;
using System.Buffers.Binary;
using TsThinLic.Pdu;
using TsThinLic.Tests.TestSupport;
using Xunit;

namespace TsThinLic.Tests.Pdu;

public partial class LicensingPduDecoderTests
{
    /// <summary>
    /// Every length field of every fixture (found by tracing the decoder) set to 0, 1, len-1, len+1, the type's maximum
    /// and random values: each gives a typed error or a different well-formed PDU, never an exception, and the decode
    /// allocates no more than about two PDUs.
    /// </summary>
    public class LengthFieldMutations
    {
        private const long AllocationBound = (2L * LicensingPduDecoder.MaxPduLength) + (32 * 1024);

        [Theory]
        [MemberData(nameof(PduVectors), MemberType = typeof(LicensingPduDecoderTests))]
        public void GiveATypedErrorOrAWellFormedPdu(string vector)
        {
            byte[] wire = Vectors.Hex(vector);
            IReadOnlyList<WireLengthField> fields = TraceLengthFields(wire);
            Assert.NotEmpty(fields);
            Assert.Contains(fields, f => f.Field == "wMsgSize");

            var random = new Random(0x5EED);
            int mutations = 0;
            foreach (WireLengthField field in fields)
            {
                foreach (uint value in ValuesFor(wire, field, random))
                {
                    byte[] mutated = (byte[])wire.Clone();
                    if (field.Size == 2)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(mutated.AsSpan(field.Offset), (ushort)value);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(mutated.AsSpan(field.Offset), value);
                    }

                    AssertTypedErrorOrWellFormed(mutated, $"{vector}: {field.Field}@{field.Offset} = 0x{value:X}");
                    mutations++;
                }
            }

            Assert.True(mutations >= fields.Count * 6);
        }

        [Fact]
        public void FindsTheLengthFieldsOfTheSpecLicenseRequest()
        {
            IReadOnlyList<WireLengthField> fields = TraceLengthFields(Vectors.Hex("spec_4_1_server_license_request"));
            Assert.Equal(
                ["wMsgSize", "cbCompanyName", "cbProductId", "wBlobLen", "wBlobLen", "NumCertBlobs", "cbCert", "cbCert", "ScopeCount", "wBlobLen"],
                fields.Select(f => f.Field));
        }

        [Fact]
        public void TheLargestPdusStayUnderTheAllocationBound()
        {
            var info = new ClientLicenseInfo(
                new LicensePreamble(LicensingMessageType.LicenseInfo, LicensePreamble.DefaultClientFlags, 0),
                SecurityHeader.LicensePacket,
                1,
                0x04010000,
                new byte[32],
                new LicenseBinaryBlob(BinaryBlobType.Random, new byte[264]),
                new LicenseBinaryBlob(BinaryBlobType.Data, new byte[65179]),
                new LicenseBinaryBlob(BinaryBlobType.EncryptedData, new byte[20]),
                new byte[16]);
            Assert.Equal(ushort.MaxValue, info.Preamble.MessageSize);
            AssertTypedErrorOrWellFormed(info.ToArray(withSecurityHeader: true), "largest LICENSE_INFO");

            var request = new ServerLicenseRequest(
                new LicensePreamble(LicensingMessageType.LicenseRequest, LicensePreamble.DefaultServerFlags, 0),
                SecurityHeader.LicensePacket,
                new byte[32],
                new ProductInfo(0x00060000, "Microsoft Corporation", "A02"),
                [1u],
                null,
                [.. Enumerable.Repeat(new string('s', 240), LicensingLimits.MaxScopeCount)]);
            AssertTypedErrorOrWellFormed(request.ToArray(withSecurityHeader: true), "LICENSE_REQUEST with the most scopes");
        }

        internal static IReadOnlyList<WireLengthField> TraceLengthFields(byte[] wire)
        {
            var trace = new List<WireLengthField>();
            WireLengthTrace.Current = trace;
            try
            {
                Assert.True(LicensingPduDecoder.TryDecode(wire, out _, out DecodeError error), error.ToString());
            }
            finally
            {
                WireLengthTrace.Current = null;
            }

            return trace.Distinct().ToList();
        }

        internal static void AssertTypedErrorOrWellFormed(byte[] mutated, string because)
        {
            // Warm up once so JIT work does not count against the allocation bound.
            LicensingPduDecoder.TryDecode(mutated, out _, out _);
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool ok = LicensingPduDecoder.TryDecode(mutated, out LicensingPdu? pdu, out DecodeError error);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationBound, $"{because}: allocated {allocated} bytes");

            var sequence = new ReadOnlySequence<byte>(mutated);
            DecodeStatus status = LicensingPduDecoder.TryDecode(sequence, out LicensingPdu? framed, out SequencePosition consumed, out DecodeError framedError);
            if (!ok)
            {
                Assert.Null(pdu);
                Assert.True(Enum.IsDefined(error.Kind), because);
                Assert.False(string.IsNullOrEmpty(error.Field), because);
                Assert.InRange(error.Offset, 0, mutated.Length);
                if (status == DecodeStatus.Complete)
                {
                    // The span held more than wMsgSize declares; the framed PDU is the well-formed part before it.
                    byte[] frame = sequence.Slice(0, consumed).ToArray();
                    Assert.True(frame.Length < mutated.Length, because);
                    Assert.Equal(frame.Length, framed!.GetEncodedLength(framed.SecurityHeader is not null));
                }
                else
                {
                    Assert.True(status == DecodeStatus.NeedMoreData || Enum.IsDefined(framedError.Kind), because);
                }

                return;
            }

            // The decode copies the frame once, so a working measurement sees at least that much.
            Assert.True(allocated >= mutated.Length, $"{because}: allocated only {allocated} bytes");

            // A well-formed PDU: it re-encodes to the mutated bytes (wMsgSize per spec) and is stable.
            byte[] reencoded = PduTestKit.Reencode(pdu!);
            byte[] expected = pdu!.MessageSizeIncludesSecurityHeader ? PduTestKit.ExpectedReencoding(mutated, pdu) : mutated;
            Assert.True(expected.AsSpan().SequenceEqual(reencoded), because);
            Assert.Equal(reencoded, PduTestKit.Reencode(PduTestKit.Decode(reencoded)));
            Assert.Equal(DecodeStatus.Complete, status);
        }

        private static IEnumerable<uint> ValuesFor(byte[] wire, WireLengthField field, Random random)
        {
            uint current = field.Size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(wire.AsSpan(field.Offset)) : BinaryPrimitives.ReadUInt32LittleEndian(wire.AsSpan(field.Offset));
            uint max = field.Size == 2 ? ushort.MaxValue : uint.MaxValue;
            yield return 0;
            yield return 1;
            yield return current - 1;
            yield return current + 1;
            yield return max;
            yield return max - 1;
            for (int i = 0; i < 4; i++)
            {
                yield return field.Size == 2 ? (uint)random.Next(0, 0x10000) : (uint)random.NextInt64(0, 0x1_0000_0000);
            }

            yield return (uint)random.Next(0, (int)Math.Min(current + 64, int.MaxValue));
        }
    }
}
