using System.Diagnostics.CodeAnalysis;

namespace TsThinLic.Pdu;

/// <summary>
/// [MS-RDPBCGR 2.2.1.4.3.1.1] Server Proprietary Certificate (PROPRIETARYSERVERCERTIFICATE): dwSigAlgId, dwKeyAlgId,
/// wPublicKeyBlobType, wPublicKeyBlobLen, PublicKeyBlob, wSignatureBlobType, wSignatureBlobLen, SignatureBlob, after the
/// SERVER_CERTIFICATE dwVersion. The Terminal Services signing key signs <see cref="SignedData"/> ([MS-RDPBCGR 5.3.3.1.2]).
/// </summary>
public sealed class ProprietaryServerCertificate : ServerCertificate
{
    /// <summary>SIGNATURE_ALG_RSA.</summary>
    public const uint SignatureAlgorithmRsa = 0x00000001;

    /// <summary>KEY_EXCHANGE_ALG_RSA.</summary>
    public const uint KeyExchangeAlgorithmRsa = 0x00000001;

    public const int FixedLength = 4 /* dwVersion */ + 4 /* dwSigAlgId */ + 4 /* dwKeyAlgId */
        + 2 /* wPublicKeyBlobType */ + 2 /* wPublicKeyBlobLen */ + 2 /* wSignatureBlobType */ + 2 /* wSignatureBlobLen */;

    private readonly byte[] _signedData;

    /// <summary>A proprietary certificate with the spec's algorithm IDs and blob types (RSA, BB_RSA_KEY_BLOB, BB_RSA_SIGNATURE_BLOB).</summary>
    public ProprietaryServerCertificate(RsaPublicKeyBlob publicKey, ReadOnlyMemory<byte> signature, bool issuedPermanently = false)
        : this(
            CertChainVersion1 | (issuedPermanently ? IssuedPermanentlyFlag : 0),
            SignatureAlgorithmRsa,
            KeyExchangeAlgorithmRsa,
            (ushort)BinaryBlobType.RsaKey,
            publicKey,
            (ushort)BinaryBlobType.RsaSignature,
            signature)
    {
    }

    /// <summary>Every field as on the wire.</summary>
    /// <exception cref="ArgumentException">dwVersion is not CERT_CHAIN_VERSION_1, or a blob does not fit its 16-bit length.</exception>
    public ProprietaryServerCertificate(
        uint version,
        uint signatureAlgorithmId,
        uint keyAlgorithmId,
        ushort publicKeyBlobType,
        RsaPublicKeyBlob publicKey,
        ushort signatureBlobType,
        ReadOnlyMemory<byte> signature)
        : base(version)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if ((version & ~IssuedPermanentlyFlag) != CertChainVersion1)
        {
            throw new ArgumentException("A proprietary certificate has certChainVersion 1.", nameof(version));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(publicKey.EncodedLength, LicensingLimits.MaxBlobLength, nameof(publicKey));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signature.Length, LicensingLimits.MaxBlobLength, nameof(signature));
        SignatureAlgorithmId = signatureAlgorithmId;
        KeyAlgorithmId = keyAlgorithmId;
        PublicKeyBlobType = publicKeyBlobType;
        PublicKey = publicKey;
        SignatureBlobType = signatureBlobType;
        Signature = signature;

        _signedData = new byte[SignedLength];
        var writer = new WireWriter(_signedData);
        WriteSigned(ref writer);
    }

    public override ServerCertificateType Type => ServerCertificateType.Proprietary;

    /// <summary>dwSigAlgId.</summary>
    public uint SignatureAlgorithmId { get; }

    /// <summary>dwKeyAlgId.</summary>
    public uint KeyAlgorithmId { get; }

    /// <summary>wPublicKeyBlobType, as received.</summary>
    public ushort PublicKeyBlobType { get; }

    /// <summary>PublicKeyBlob.</summary>
    public RsaPublicKeyBlob PublicKey { get; }

    /// <summary>PublicKeyBlob (the same object as <see cref="PublicKey"/>, under the wire field's name).</summary>
    public RsaPublicKeyBlob PublicKeyBlob => PublicKey;

    /// <summary>wSignatureBlobType, as received.</summary>
    public ushort SignatureBlobType { get; }

    /// <summary>SignatureBlob as on the wire, padding included.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>The bytes from dwVersion through the end of PublicKeyBlob: what the Terminal Services signing key signed.</summary>
    public ReadOnlyMemory<byte> SignedData => _signedData;

    private int SignedLength => 4 /* dwVersion */ + 4 /* dwSigAlgId */ + 4 /* dwKeyAlgId */ + 2 /* wPublicKeyBlobType */
        + 2 /* wPublicKeyBlobLen */ + PublicKey.EncodedLength;

    public override int GetEncodedLength() => FixedLength + PublicKey.EncodedLength + Signature.Length;

    /// <summary>Reads the fields after dwVersion; the signature must end the certificate.</summary>
    internal static bool TryRead(ref WireReader reader, ReadOnlyMemory<byte> data, uint version, [NotNullWhen(true)] out ProprietaryServerCertificate? certificate)
    {
        certificate = null;
        if (!reader.TryReadUInt32("dwSigAlgId", out uint signatureAlgorithm)
            || !reader.TryReadUInt32("dwKeyAlgId", out uint keyAlgorithm)
            || !reader.TryReadUInt16("wPublicKeyBlobType", out ushort keyBlobType)
            || !reader.TryReadLength16("wPublicKeyBlobLen", LicensingLimits.MaxBlobLength, out int keyBlobLength))
        {
            return false;
        }

        // The key blob is parsed inside its own wPublicKeyBlobLen: keylen must account for all of it.
        var keyReader = new WireReader(data.Slice(reader.Position, keyBlobLength), reader.Offset);
        if (!RsaPublicKeyBlob.TryRead(ref keyReader, out RsaPublicKeyBlob? publicKey) || !keyReader.TryExpectEnd("wPublicKeyBlobLen"))
        {
            reader.Fail(keyReader.Error);
            return false;
        }

        reader.TryReadBytes("PublicKeyBlob", keyBlobLength, out _);
        if (!reader.TryReadUInt16("wSignatureBlobType", out ushort signatureBlobType)
            || !reader.TryReadLength16("wSignatureBlobLen", LicensingLimits.MaxBlobLength, out int signatureLength)
            || !reader.TryReadBytes("SignatureBlob", signatureLength, out ReadOnlyMemory<byte> signature)
            || !reader.TryExpectEnd("SignatureBlob"))
        {
            return false;
        }

        certificate = new ProprietaryServerCertificate(version, signatureAlgorithm, keyAlgorithm, keyBlobType, publicKey!, signatureBlobType, signature);
        return true;
    }

    internal override void Write(ref WireWriter writer)
    {
        WriteSigned(ref writer);
        writer.WriteUInt16(SignatureBlobType);
        writer.WriteUInt16((ushort)Signature.Length);
        writer.WriteBytes(Signature.Span);
    }

    private void WriteSigned(ref WireWriter writer)
    {
        writer.WriteUInt32(Version);
        writer.WriteUInt32(SignatureAlgorithmId);
        writer.WriteUInt32(KeyAlgorithmId);
        writer.WriteUInt16(PublicKeyBlobType);
        writer.WriteUInt16((ushort)PublicKey.EncodedLength);
        PublicKey.Write(ref writer);
    }
}
