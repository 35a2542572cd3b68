using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 3.4] Session security with extended session security: one RC4 handle and one sequence number per
/// direction, each continuing across messages. <see cref="Seal"/> is GSS_WrapEx with confidentiality (what CredSSP's
/// EncryptMessage produces: the 16-byte NTLMSSP_MESSAGE_SIGNATURE, then the sealed data); <see cref="GetMic"/> is
/// GSS_GetMIC, and <see cref="GetMechListMic"/> the variant SPNEGO's mechListMIC needs.
/// </summary>
public sealed class NtlmSessionSecurity
{
    /// <summary>NTLMSSP_MESSAGE_SIGNATURE with extended session security: Version (1), Checksum (8), SeqNum (4).</summary>
    public const int SignatureLength = 4 /* Version */ + 8 /* Checksum */ + 4 /* SeqNum */;

    private readonly byte[] _sendSigningKey;
    private readonly byte[] _sendSealingKey;
    private readonly byte[] _receiveSigningKey;
    private readonly byte[] _receiveSealingKey;
    private readonly bool _keyExchange;
    private RC4Engine _sendHandle;
    private RC4Engine _receiveHandle;
    private uint _sendSequence;
    private uint _receiveSequence;
    private bool _sendUsed;
    private bool _receiveUsed;

    /// <param name="exportedSessionKey">ExportedSessionKey.</param>
    /// <param name="flags">The negotiated flags (key strength, NTLMSSP_NEGOTIATE_KEY_EXCH).</param>
    /// <param name="isClient">Whether this end is the client (it sends with the client-to-server keys).</param>
    public NtlmSessionSecurity(ReadOnlySpan<byte> exportedSessionKey, NtlmNegotiateFlags flags, bool isClient)
    {
        _sendSigningKey = NtlmCrypto.SignKey(exportedSessionKey, clientToServer: isClient);
        _receiveSigningKey = NtlmCrypto.SignKey(exportedSessionKey, clientToServer: !isClient);
        _sendSealingKey = NtlmCrypto.SealKey(exportedSessionKey, flags, clientToServer: isClient);
        _receiveSealingKey = NtlmCrypto.SealKey(exportedSessionKey, flags, clientToServer: !isClient);
        _keyExchange = (flags & NtlmNegotiateFlags.KeyExchange) != 0;
        _sendHandle = NewHandle(_sendSealingKey);
        _receiveHandle = NewHandle(_receiveSealingKey);
    }

    /// <summary>The sequence numbers the next <see cref="Seal"/> and <see cref="TryUnseal"/> use (tests replaying another peer's numbering).</summary>
    internal void SetSequenceNumbers(uint send, uint receive)
    {
        _sendSequence = send;
        _receiveSequence = receive;
    }

    /// <summary>[MS-NLMP 3.4.3] SEAL: the signature (16 bytes) followed by the sealed message.</summary>
    public byte[] Seal(ReadOnlySpan<byte> message)
    {
        byte[] output = new byte[SignatureLength + message.Length];
        _sendUsed = true;
        _sendHandle.ProcessBytes(message, output.AsSpan(SignatureLength));
        WriteSignature(_sendSigningKey, _sendHandle, _sendSequence++, message, output);
        return output;
    }

    /// <summary>Unseals what the peer's <see cref="Seal"/> produced; false when it is too short or its signature does not verify.</summary>
    public bool TryUnseal(ReadOnlySpan<byte> sealedMessage, out byte[] message)
    {
        message = [];
        if (sealedMessage.Length < SignatureLength)
        {
            return false;
        }

        byte[] plaintext = new byte[sealedMessage.Length - SignatureLength];
        _receiveUsed = true;
        _receiveHandle.ProcessBytes(sealedMessage[SignatureLength..], plaintext);
        Span<byte> expected = stackalloc byte[SignatureLength];
        WriteSignature(_receiveSigningKey, _receiveHandle, _receiveSequence++, plaintext, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, sealedMessage[..SignatureLength]))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }

        message = plaintext;
        return true;
    }

    /// <summary>[MS-NLMP 3.4.4.2] GSS_GetMIC: the MAC of <paramref name="message"/> with the next send sequence number.</summary>
    public byte[] GetMic(ReadOnlySpan<byte> message)
    {
        byte[] signature = new byte[SignatureLength];
        WriteSignature(_sendSigningKey, _sendHandle, _sendSequence++, message, signature);
        _sendUsed = true;
        return signature;
    }

    /// <summary>GSS_VerifyMIC: checks the peer's <see cref="GetMic"/> with the next receive sequence number.</summary>
    public bool VerifyMic(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[SignatureLength];
        WriteSignature(_receiveSigningKey, _receiveHandle, _receiveSequence++, message, expected);
        _receiveUsed = true;
        return signature.Length == SignatureLength && CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    /// <summary>
    /// [MS-SPNG 3.3.5.1] SPNEGO's mechListMIC: made before any message is sealed, with sequence number 0, and the send
    /// handle's RC4 state restored afterwards, so the first sealed message starts from the same state as the MIC.
    /// </summary>
    public byte[] GetMechListMic(ReadOnlySpan<byte> mechTypeList)
    {
        if (_sendUsed || _sendSequence != 0)
        {
            throw new InvalidOperationException("The mechListMIC comes before anything is sealed.");
        }

        byte[] signature = new byte[SignatureLength];
        WriteSignature(_sendSigningKey, _sendHandle, 0, mechTypeList, signature);
        _sendHandle = NewHandle(_sendSealingKey);
        return signature;
    }

    /// <summary>[MS-SPNG 3.3.5.1] Checks the peer's mechListMIC, then restores the receive handle likewise.</summary>
    public bool VerifyMechListMic(ReadOnlySpan<byte> mechTypeList, ReadOnlySpan<byte> signature)
    {
        if (_receiveUsed || _receiveSequence != 0)
        {
            throw new InvalidOperationException("The peer's mechListMIC comes before anything is unsealed.");
        }

        Span<byte> expected = stackalloc byte[SignatureLength];
        WriteSignature(_receiveSigningKey, _receiveHandle, 0, mechTypeList, expected);
        _receiveHandle = NewHandle(_receiveSealingKey);
        return signature.Length == SignatureLength && CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    private static RC4Engine NewHandle(byte[] key)
    {
        var handle = new RC4Engine();
        handle.Init(forEncryption: true, new KeyParameter(key));
        return handle;
    }

    // [MS-NLMP 3.4.4.2]: Checksum = HMAC_MD5(SigningKey, SeqNum + Message)[0..8], RC4'd with the sealing handle when
    // NTLMSSP_NEGOTIATE_KEY_EXCH was negotiated; Version 1; SeqNum in the clear.
    private void WriteSignature(byte[] signingKey, RC4Engine handle, uint sequence, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        Span<byte> sequenceBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(sequenceBytes, sequence);
        Span<byte> hmac = stackalloc byte[NtlmCrypto.HashLength];
        NtlmCrypto.HmacMd5(signingKey, sequenceBytes, message, hmac);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, 1);
        if (_keyExchange)
        {
            handle.ProcessBytes(hmac[..8], destination.Slice(4, 8));
        }
        else
        {
            hmac[..8].CopyTo(destination[4..]);
        }

        sequenceBytes.CopyTo(destination[12..]);
    }
}
