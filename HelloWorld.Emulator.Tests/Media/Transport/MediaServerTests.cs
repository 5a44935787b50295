using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Ice;
using HelloWorld.Emulator.Media.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Media.Transport;

public sealed class MediaServerTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly MediaServer _server;
    private readonly UdpClient _browser = new(new IPEndPoint(IPAddress.Loopback, 0));

    public MediaServerTests() =>
        _server = new MediaServer(Options.Create(new EmulatorOptions { MediaConsentTimeout = TimeSpan.FromSeconds(30) }), _clock, NullLoggerFactory.Instance);

    public void Dispose()
    {
        _server.Dispose();
        _browser.Dispose();
    }

    [Fact]
    public async Task ValidCheck_IsAnswered_WithTheBrowsersAddress_AndStartsTheConnection()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, "brws", null);

        var response = await CheckAsync(connection, "brws", connection.LocalIcePassword);

        Assert.NotNull(response);
        Assert.True(StunMessage.IsAuthentic(response, connection.LocalIcePassword));
        Assert.Equal(_browser.Client.LocalEndPoint, StunMessage.ReadXorMappedAddress(response));
        Assert.Equal(MediaConnectionState.Connecting, connection.State);
    }

    [Fact]
    public async Task CheckWithTheWrongPassword_IsNotAnswered()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, "brws", null);

        Assert.Null(await CheckAsync(connection, "brws", "not-the-password-0123456"));
        Assert.Equal(MediaConnectionState.New, connection.State);
    }

    [Fact]
    public async Task WithoutConsentChecksForTheTimeout_TheConnectionCloses()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, "brws", null);
        var closed = new TaskCompletionSource();
        connection.StateChanged += (_, state) =>
        {
            if (state == MediaConnectionState.Closed)
            {
                closed.TrySetResult();
            }
        };
        await CheckAsync(connection, "brws", connection.LocalIcePassword);

        _clock.Advance(TimeSpan.FromSeconds(20));
        await CheckAsync(connection, "brws", connection.LocalIcePassword); // consent renewed
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.NotEqual(MediaConnectionState.Closed, connection.State);
        _clock.Advance(TimeSpan.FromSeconds(15));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(MediaConnectionState.Closed, connection.State);
        Assert.Null(await CheckAsync(connection, "brws", connection.LocalIcePassword)); // forgotten
    }

    /// <summary>Sends a STUN Binding request as Chromium does (USERNAME, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT).</summary>
    private async Task<byte[]?> CheckAsync(IMediaConnection connection, string browserUfrag, string password)
    {
        var request = BindingRequest($"{connection.LocalIceUfrag}:{browserUfrag}", password);
        await _browser.SendAsync(request, _server.CandidateEndPoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            return (await _browser.ReceiveAsync(timeout.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static byte[] BindingRequest(string username, string password)
    {
        var user = Encoding.UTF8.GetBytes(username);
        var padded = (user.Length + 3) & ~3;
        var message = new List<byte>();
        message.AddRange([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]);
        message.AddRange(RandomNumberGenerator.GetBytes(12));
        message.AddRange([0x00, 0x06, 0x00, (byte)user.Length]);
        message.AddRange(user);
        message.AddRange(new byte[padded - user.Length]);
        var withIntegrity = message.ToArray();
        var length = withIntegrity.Length - 20 + 24;
        withIntegrity[2] = (byte)(length >> 8);
        withIntegrity[3] = (byte)length;
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), withIntegrity);
        return [.. withIntegrity, 0x00, 0x08, 0x00, 0x14, .. mac];
    }
}
