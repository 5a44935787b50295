using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Security;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// This tab in the call: joins the session as a browser participant of its client (<see cref="TabIdentity.Client"/>) and
/// brings the SDK up (load the SDK while Bandwidth makes the participant, connect, publish), leaves, tries again, waits
/// for a place when the call is full, and carries out what the person asks (<c>BrowserCall.Controls.cs</c>). The tab
/// may close during any await; <see cref="DisposeAsync"/> then runs at once, and every step lets go of what arrives
/// after it. The app stopping ends the call the same way (<see cref="LeaveBecauseTheAppStopsAsync"/>).
/// </summary>
public sealed partial class BrowserCall : IAsyncDisposable
{
    private readonly IBandwidthSdk _sdk;
    private readonly IParticipantService _participants;
    private readonly ClientAddress _client;
    private readonly string? _deviceWebSocketUrl;
    private readonly ILogger<BrowserCall> _logger;
    private readonly Action _changed;
    private readonly CancellationTokenSource _disposing = new();
    private JoinedParticipant? _participant;
    private CallPageState? _beforeReconnecting;
    private Task<TimeZoneInfo>? _browserTimeZone;
    private bool _disposed;

    // No step may start once the call has ended: the tab closed (disposed) or the app is stopping.
    private bool _ended;

    /// <param name="sdk">Owned from here on: disposed with the call.</param>
    /// <param name="deviceWebSocketUrl">Where the SDK connects; null for Bandwidth's own device endpoint.</param>
    /// <param name="changed">Called after the state changes, for the page to render it.</param>
    /// <param name="client">Whom the participant counts against (<see cref="ParticipantOptions.MaxPerClient"/>).</param>
    internal BrowserCall(IBandwidthSdk sdk, IParticipantService participants, ClientAddress client, string? deviceWebSocketUrl,
        ILogger<BrowserCall> logger, Action changed)
    {
        (_sdk, _participants, _client, _deviceWebSocketUrl, _logger, _changed) = (sdk, participants, client, deviceWebSocketUrl, logger, changed);
    }

    public CallPageState State { get; private set; } = CallPageState.Joining;

    /// <summary>The browser's time zone, for the times the page shows; UTC until the SDK's module says otherwise.</summary>
    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public Task JoinAsync() => UnlessGoneAsync(JoinStepsAsync);

    /// <summary>After a failed join: lets go of the client and the participant, and joins from the start.</summary>
    public async Task RetryAsync()
    {
        if (_sdk.HasClient)
        {
            await _sdk.ReleaseClientAsync();
        }
        await LeaveAsync();
        await UnlessGoneAsync(JoinStepsAsync);
    }

