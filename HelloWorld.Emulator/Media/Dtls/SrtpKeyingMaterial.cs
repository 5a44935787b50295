namespace HelloWorld.Emulator.Media.Dtls;

/// <summary>
/// The 60 bytes of the DTLS exporter <c>EXTRACTOR-dtls_srtp</c> (RFC 5764 §4.2) for SRTP_AES128_CM_HMAC_SHA1_80:
/// client key, server key, client salt, server salt. The DTLS client sends with the client half.
/// </summary>
internal sealed record SrtpKeyingMaterial(byte[] ClientKey, byte[] ServerKey, byte[] ClientSalt, byte[] ServerSalt)
{
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";
    public const int Length = 2 * 16 + 2 * 14;

    public static SrtpKeyingMaterial FromExporter(byte[] material) => material.Length != Length
        ? throw new ArgumentException($"DTLS-SRTP keying material is {Length} bytes.", nameof(material))
        : new(material[0..16], material[16..32], material[32..46], material[46..60]);
}
