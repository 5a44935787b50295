using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace HelloWorld.Emulator.Media.Dtls;

/// <summary>
/// What both DTLS roles share for WebRTC: DTLS 1.2 only (BouncyCastle has no DTLS 1.3; Chromium falls back to 1.2),
/// ECDHE suites, the <c>use_srtp</c> extension with SRTP_AES128_CM_HMAC_SHA1_80 (BouncyCastle negotiates no SRTP
/// profile by itself), and the peer's certificate checked against the fingerprint from its SDP.
/// </summary>
internal static class DtlsSrtp
{
    public const int HandshakeTimeoutMillis = 10_000;

    public static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    public static UseSrtpData Offer { get; } = new([SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], TlsUtilities.EmptyBytes);

    public static bool AcceptsProfile(UseSrtpData? peer) =>
        peer is not null && peer.ProtectionProfiles.Contains(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);

    public static TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate certificate) =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context), crypto, certificate.PrivateKey,
            new Certificate([crypto.CreateCertificate(certificate.Der)]),
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    public static void CheckPeer(Certificate? presented, string? expectedFingerprint)
    {
        if (presented is null || presented.IsEmpty ||
            !DtlsCertificate.SameFingerprint(expectedFingerprint, DtlsCertificate.FingerprintOf(presented.GetCertificateAt(0).GetEncoded())))
        {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "The peer's certificate does not match the fingerprint in its SDP.");
        }
    }
}

/// <summary>The emulator as DTLS server: on publishing connections, where it answered <c>a=setup:passive</c>.</summary>
internal sealed class DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, string? expectedClientFingerprint)
    : DefaultTlsServer(crypto)
{
    public SrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => DtlsSrtp.HandshakeTimeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtp.CipherSuites;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => DtlsSrtp.Signer(m_context, (BcTlsCrypto)Crypto, certificate);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        if (!DtlsSrtp.AcceptsProfile(TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions)))
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client offers no SRTP profile the emulator supports.");
        }
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, DtlsSrtp.Offer);
        return extensions;
    }

    /// <summary>WebRTC authenticates both ends: ask for the browser's certificate to check it against its SDP.</summary>
    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            [
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
            ],
            null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        DtlsSrtp.CheckPeer(clientCertificate, expectedClientFingerprint);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = SrtpKeyingMaterial.FromExporter(m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.Length));
    }
}

/// <summary>The emulator as DTLS client: on subscribing connections, where the browser answers <c>a=setup:passive</c>.</summary>
internal sealed class DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, string? expectedServerFingerprint)
    : DefaultTlsClient(crypto)
{
    public SrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => DtlsSrtp.HandshakeTimeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSrtp.CipherSuites;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, DtlsSrtp.Offer);
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        if (!DtlsSrtp.AcceptsProfile(TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions)))
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server chose no SRTP profile the emulator supports.");
        }
    }

    public override TlsAuthentication GetAuthentication() =>
        new Authentication(DtlsSrtp.Signer(m_context, (BcTlsCrypto)Crypto, certificate), expectedServerFingerprint);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = SrtpKeyingMaterial.FromExporter(m_context.ExportKeyingMaterial(SrtpKeyingMaterial.ExporterLabel, null, SrtpKeyingMaterial.Length));
    }

    private sealed class Authentication(TlsCredentialedSigner credentials, string? expectedServerFingerprint) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            DtlsSrtp.CheckPeer(serverCertificate.Certificate, expectedServerFingerprint);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) => credentials;
    }
}
