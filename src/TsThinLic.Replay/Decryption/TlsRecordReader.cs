using System.Buffers.Binary;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// [RFC 5246 6.2.1], [RFC 8446 5.1] Splits one direction's bytes, from its first TLS record on, into records: every
/// header checked (content type, version major 3, a length within 2^14 + 2048); a record cut by the end of the
/// capture or bytes that are not a record end the direction with a note naming where.
/// </summary>
internal static class TlsRecordReader
{
    private const int RecordHeaderLength = 1 /* type */ + 2 /* version */ + 2 /* length */;

    public static List<TlsRawRecord> Read(ReadOnlySpan<byte> stream, bool fromClient, TlsDecryption result, Func<bool, int, string> where)
    {
        string who = fromClient ? "client" : "server";
        var records = new List<TlsRawRecord>();
        int offset = 0;
        while (offset < stream.Length)
        {
            ReadOnlySpan<byte> rest = stream[offset..];
            if (rest.Length < RecordHeaderLength)
            {
                result.Notes.Add($"{who}: the capture ends inside the header of TLS record {records.Count} ({where(fromClient, offset)}): the connection is cut");
                break;
            }

            byte type = rest[0];
            int version = BinaryPrimitives.ReadUInt16BigEndian(rest[1..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(rest[3..]);
            // change_cipher_spec (20) to heartbeat (24) [RFC 6520]; every TLS version is {3, x}.
            if (type is < (byte)TlsContentType.ChangeCipherSpec or > 24 || version >> 8 != 3)
            {
                result.Notes.Add($"{who}: the bytes at {where(fromClient, offset)} are not a TLS record (type {type}, version 0x{version:x4}); the rest of the direction is not read");
                break;
            }

            if (length > TlsConnectionDecryptor.MaxFragmentLength)
            {
                result.Notes.Add($"{who}: TLS record {records.Count} ({where(fromClient, offset)}) declares {length} bytes, more than the {TlsConnectionDecryptor.MaxFragmentLength} TLS allows; the rest of the direction is not read");
                break;
            }

            if (rest.Length < RecordHeaderLength + length)
            {
                result.Notes.Add($"{who}: the capture ends inside TLS record {records.Count} ({where(fromClient, offset)}, {rest.Length - RecordHeaderLength} of {length} bytes): the connection is cut");
                break;
            }

            records.Add(new TlsRawRecord(records.Count, offset, type, version, rest.Slice(RecordHeaderLength, length).ToArray()));
            offset += RecordHeaderLength + length;
        }

        return records;
    }
}
