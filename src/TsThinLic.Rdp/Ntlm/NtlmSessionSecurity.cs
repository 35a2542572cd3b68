using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace TsThinLic.Rdp.Ntlm;

/// <summary>
/// [MS-NLMP 3.4] Session security with extended session security: one RC4 handle and one sequence number per
/// direction, each continuing across messages. <see cref="Seal"/> is GSS_WrapEx with confidentiality (what CredSSP's
/// EncryptMessage produces: the 16-byte NTLMSSP_MESSAGE_SIGNATURE, then the sealed data); <see cref="GetMic"/> is
/// GSS_GetMIC (SPNEGO's mechListMIC).
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
    private RC4Engine _sendHandle = new();
    private RC4Engine _receiveHandle = new();
    private uint _sendSequence;
    private uint _receiveSequence;

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
        ResetCipherState();
    }

    /// <summary>
    /// Starts both RC4 handles afresh; the sequence numbers go on. SPNEGO does this after each mechListMIC step (FreeRDP's
    /// ntlm_reset_cipher_state after making or checking a mechListMIC; .NET's ResetKeys after checking the server's).
    /// </summary>
    public void ResetCipherState()
    {
        _sendHandle = new RC4Engine();
        _sendHandle.Init(forEncryption: true, new KeyParameter(_sendSealingKey));
        _receiveHandle = new RC4Engine();
        _receiveHandle.Init(forEncryption: true, new KeyParameter(_receiveSealingKey));
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

    /// <summary>
    /// [MS-NLMP 3.4.4.2] MAC of <paramref name="message"/> (GSS_GetMIC) with the given sequence number: SPNEGO's
    /// mechListMIC is made with 0 outside the sealing sequence, as FreeRDP makes it (MakeSignature, MessageSeqNo 0).
    /// </summary>
    public byte[] GetMic(ReadOnlySpan<byte> message, uint sequence)
    {
        byte[] signature = new byte[SignatureLength];
        WriteSignature(_sendSigningKey, _sendHandle, sequence, message, signature);
        return signature;
    }

    /// <summary>Checks the peer's <see cref="GetMic"/> made with <paramref name="sequence"/> (GSS_VerifyMIC).</summary>
    public bool VerifyMic(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, uint sequence)
    {
        Span<byte> expected = stackalloc byte[SignatureLength];
        WriteSignature(_receiveSigningKey, _receiveHandle, sequence, message, expected);
        return signature.Length == SignatureLength && CryptographicOperations.FixedTimeEquals(expected, signature);
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
