using System.Buffers;
using TsThinLic.Cal;
using TsThinLic.Licensing;
using TsThinLic.Pdu;

namespace TsThinLic.Fuzzing.Targets;

/// <summary>
/// [MS-RDPBCGR 2.2.1.12] Licensing PDUs without keys: <see cref="LicensingPduDecoder"/> from a span and framed from a
/// split pipe buffer, every lazily decoded view (scopes, names, product info), the structures inside the blobs read as
/// if they were plaintext (NEW_LICENSE_INFO, PLATFORM_CHALLENGE_RESPONSE_DATA, CLIENT_HARDWARE_ID), the server
/// certificate checked, and a presented CAL decoded.
/// </summary>
/// <remarks>
/// Invariants: nothing throws (the codec never throws on wire data); a failure names a field at an offset inside the
/// input; decoding allocates at most twice the PDU plus a fixed 16 KiB (<see cref="LicensingLimits"/>: "about two
/// licensing PDUs' worth"); the span and the pipe framing agree; a decoded PDU re-encodes to the very bytes it came
/// from (wMsgSize aside when it counted the security header) and decodes again to the same bytes.
/// </remarks>
public sealed class LicensingPduTarget : FuzzTarget
{
    private const int FixedAllowance = 16 * 1024;

    public override string Name => "licensing-pdu";

    public override string Covers => "LicensingPduDecoder.TryDecode (span and pipe framing), NewLicenseInfo, PlatformChallengeResponseData, ClientHardwareId, LicenseErrorMessage, ServerCertificateVerification, encode round trip";

    public override int MaxInputLength => LicensingLimits.MaxPduLength + 16;

    public override IEnumerable<FuzzSeed> Seeds(SeedSources sources)
    {
        foreach (HexVector vector in sources.HexVectors())
        {
            if (vector.Kind == "pdu" || vector.MessageType is not null)
            {
                yield return new FuzzSeed(vector.Name, vector.Bytes);
                if (vector.SecurityHeader is { } header)
                {
                    yield return new FuzzSeed(vector.Name + "-with-security-header", [.. header, .. vector.Bytes]);
                }
            }
        }

        int index = 0;
        foreach (Replay.ReplayExchange exchange in sources.Transcripts())
        {
            foreach (Replay.ReplayPdu pdu in exchange.Pdus)
            {
                yield return new FuzzSeed($"{exchange.Name}-{index++}", pdu.Bytes.ToArray());
            }
        }
    }

    protected override void Run(ReadOnlySpan<byte> input)
    {
        long mark = AllocationMark();
        bool decoded = LicensingPduDecoder.TryDecode(input, out LicensingPdu? pdu, out DecodeError error);
        CheckAllocated(mark, (2L * input.Length) + FixedAllowance, "LicensingPduDecoder.TryDecode", input.Length);

        byte[] copy = input.ToArray();
        ReadOnlySequence<byte> split = SplitSequence.Create(copy, copy.Length / 2);
        mark = AllocationMark();
        DecodeStatus framed = LicensingPduDecoder.TryDecode(split, out LicensingPdu? framedPdu, out SequencePosition consumed, out DecodeError framedError);
        CheckAllocated(mark, (2L * input.Length) + FixedAllowance, "LicensingPduDecoder.TryDecode (pipe)", input.Length);
        CheckError(framed == DecodeStatus.Complete, framedError, copy.Length);

        if (!decoded)
        {
            Check(pdu is null, "TryDecode returned false with a result");
            CheckError(false, error, input.Length);
            return;
        }

        Check(pdu is not null, "TryDecode returned true without a result");
        Check(framed == DecodeStatus.Complete && framedPdu is not null, $"the span decodes but the pipe framing says {framed}: {framedError}");
        Check(split.Slice(0, consumed).Length == input.Length, $"the pipe framing consumed {split.Slice(0, consumed).Length} of {input.Length} bytes the span decoded whole");

        byte[] encoded = Encode(pdu!);
        CheckSameBytes(encoded, Encode(framedPdu!), "span and pipe decodes re-encode alike");
        if (pdu!.MessageSizeIncludesSecurityHeader)
        {
            Check(encoded.Length == input.Length, "a quirk-size PDU re-encoded to a different length");
        }
        else
        {
            CheckSameBytes(input, encoded, "decode→encode");
        }

        Check(LicensingPduDecoder.TryDecode(encoded, out LicensingPdu? again, out DecodeError againError), $"decode→encode→decode failed: {againError}");
        CheckSameBytes(encoded, Encode(again!), "decode→encode→decode→encode");

        Inspect(pdu);
    }

