using System.Buffers.Binary;
using Xunit;

namespace TsThinLic.Tests.Crypto;

/// <summary>
/// Just enough of the SERVER_LICENSE_REQUEST layout ([MS-RDPELE 2.2.2.1]) to pull the server certificate out of a
/// vector's bytes by its fields, for the crypto tests (the codec proper is another namespace's job).
/// </summary>
internal static class LicensingPduLayout
{
    /// <summary>The ServerCertificate blob's data of a SERVER_LICENSE_REQUEST (optionally after a TS_SECURITY_HEADER).</summary>
    public static byte[] ServerCertificate(byte[] pdu, bool withSecurityHeader)
    {
        int offset = withSecurityHeader ? 4 : 0;
        Assert.Equal(0x01, pdu[offset]); // bMsgType LICENSE_REQUEST
        offset += 4; // LICENSE_PREAMBLE: bMsgType, flags, wMsgSize
        offset += 32; // ServerRandom
        offset += 4; // ProductInfo.dwVersion
        offset += 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(pdu.AsSpan(offset)); // cbCompanyName, pbCompanyName
        offset += 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(pdu.AsSpan(offset)); // cbProductId, pbProductId
        offset += 4 + BinaryPrimitives.ReadUInt16LittleEndian(pdu.AsSpan(offset + 2)); // KeyExchangeList: wBlobType, wBlobLen, data
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(pdu.AsSpan(offset))); // ServerCertificate.wBlobType BB_CERTIFICATE_BLOB
        int length = BinaryPrimitives.ReadUInt16LittleEndian(pdu.AsSpan(offset + 2)); // wBlobLen
        return pdu.AsSpan(offset + 4, length).ToArray();
    }

    /// <summary>[MS-RDPELE 2.2.1.4.2] X509 certificate chain: dwVersion, NumCertBlobs, then cbCert/abCert pairs.</summary>
    public static List<ReadOnlyMemory<byte>> X509Chain(byte[] serverCertificate)
    {
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(serverCertificate);
        Assert.Equal(2u, version & 0x7FFFFFFF); // CERT_CHAIN_VERSION_2
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(serverCertificate.AsSpan(4)); // NumCertBlobs
        var certificates = new List<ReadOnlyMemory<byte>>();
        int offset = 8;
        for (int i = 0; i < count; i++)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(serverCertificate.AsSpan(offset)); // cbCert
            certificates.Add(serverCertificate.AsMemory(offset + 4, length)); // abCert
            offset += 4 + length;
        }

        return certificates;
    }

    /// <summary>
    /// [MS-RDPBCGR 2.2.1.4.3.1.1] PROPRIETARYSERVERCERTIFICATE: dwVersion, dwSigAlgId, dwKeyAlgId,
    /// wPublicKeyBlobType, wPublicKeyBlobLen, PublicKeyBlob, wSignatureBlobType, wSignatureBlobLen, SignatureBlob.
    /// </summary>
    public static ProprietaryCertificate Proprietary(byte[] certificate)
    {
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(certificate) & 0x7FFFFFFF); // CERT_CHAIN_VERSION_1
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(certificate.AsSpan(4))); // dwSigAlgId SIGNATURE_ALG_RSA
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(certificate.AsSpan(8))); // dwKeyAlgId KEY_EXCHANGE_ALG_RSA
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(certificate.AsSpan(12))); // wPublicKeyBlobType BB_RSA_KEY_BLOB
        int publicKeyLength = BinaryPrimitives.ReadUInt16LittleEndian(certificate.AsSpan(14)); // wPublicKeyBlobLen
        int signedLength = 16 + publicKeyLength;
        byte[] publicKey = certificate.AsSpan(16, publicKeyLength).ToArray();
        Assert.Equal("RSA1"u8.ToArray(), publicKey[..4]); // magic
        int keyLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(publicKey.AsSpan(4)); // keylen (modulus + 8 padding)
        uint exponent = BinaryPrimitives.ReadUInt32LittleEndian(publicKey.AsSpan(16)); // pubExp
        byte[] modulus = publicKey.AsSpan(20, keyLength).ToArray(); // modulus, little-endian, with padding
        Assert.Equal(8, BinaryPrimitives.ReadUInt16LittleEndian(certificate.AsSpan(signedLength))); // wSignatureBlobType BB_RSA_SIGNATURE_BLOB
        int signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(certificate.AsSpan(signedLength + 2)); // wSignatureBlobLen
        byte[] signature = certificate.AsSpan(signedLength + 4, signatureLength).ToArray();
        return new ProprietaryCertificate(certificate[..signedLength], signature, modulus, exponent, signedLength + 4 + signatureLength);
    }

    internal sealed record ProprietaryCertificate(byte[] SignedData, byte[] Signature, byte[] ModulusWithPadding, uint PublicExponent, int Length);
}
