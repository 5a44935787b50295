using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace HelloWorld.Emulator.Media.Dtls;

/// <summary>
/// The emulator's DTLS identity: a self-signed ECDSA P-256 certificate made at start (Chromium picks an ECDHE_ECDSA
/// suite, so the certificate must be ECDSA). WebRTC trusts it through the SHA-256 fingerprint in the SDP, not a CA.
/// </summary>
internal sealed class DtlsCertificate
{
    private DtlsCertificate(AsymmetricKeyParameter privateKey, byte[] der)
    {
        PrivateKey = privateKey;
        Der = der;
        Fingerprint = FingerprintOf(der);
    }

    public AsymmetricKeyParameter PrivateKey { get; }

    public byte[] Der { get; }

    /// <summary><c>AB:CD:...</c>, as <c>a=fingerprint:sha-256</c> writes it.</summary>
    public string Fingerprint { get; }

    public static DtlsCertificate Create(SecureRandom random)
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = generator.GenerateKeyPair();
        var name = new X509Name("CN=HelloWorld Bandwidth emulator");
        var certificate = new X509V3CertificateGenerator();
        certificate.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        certificate.SetIssuerDN(name);
        certificate.SetSubjectDN(name);
        certificate.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        certificate.SetNotAfter(DateTime.UtcNow.AddDays(30));
        certificate.SetPublicKey(keys.Public);
        var der = certificate.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random)).GetEncoded();
        return new DtlsCertificate(keys.Private, der);
    }

    public static string FingerprintOf(byte[] der) => Convert.ToHexString(SHA256.HashData(der)).Chunk(2)
        .Aggregate(new System.Text.StringBuilder(), (text, pair) => (text.Length > 0 ? text.Append(':') : text).Append(pair))
        .ToString();

    /// <summary>Compares SDP fingerprints, which differ in case between implementations.</summary>
    public static bool SameFingerprint(string? expected, string actual) =>
        expected is not null && string.Equals(expected.Trim(), actual, StringComparison.OrdinalIgnoreCase);
}