    private static byte[] Encode(LicensingPdu pdu) => pdu.ToArray(withSecurityHeader: pdu.SecurityHeader is not null);

    /// <summary>Reads every lazily decoded view and the structures a keyed client would find inside the blobs.</summary>
    private void Inspect(LicensingPdu pdu)
    {
        _ = pdu.ToString();
        switch (pdu)
        {
            case ServerLicenseRequest request:
                _ = request.Scopes.Count;
                _ = request.ProductInfo.CompanyName + request.ProductInfo.ProductId;
                ServerCertificateVerification verification = ServerCertificateVerification.Verify(request.Certificate);
                Check(!verification.IsUsable || verification.PublicKey is not null, "a usable certificate without a key");
                break;

            case ServerNewLicense license:
                RoundTripNewLicenseInfo(license.EncryptedLicenseInfo.Data.Span);
                break;

            case ClientNewLicenseRequest request:
                _ = request.ClientUserName + request.ClientMachineName;
                break;

            case ClientLicenseInfo info:
                if (ClientAccessLicenseDecoder.TryDecode(info.LicenseInfo.Data.Span, out ClientAccessLicense? cal, out _))
                {
                    _ = cal.ToString();
                }

                RoundTripHardwareId(info.EncryptedHardwareId.Data.Span);
                break;

            case ClientPlatformChallengeResponse response:
                if (PlatformChallengeResponseData.TryDecode(response.EncryptedPlatformChallengeResponse.Data.Span, out PlatformChallengeResponseData? data, out DecodeError dataError))
                {
                    CheckSameBytes(response.EncryptedPlatformChallengeResponse.Data.Span, data.ToArray(), "PLATFORM_CHALLENGE_RESPONSE_DATA decode→encode");
                }
                else
                {
                    CheckError(false, dataError, response.EncryptedPlatformChallengeResponse.Data.Length);
                }

                RoundTripHardwareId(response.EncryptedHardwareId.Data.Span);
                break;

            case LicenseErrorAlert alert:
                byte[] message = new byte[alert.ErrorMessage.GetEncodedLength()];
                Check(alert.ErrorMessage.TryEncode(message, out int written) && written == message.Length, "LICENSE_ERROR_MESSAGE did not encode");
                Check(LicenseErrorMessage.TryDecode(message, out LicenseErrorMessage? decodedMessage, out DecodeError messageError), $"LICENSE_ERROR_MESSAGE decode→encode→decode: {messageError}");
                Check(decodedMessage!.ErrorCode == alert.ErrorCode && decodedMessage.StateTransition == alert.StateTransition && decodedMessage.ErrorInfo == alert.ErrorInfo, "LICENSE_ERROR_MESSAGE changed in a round trip");
                break;
        }
    }

    private void RoundTripNewLicenseInfo(ReadOnlySpan<byte> plaintext)
    {
        long mark = AllocationMark();
        bool decoded = NewLicenseInfo.TryDecode(plaintext, out NewLicenseInfo? info, out DecodeError error);
        CheckAllocated(mark, (2L * plaintext.Length) + FixedAllowance, "NewLicenseInfo.TryDecode", plaintext.Length);
        if (!decoded)
        {
            CheckError(false, error, plaintext.Length);
            return;
        }

        _ = info!.ToString();
        CheckSameBytes(plaintext, info.ToArray(), "NEW_LICENSE_INFO decode→encode");
    }

    private void RoundTripHardwareId(ReadOnlySpan<byte> bytes)
    {
        if (ClientHardwareId.TryDecode(bytes, out ClientHardwareId hardwareId, out DecodeError error))
        {
            CheckSameBytes(bytes, hardwareId.ToArray(), "CLIENT_HARDWARE_ID decode→encode");
        }
        else
        {
            CheckError(false, error, bytes.Length);
        }
    }

    private void CheckError(bool succeeded, DecodeError error, int inputLength)
    {
        if (!succeeded)
        {
            CheckDecodeError(error, inputLength);
        }
    }
}
