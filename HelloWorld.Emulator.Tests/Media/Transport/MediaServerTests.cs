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

        Assert.True(await IsUnansweredAsync(connection.LocalIceUfrag, "brws", "not-the-password-0123456"));
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
        Assert.True(await IsUnansweredAsync(connection.LocalIceUfrag, "brws", connection.LocalIcePassword));
    }

    [Fact]
    public async Task AfterAnIceRestart_OnlyTheNewCredentialsAreAnswered()
    {
        var connection = _server.CreateConnection(MediaConnectionRole.Subscribe, "brws", null);
        var (oldUfrag, oldPassword) = (connection.LocalIceUfrag, connection.LocalIcePassword);

        connection.RestartIce();

        Assert.NotEqual(oldUfrag, connection.LocalIceUfrag);
        Assert.True(await IsUnansweredAsync(oldUfrag, "brws", oldPassword));
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
        Assert.True(await IsUnansweredAsync(connection.LocalIceUfrag, "brws", "not-the-password-0123456")); // handled, never answered

        Assert.Equal([1, 0, 1], meter.Datagrams().Select(datagram => datagram.Sends)); // the last: the control check
        Assert.All(meter.Datagrams(), datagram => Assert.InRange(datagram.Microseconds, 0.0, 1_000_000.0));
        Assert.Equal(2, meter.Hops().Count());
    }

    private Task<byte[]> CheckAsync(IMediaConnection connection, string browserUfrag, string password) =>
        CheckAsync(connection.LocalIceUfrag, browserUfrag, password);

    /// <summary>
    /// Sends a STUN Binding request with USERNAME and MESSAGE-INTEGRITY only (less than Chromium sends, and all an ICE-lite
    /// agent needs to answer) and returns the answer to it. The wait is long because a loaded CI machine can be slow; a
    /// check that should go unanswered is asked through <see cref="IsUnansweredAsync"/>, which never waits it out.
    /// </summary>
    private async Task<byte[]> CheckAsync(string emulatorUfrag, string browserUfrag, string password)
    {
        var request = await SendCheckAsync(emulatorUfrag, browserUfrag, password);
        var answer = await ReceiveAsync();
        Assert.True(TransactionId(answer).SequenceEqual(TransactionId(request)), "the answer is to another check");
        return answer;
    }

    /// <summary>
    /// Whether the server let this check go unanswered. The server handles its datagrams in order on one thread, so a
    /// check to a fresh control connection sent after it is answered after it: if the first answer back is the control's,
    /// this check had none, with no timeout to tune.
    /// </summary>
    private async Task<bool> IsUnansweredAsync(string emulatorUfrag, string browserUfrag, string password)
    {
        var check = await SendCheckAsync(emulatorUfrag, browserUfrag, password);
        var control = _server.CreateConnection(MediaConnectionRole.Subscribe, "ctrl", null);
        var controlCheck = await SendCheckAsync(control.LocalIceUfrag, "ctrl", control.LocalIcePassword);
        var first = await ReceiveAsync();
        if (TransactionId(first).SequenceEqual(TransactionId(controlCheck)))
        {
            return true;
        }
        Assert.True(TransactionId(first).SequenceEqual(TransactionId(check)), "an answer to neither check");
        return false;
    }

    private async Task<byte[]> SendCheckAsync(string emulatorUfrag, string browserUfrag, string password)
    {
        var request = StunMessage.WriteBindingRequest($"{emulatorUfrag}:{browserUfrag}", password, useCandidate: false);
        await _browser.SendAsync(request, _server.CandidateEndPoint);
        return request;
    }

    private async Task<byte[]> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await _browser.ReceiveAsync(timeout.Token)).Buffer;
    }

    // RFC 5389 section 6: the 96-bit transaction ID follows the type, length and magic cookie.
    private static ReadOnlySpan<byte> TransactionId(byte[] message) => message.AsSpan(8, 12);
}
