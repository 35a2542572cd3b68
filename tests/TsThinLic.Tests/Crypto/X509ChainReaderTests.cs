using TsThinLic.Crypto;
using TsThinLic.Emulator;
using Xunit;

namespace TsThinLic.Tests.Crypto;

public class X509ChainReaderTests
{
    private static List<ReadOnlyMemory<byte>> SpecChain()
        => LicensingPduLayout.X509Chain(
            LicensingPduLayout.ServerCertificate(CryptoVectors.Hex("spec_4_1_server_license_request"), withSecurityHeader: false));

    private static byte[] IronRdpLeaf() => CryptoVectors.Hex("ironrdp_key_derivation_and_rsa", "server_leaf_cert_der");

    private static byte[] IronRdpIssuer() => CryptoVectors.Hex("ironrdp_x509_chain_cert1_der");

    public class TryGetLeafPublicKey
    {
        [Fact]
        public void SpecChainYieldsTheLeafKey()
        {
            List<ReadOnlyMemory<byte>> chain = SpecChain();

            CertificateCheck check = X509ChainReader.TryGetLeafPublicKey(chain, out RsaPublicKey? key, out string? detail);

            Assert.Equal(2, chain.Count);
            Assert.Equal(CertificateCheck.Valid, check);
            Assert.Null(detail);
            Assert.Equal(CryptoVectors.Hex("spec_4_1_leaf_cert_rsa_public_key"), key!.GetModulusBigEndian());
            Assert.Equal(2048, key.KeyBits);
            Assert.Equal(65537UL, key.PublicExponent);
        }

        [Fact]
        public void IronRdpLeafKeyEncryptsThePremasterToTheVectorBlob()
        {
            const string Vector = "ironrdp_key_derivation_and_rsa";

            CertificateCheck check = X509ChainReader.TryGetLeafPublicKey([IronRdpIssuer(), IronRdpLeaf()], out RsaPublicKey? key, out _);

            Assert.Equal(CertificateCheck.Valid, check);
            Assert.Equal(CryptoVectors.Hex(Vector, "rsa_modulus_be"), key!.GetModulusBigEndian());
            Assert.Equal(CryptoVectors.Hex(Vector, "encrypted_premaster_secret_blob"), key.EncryptPreMasterSecret(CryptoVectors.Hex(Vector, "premaster_secret")));
        }

        [Fact]
        public void IronRdpChainElementOneParses()
        {
            CertificateCheck check = X509ChainReader.TryGetLeafPublicKey([IronRdpIssuer()], out RsaPublicKey? key, out string? detail);

            Assert.True(check == CertificateCheck.Valid, detail);
            Assert.True(key!.KeyBits >= 2048);
        }

        [Fact]
        public void EmptyChainIsMalformed()
        {
            Assert.Equal(CertificateCheck.Malformed, X509ChainReader.TryGetLeafPublicKey([], out RsaPublicKey? key, out string? detail));
            Assert.Null(key);
            Assert.NotNull(detail);
        }

        [Fact]
        public void OnlyTheLastCertificateCounts()
        {
            Assert.Equal(CertificateCheck.Valid, X509ChainReader.TryGetLeafPublicKey([new byte[] { 1, 2, 3 }, IronRdpLeaf()], out _, out _));
            Assert.Equal(CertificateCheck.Malformed, X509ChainReader.TryGetLeafPublicKey([IronRdpLeaf(), new byte[] { 1, 2, 3 }], out _, out _));
        }

        public static TheoryData<string> CertificateNames => new() { "spec_leaf", "spec_root", "ironrdp_leaf", "ironrdp_cert1" };

        [Theory]
        [MemberData(nameof(CertificateNames))]
        public void EveryProperPrefixIsMalformed(string name)
        {
            byte[] certificate = Certificate(name);

            for (int length = 0; length < certificate.Length; length++)
            {
                CertificateCheck check = X509ChainReader.TryGetLeafPublicKey([certificate.AsMemory(0, length)], out RsaPublicKey? key, out string? detail);
                Assert.True(check == CertificateCheck.Malformed, $"prefix {length}: {check}");
                Assert.Null(key);
                Assert.NotNull(detail);
            }
        }

        [Theory]
        [MemberData(nameof(CertificateNames))]
        public void TrailingDataIsMalformed(string name)
        {
            byte[] certificate = [.. Certificate(name), 0x00];

            Assert.Equal(CertificateCheck.Malformed, X509ChainReader.TryGetLeafPublicKey([certificate], out _, out _));
        }

