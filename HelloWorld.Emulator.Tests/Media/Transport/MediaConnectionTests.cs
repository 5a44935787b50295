using System.Buffers.Binary;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Media.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Media.Transport;

/// <summary>One connection's ICE, DTLS and SRTP against a browser's end over real loopback UDP; consent time is simulated.</summary>
public sealed class MediaConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();
    private readonly MediaServer _server;
    private readonly BrowserPeer _browser;

    public MediaConnectionTests()
    {
        _server = new MediaServer(Options.Create(new EmulatorOptions { MediaConsentTimeout = ConsentTimeout }), _clock, NullLoggerFactory.Instance);
        _browser = new BrowserPeer(_server.CandidateEndPoint);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task AsDtlsServer_WhenItsFinalFlightIsLost_AnswersTheBrowsersRetransmission()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, _browser.Ufrag, _browser.Fingerprint);
        var lost = 0;
        // The emulator's final flight is its ChangeCipherSpec (content type 20) and Finished (the first record of epoch 1).
        _browser.LoseFromEmulator = record => (record[0] == 20 || Epoch(record) == 1) && Interlocked.Increment(ref lost) <= 2;
        Assert.True(await _browser.CheckAsync(connection.LocalIceUfrag, connection.LocalIcePassword));

        // The browser's own handshake timeout is 10 s: without an answer to its retransmission, it gives up.
        await _browser.ConnectAsDtlsClientAsync(_server.CertificateFingerprint).WaitAsync(TimeSpan.FromSeconds(8));

        Assert.True(lost >= 2, "the final flight was lost");
        Assert.NotNull(await RtpFromBrowserAsync(connection));
    }

    [Fact]
    public async Task AsDtlsClient_SendsItsHandshakeWhereTheBrowserIsNow_AfterTheBrowserMoved()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Subscribe, _browser.Ufrag, _browser.Fingerprint);
        Assert.True(await _browser.CheckAsync(connection.LocalIceUfrag, connection.LocalIcePassword)); // the handshake starts towards here

        _browser.Move(); // the first ClientHello is lost with the old address
        Assert.True(await _browser.CheckAsync(connection.LocalIceUfrag, connection.LocalIcePassword));

        await _browser.AcceptAsDtlsServerAsync(_server.CertificateFingerprint).WaitAsync(TimeSpan.FromSeconds(8));
        await ConnectedAsync(connection);
        Assert.True(connection.TrySendRtp(Rtp(ssrc: 5, sequence: 1)));
        Assert.NotNull(await _browser.ReceiveRtpAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task AfterConsentLapses_ACheckWithTheBrowsersNewCredentials_RevivesItWithTheSameKeys()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, _browser.Ufrag, _browser.Fingerprint);
        Assert.True(await _browser.CheckAsync(connection.LocalIceUfrag, connection.LocalIcePassword));
        await _browser.ConnectAsDtlsClientAsync(_server.CertificateFingerprint).WaitAsync(TimeSpan.FromSeconds(10));
        await ConnectedAsync(connection);
        Assert.NotNull(await RtpFromBrowserAsync(connection, sequence: 1));

        _clock.Advance(ConsentTimeout + TimeSpan.FromSeconds(2));
        Assert.Equal(MediaConnectionState.Disconnected, connection.State);
        Assert.False(connection.TrySendRtp(Rtp(ssrc: 5, sequence: 1)), "nothing is sent without consent");
        Assert.Null(await RtpFromBrowserAsync(connection, sequence: 2, wait: TimeSpan.FromMilliseconds(300)));

        // The browser restarts ICE in a new offer; its certificate, DTLS association and SRTP keys stay.
        _browser.RestartIce();
        connection.UpdateRemote(_browser.Ufrag, _browser.Fingerprint);
        Assert.True(await _browser.CheckAsync(connection.LocalIceUfrag, connection.LocalIcePassword));

        Assert.Equal(MediaConnectionState.Connected, connection.State);
        Assert.NotNull(await RtpFromBrowserAsync(connection, sequence: 3));
        Assert.True(connection.TrySendRtp(Rtp(ssrc: 5, sequence: 2)));
        Assert.NotNull(await _browser.ReceiveRtpAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Sends one RTP packet from the browser; returns it as the connection decrypted it, or null.</summary>
    private async Task<byte[]?> RtpFromBrowserAsync(IMediaConnection connection, ushort sequence = 1, TimeSpan? wait = null)
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        MediaPacketHandler handler = (_, packet) => received.TrySetResult(packet.ToArray());
        connection.RtpReceived += handler;
        try
        {
            _browser.SendRtp(Rtp(ssrc: 4242, sequence));
            return await received.Task.WaitAsync(wait ?? TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            connection.RtpReceived -= handler;
        }
    }

    private static async Task ConnectedAsync(IMediaConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (connection.State != MediaConnectionState.Connected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the connection stayed {connection.State}");
            await Task.Delay(20);
        }
    }

    private static int Epoch(byte[] record) => record.Length >= 5 ? BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(3)) : -1;

    private static byte[] Rtp(uint ssrc, ushort sequence)
    {
        var packet = new byte[RtpPacket.HeaderLength + 160];
        RtpPacket.WriteHeader(packet, 0, marker: false, sequence, sequence * 160u, ssrc);
        return packet;
    }
}
