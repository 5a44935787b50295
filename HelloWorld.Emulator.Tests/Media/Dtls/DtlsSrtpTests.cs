using HelloWorld.Emulator.Media.Dtls;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace HelloWorld.Emulator.Tests.Media.Dtls;

public sealed class DtlsSrtpTests
{
    private static readonly SecureRandom Random = new();
    private readonly DtlsCertificate _serverCertificate = DtlsCertificate.Create(Random);
    private readonly DtlsCertificate _clientCertificate = DtlsCertificate.Create(Random);

    [Fact]
    public async Task Handshake_BetweenTheTwoRoles_AgreesOnSrtpKeys()
    {
        var server = new DtlsSrtpServer(new BcTlsCrypto(Random), _serverCertificate, _clientCertificate.Fingerprint);
        var client = new DtlsSrtpClient(new BcTlsCrypto(Random), _clientCertificate, _serverCertificate.Fingerprint);

        await HandshakeAsync(server, client);

        Assert.NotNull(server.Keys);
        Assert.Equal(server.Keys, client.Keys, new KeysComparer());
        Assert.Equal(16, server.Keys!.ClientKey.Length);
        Assert.Equal(14, server.Keys.ServerSalt.Length);
    }

    [Fact]
    public async Task Handshake_WithAClientWhoseCertificateIsNotTheOneInItsSdp_Fails()
    {
        var impostor = DtlsCertificate.Create(Random);
        var server = new DtlsSrtpServer(new BcTlsCrypto(Random), _serverCertificate, _clientCertificate.Fingerprint);
        var client = new DtlsSrtpClient(new BcTlsCrypto(Random), impostor, _serverCertificate.Fingerprint);

        await Assert.ThrowsAnyAsync<TlsException>(() => HandshakeAsync(server, client));
        Assert.Null(server.Keys);
    }

    [Fact]
    public async Task Handshake_WithAServerWhoseCertificateIsNotTheOneInItsSdp_Fails()
    {
        var server = new DtlsSrtpServer(new BcTlsCrypto(Random), DtlsCertificate.Create(Random), _clientCertificate.Fingerprint);
        var client = new DtlsSrtpClient(new BcTlsCrypto(Random), _clientCertificate, _serverCertificate.Fingerprint);

        await Assert.ThrowsAnyAsync<TlsException>(() => HandshakeAsync(server, client));
        Assert.Null(client.Keys);
    }

    [Fact]
    public void Fingerprint_IsTheColonSeparatedSha256OfTheCertificate()
    {
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", _serverCertificate.Fingerprint);
        Assert.True(DtlsCertificate.SameFingerprint(_serverCertificate.Fingerprint.ToLowerInvariant(), _serverCertificate.Fingerprint));
    }

    private static async Task HandshakeAsync(DtlsSrtpServer server, DtlsSrtpClient client)
    {
        DatagramQueue? toServer = null;
        DatagramQueue? toClient = null;
        toServer = new DatagramQueue(record => toClient!.Enqueue(record));
        toClient = new DatagramQueue(record => toServer.Enqueue(record));
        var accepting = Task.Run(() => new DtlsServerProtocol().Accept(server, toServer));
        var connecting = Task.Run(() => new DtlsClientProtocol().Connect(client, toClient));
        try
        {
            await Task.WhenAll(accepting, connecting).WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            toServer.Close();
            toClient.Close();
        }
    }

    private sealed class KeysComparer : IEqualityComparer<SrtpKeyingMaterial?>
    {
        public bool Equals(SrtpKeyingMaterial? x, SrtpKeyingMaterial? y) =>
            x is not null && y is not null && x.ClientKey.SequenceEqual(y.ClientKey) && x.ServerKey.SequenceEqual(y.ServerKey) &&
            x.ClientSalt.SequenceEqual(y.ClientSalt) && x.ServerSalt.SequenceEqual(y.ServerSalt);

        public int GetHashCode(SrtpKeyingMaterial? obj) => 0;
    }
}