        [Theory]
        [MemberData(nameof(CertificateNames))]
        public void RandomMutationsNeverThrow(string name)
        {
            byte[] original = Certificate(name);
            var random = new Random(name.Length * 7919);

            for (int round = 0; round < 3000; round++)
            {
                byte[] mutated = (byte[])original.Clone();
                int edits = 1 + random.Next(4);
                for (int edit = 0; edit < edits; edit++)
                {
                    int index = random.Next(mutated.Length);
                    mutated[index] = random.Next(3) switch
                    {
                        0 => (byte)(mutated[index] ^ (1 << random.Next(8))),
                        1 => (byte)random.Next(256),
                        _ => (byte)(mutated[index] + 1),
                    };
                }

                CertificateCheck check = X509ChainReader.TryGetLeafPublicKey([mutated], out RsaPublicKey? key, out _);
                Assert.Equal(check == CertificateCheck.Valid, key is not null);
                X509ChainReader.VerifyChainSignatures([mutated]);
            }
        }

        [Fact]
        public void DeeplyNestedDerIsMalformedWithoutExhaustingTheStack()
        {
            // 16 000 nested SEQUENCEs (4-byte headers, 30 82 hi lo): input that would drive a recursive DER parser
            // off its stack, so it must be refused before BouncyCastle sees it.
            const int Depth = 16000;
            byte[] der = new byte[Depth * 4];
            for (int level = 0; level < Depth; level++)
            {
                int remaining = (Depth - level - 1) * 4;
                der[level * 4] = 0x30;
                der[(level * 4) + 1] = 0x82;
                der[(level * 4) + 2] = (byte)(remaining >> 8);
                der[(level * 4) + 3] = (byte)remaining;
            }

            Assert.Equal(CertificateCheck.Malformed, X509ChainReader.TryGetLeafPublicKey([der], out _, out _));
            Assert.False(X509ChainReader.VerifyChainSignatures([der]));
        }

        [Fact]
        public void NonRsaKeyIsUnsupported()
        {
            byte[] certificate = (byte[])Certificate("spec_leaf").Clone();
            // Rewrite the OIW SubjectPublicKeyInfo algorithm 1.3.14.3.2.15 (2b 0e 03 02 0f) to 1.3.14.3.2.16.
            int index = IndexOf(certificate, [0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x0f]);
            Assert.True(index > 0);
            certificate[index + 6] = 0x10;

            Assert.Equal(CertificateCheck.UnsupportedKey, X509ChainReader.TryGetLeafPublicKey([certificate], out RsaPublicKey? key, out string? detail));
            Assert.Null(key);
            Assert.Contains("1.3.14.3.2.16", detail);
        }
    }

    public class VerifyChainSignatures
    {
        [Fact]
        public void SpecChainVerifies()
        {
            Assert.True(X509ChainReader.VerifyChainSignatures(SpecChain()));
        }

        [Fact]
        public void IronRdpLeafIsSignedByChainElementOne()
        {
            X509ChainReader.TryGetLeafPublicKey([IronRdpIssuer()], out RsaPublicKey? issuerKey, out _);

            Assert.True(X509ChainReader.VerifySignedBy(IronRdpLeaf(), issuerKey!));
            Assert.False(X509ChainReader.VerifySignedBy(IronRdpLeaf(), EmulatorKeys.Rsa2048.PublicKey));
        }

        [Fact]
        public void IronRdpChainFailsBecauseItsFirstCertificateIsNotSelfSigned()
        {
            Assert.False(X509ChainReader.VerifyChainSignatures([IronRdpIssuer(), IronRdpLeaf()]));
        }

        [Fact]
        public void ReversedSpecChainFails()
        {
            List<ReadOnlyMemory<byte>> chain = SpecChain();
            chain.Reverse();

            Assert.False(X509ChainReader.VerifyChainSignatures(chain));
        }

        [Fact]
        public void EmptyChainFails()
        {
            Assert.False(X509ChainReader.VerifyChainSignatures([]));
        }

        [Fact]
        public void AFlippedBitInTheSignedPartOrTheSignatureFails()
        {
            List<ReadOnlyMemory<byte>> chain = SpecChain();
            byte[] leaf = chain[1].ToArray();
            var random = new Random(4242);

            // The signature value is the last bytes of the certificate; the tbsCertificate starts after the outer header.
            int[] positions = [.. Enumerable.Range(0, 60).Select(_ => 4 + random.Next(leaf.Length - 300)), .. Enumerable.Range(leaf.Length - 256, 256).Where(i => i % 5 == 0)];
            foreach (int position in positions)
            {
                byte[] mutated = (byte[])leaf.Clone();
                mutated[position] ^= (byte)(1 << random.Next(8));
                Assert.False(X509ChainReader.VerifyChainSignatures([chain[0], mutated]), $"byte {position}");
            }
        }
    }

    private static byte[] Certificate(string name) => name switch
    {
        "spec_leaf" => SpecChain()[1].ToArray(),
        "spec_root" => SpecChain()[0].ToArray(),
        "ironrdp_leaf" => IronRdpLeaf(),
        "ironrdp_cert1" => IronRdpIssuer(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