    /// <summary>
    /// The app is shutting down: says so on the page, lets go of the SDK (which closes its connection to Bandwidth and the
    /// microphone) and deletes the participant, while the app can still reach the browser and Bandwidth.
    /// </summary>
    public async Task LeaveBecauseTheAppStopsAsync()
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        await _disposing.CancelAsync(); // ends the wait for the microphone prompt
        SetState(CallPageState.AppStopped);
        await _sdk.ReleaseClientAsync();
        await LeaveAsync();
    }

    /// <summary>Tears the SDK down and deletes the participant, whatever the browser does: it must not outlive the tab.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = _ended = true;
        await _disposing.CancelAsync(); // ends the wait for the microphone prompt
        try
        {
            await _sdk.DisposeAsync();
        }
        finally
        {
            await LeaveAsync();
            _disposing.Dispose();
        }
    }

    /// <summary>
    /// Runs the join, or a new publish. If the tab closes in the middle, an interop call fails because the page has gone,
    /// and DisposeAsync lets go of whatever was made.
    /// </summary>
    private async Task UnlessGoneAsync(Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (JSDisconnectedException)
        {
            // The tab closed: the circuit can no longer reach the browser, and the page is disposed soon.
        }
        catch (Exception exception) when (_ended && exception is JSException or OperationCanceledException)
        {
            // Disposal or the app's stop cancelled a wait (the microphone prompt) or tore the SDK down under a call in flight.
        }
    }

    private async Task JoinStepsAsync()
    {
        if (_ended)
        {
            return;
        }
        SetState(CallPageState.Joining);
        // The SDK loads while Bandwidth makes the participant: neither waits for the other (two round trips to Bandwidth
        // and a module of some hundred kilobytes). Both are awaited before anything fails, so nothing made is left behind.
        var starting = StartSdkAsync();
        var joining = JoinSessionAsync();
        await Task.WhenAll(starting, joining);
        var (sdkFailure, joinFailure) = (starting.Result, joining.Result);
        if (sdkFailure is null && joinFailure is null)
        {
            if (await ConnectAsync())
            {
                await PublishAsync();
            }
            return;
        }
        if (_ended)
        {
            return; // the end of the call let go of the client and the participant
        }
        // Said first: a page waiting for a place must be seen waiting by the next free place's push, whatever follows.
        SetState(sdkFailure ?? joinFailure!);
        // A page that cannot run the SDK must not hold a participant; one without a participant has no use for its client.
        if (_sdk.HasClient)
        {
            await _sdk.ReleaseClientAsync();
        }
        await LeaveAsync();
    }

    /// <summary>Null once the SDK has a client; otherwise the state that says why not (or Joining, when the call ended).</summary>
    private async Task<CallPageState?> StartSdkAsync()
    {
        try
        {
            if (!await _sdk.StartAsync())
            {
                return CallPageState.Joining;
            }
            // Asked now, read once the microphone is published: only the times the page shows depend on it, so the join
            // does not wait for one more round trip to the browser.
            _browserTimeZone ??= BrowserTimeZoneAsync();
            return null;
        }
        catch (Exception exception) when (!_ended && exception is JSException or TaskCanceledException)
        {
            var failure = CallPageState.SdkUnavailable(exception);
            CallPageLog.SdkUnavailable(_logger, LogText.Escape(failure.Detail));
            return failure;
        }
    }

    /// <summary>Null once this tab holds a participant; otherwise the state that says why not.</summary>
    private async Task<CallPageState?> JoinSessionAsync()
    {
        try
        {
            _participant = await _participants.JoinAsync(ParticipantKind.Browser, _client);
        }
        catch (ParticipantRefusedException refused)
        {
            return CallPageState.WaitingForPlace(refused);
        }
        catch (BandwidthException exception)
        {
            return CallPageState.BandwidthUnavailable(exception);
        }
        if (_ended)
        {
            await LeaveAsync(); // the call ended while Bandwidth answered, and found no participant to delete
            return CallPageState.Joining;
        }
        return null;
    }

    private async Task<bool> ConnectAsync()
    {
        var participant = _participant!;
        // Asked before the state is rendered, here and in PublishAsync: the browser starts on it while the server renders,
        // rather than after the render batch (the in-call panels, some 6 kB, when publishing starts).
        try
        {
            var connecting = _sdk.ConnectAsync(participant.Token, _deviceWebSocketUrl);
            SetState(CallPageState.Connecting);
            await connecting;
        }
        catch (Exception exception) when (exception is JSException or TaskCanceledException)
        {
            if (_ended)
            {
                return false; // the end of the call has disconnected the client and deleted the participant
            }
            // A timeout here is the browser not answering the interop call; the module's own connect timeout is shorter.
            var reason = exception is JSException ? BandwidthSdk.FirstLine(exception.Message) : "The browser did not answer in time.";
            CallPageLog.ConnectFailed(_logger, participant.Id, LogText.Escape(reason));
            SetState(CallPageState.ConnectFailed(reason));
            await _sdk.ReleaseClientAsync();
            await LeaveAsync();
            return false;
        }
        // Ended meanwhile: the client was disconnected and the participant deleted; publishing now would only turn on the
        // microphone of a page that has left.
        return !_ended;
    }

    private async Task PublishAsync()
    {
        PublishResult result;
        try
        {
            var publishing = _sdk.PublishAsync(PublishConstraints.AudioOnly(MicrophoneId), _disposing.Token);
            SetState(CallPageState.Publishing);
            result = await publishing;
        }
        catch (JSException exception) when (!_ended)
        {
            result = new PublishResult("failed", BandwidthSdk.FirstLine(exception.Message));
        }
        if (_ended)
        {
            return;
        }
        if (_browserTimeZone is { } browserTimeZone)
        {
            TimeZone = await browserTimeZone;
        }
        SetState(CallPageState.Published(result));
        if (result.Error is not null)
        {
            CallPageLog.PublishFailed(_logger, _participant?.Id ?? "", LogText.Escape(result.Error), LogText.Escape(result.Message ?? ""));
            return;
        }
        await AfterPublishAsync();
    }

    private void SetState(CallPageState state)
    {
        State = state;
        _changed();
    }

    /// <summary>Deletes this tab's participant from Bandwidth; it must not outlive the tab.</summary>
    private async Task LeaveAsync()
    {
        if (_participant is not { } participant)
        {
            return;
        }
        _participant = null;
        try
        {
            await _participants.LeaveAsync(participant.Id);
        }
        catch (BandwidthException exception)
        {
            CallPageLog.LeaveFailed(_logger, participant.Id, LogText.Escape(exception.Message));
        }
    }

    /// <summary>
    /// UTC when the browser cannot say, or names a zone this server does not know: the times are still right, only less
    /// handy.
    /// </summary>
    private async Task<TimeZoneInfo> BrowserTimeZoneAsync()
    {
        try
        {
            var id = await _sdk.TimeZoneAsync();
            return string.IsNullOrEmpty(id) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception exception) when (exception is JSException or JSDisconnectedException or TaskCanceledException
            or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
