using System.Text;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using TsThinLic.Rdp.Tls;

namespace TsThinLic.Replay.Decryption;

/// <summary>
/// [RFC 8446 7] The parts of the TLS 1.3 key schedule a capture's decryption needs once a key log gave the traffic
/// secrets: HKDF-Expand-Label [RFC 8446 7.1] over HKDF-Expand [RFC 5869 2.3], the record key and IV of a traffic
/// secret [7.3], the next application traffic secret of a KeyUpdate [7.2], and Finished.verify_data [4.4.4].
/// </summary>
/// <remarks>Every value here is key material: never log it.</remarks>
internal static class Tls13KeySchedule
{
    /// <summary>
    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length), HkdfLabel =
    /// uint16 length + opaque label&lt;7..255&gt; ("tls13 " + Label) + opaque context&lt;0..255&gt;.
    /// </summary>
    public static byte[] ExpandLabel(bool sha384, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> context, int length)
    {
        byte[] fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = new byte[2 + 1 + fullLabel.Length + 1 + context.Length];
        info[0] = (byte)(length >> 8);
        info[1] = (byte)length;
        info[2] = (byte)fullLabel.Length;
        fullLabel.CopyTo(info, 3);
        info[3 + fullLabel.Length] = (byte)context.Length;
        context.CopyTo(info.AsSpan(4 + fullLabel.Length));
        return Expand(sha384, secret, info, length);
    }

    /// <summary>[RFC 5869 2.3] T(i) = HMAC-Hash(PRK, T(i-1) | info | i), the first <paramref name="length"/> bytes of T(1) | T(2) | ….</summary>
    public static byte[] Expand(bool sha384, ReadOnlySpan<byte> pseudorandomKey, ReadOnlySpan<byte> info, int length)
    {
        var hmac = new HMac(TlsPrf.CreateHash(sha384));
        hmac.Init(new KeyParameter(pseudorandomKey));
        int hashLength = hmac.GetMacSize();
        byte[] output = new byte[length];
        byte[] block = new byte[hashLength];
        int written = 0;
        for (byte counter = 1; written < length; counter++)
        {
            if (counter > 1)
            {
                hmac.BlockUpdate(block);
            }

            hmac.BlockUpdate(info);
            hmac.Update(counter);
            hmac.DoFinal(block);
            int count = Math.Min(hashLength, length - written);
            block.AsSpan(0, count).CopyTo(output.AsSpan(written));
            written += count;
        }

        return output;
    }

    /// <summary>[RFC 8446 7.3] The record protection of one traffic secret: key = HKDF-Expand-Label(secret, "key", "", key_length), iv = HKDF-Expand-Label(secret, "iv", "", 12).</summary>
    public static TlsAeadRecordCipher CreateCipher(Tls13CipherSuite suite, ReadOnlySpan<byte> trafficSecret)
    {
        byte[] key = ExpandLabel(suite.UsesSha384, trafficSecret, "key", [], suite.KeyLength);
        byte[] iv = ExpandLabel(suite.UsesSha384, trafficSecret, "iv", [], TlsAeadRecordCipher.NonceLength);
        return new TlsAeadRecordCipher(suite.Protection, key, iv, tls13: true);
    }

    /// <summary>[RFC 8446 7.2] application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length).</summary>
    public static byte[] NextTrafficSecret(Tls13CipherSuite suite, ReadOnlySpan<byte> trafficSecret)
        => ExpandLabel(suite.UsesSha384, trafficSecret, "traffic upd", [], suite.HashLength);

    /// <summary>
    /// [RFC 8446 4.4.4] verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*)),
    /// finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), BaseKey the sender's handshake traffic secret.
    /// </summary>
    public static byte[] FinishedVerifyData(Tls13CipherSuite suite, ReadOnlySpan<byte> handshakeTrafficSecret, ReadOnlySpan<byte> transcriptHash)
    {
        byte[] finishedKey = ExpandLabel(suite.UsesSha384, handshakeTrafficSecret, "finished", [], suite.HashLength);
        var hmac = new HMac(TlsPrf.CreateHash(suite.UsesSha384));
        hmac.Init(new KeyParameter(finishedKey));
        hmac.BlockUpdate(transcriptHash);
        byte[] verifyData = new byte[suite.HashLength];
        hmac.DoFinal(verifyData);
        return verifyData;
    }
}
