using System.Net;
using System.Net.Sockets;
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
    public async Task WithoutConsentChecksForTheTimeout_TheConnectionDisconnects_AndACheckRevivesIt()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, "brws", null);
        var disconnected = WhenState(connection, MediaConnectionState.Disconnected);
        await CheckAsync(connection, "brws", connection.LocalIcePassword);

        _clock.Advance(TimeSpan.FromSeconds(20));
        await CheckAsync(connection, "brws", connection.LocalIcePassword); // consent renewed
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(MediaConnectionState.Connecting, connection.State);
        _clock.Advance(TimeSpan.FromSeconds(15));

        await disconnected.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(await CheckAsync(connection, "brws", connection.LocalIcePassword)); // still known: the browser may come back
        Assert.Equal(MediaConnectionState.Connecting, connection.State);
    }

    [Fact]
    public async Task AConnectionNeverChecked_IsClosedAfterTheConsentTimeout_AndForgotten()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Subscribe, "brws", null);
        var closed = WhenState(connection, MediaConnectionState.Closed);
        var connectionsBefore = _server.ConnectionCount;

        _clock.Advance(TimeSpan.FromSeconds(31));

        await closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(connectionsBefore - 1, _server.ConnectionCount);
        Assert.Null(await CheckAsync(connection, "brws", connection.LocalIcePassword));
    }

    [Fact]
    public async Task AfterAnIceRestart_OnlyTheNewCredentialsAreAnswered()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Subscribe, "brws", null);
        var (oldUfrag, oldPassword) = (connection.LocalIceUfrag, connection.LocalIcePassword);

        connection.RestartIce();

        Assert.NotEqual(oldUfrag, connection.LocalIceUfrag);
        Assert.Null(await CheckAsync(oldUfrag, "brws", oldPassword));
        Assert.NotNull(await CheckAsync(connection, "n3w1", connection.LocalIcePassword)); // the browser's new ufrag: not known yet, taken
    }

    private static Task WhenState(IMediaConnection connection, MediaConnectionState wanted)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.StateChanged += (_, state) =>
        {
            if (state == wanted)
            {
                reached.TrySetResult();
            }
        };
        return reached.Task;
    }

    [Fact]
    public async Task AMeter_RecordsEveryDatagramHandled_WithTheSendsItMade()
    {
        var meter = new ReceiveThreadMeter(datagrams: 10, sends: 10);
        _server.Meter = meter;
        var connection = _server.CreateConnection(MediaConnectionRole.Publish, "brws", null);

        Assert.NotNull(await CheckAsync(connection, "brws", connection.LocalIcePassword)); // answered: one send
        Assert.Null(await CheckAsync(connection, "brws", "not-the-password-0123456")); // handled, never answered

        Assert.Equal([1, 0], meter.Datagrams().Select(datagram => datagram.Sends));
        Assert.All(meter.Datagrams(), datagram => Assert.InRange(datagram.Microseconds, 0.0, 1_000_000.0));
        Assert.Single(meter.Hops());
    }

    private Task<byte[]?> CheckAsync(IMediaConnection connection, string browserUfrag, string password) =>
        CheckAsync(connection.LocalIceUfrag, browserUfrag, password);

    /// <summary>
    /// Sends a STUN Binding request with USERNAME and MESSAGE-INTEGRITY only: less than Chromium sends (it adds PRIORITY,
    /// ICE-CONTROLLING, USE-CANDIDATE and FINGERPRINT), and all an ICE-lite agent needs to answer.
    /// </summary>
    private async Task<byte[]?> CheckAsync(string emulatorUfrag, string browserUfrag, string password)
    {
        var request = StunMessage.WriteBindingRequest($"{emulatorUfrag}:{browserUfrag}", password, useCandidate: false);
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

}
