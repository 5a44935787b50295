using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// This tab in the call: joins the session as a browser participant and brings the SDK up (load, join Bandwidth,
/// connect, publish), leaves, tries again, and carries out what the person asks of the microphone. The tab may close
/// during any await; <see cref="DisposeAsync"/> then runs at once, and every step lets go of what arrives after it.
/// </summary>
public sealed class BrowserCall : IAsyncDisposable
{
    private readonly IBandwidthSdk _sdk;
    private readonly IParticipantService _participants;
    private readonly string? _deviceWebSocketUrl;
    private readonly ILogger<BrowserCall> _logger;
    private readonly Action _changed;
    private readonly Action<string> _tell;
    private readonly CancellationTokenSource _disposing = new();
    private JoinedParticipant? _participant;
    private bool _disposed;

    /// <param name="sdk">Owned from here on: disposed with the call.</param>
    /// <param name="deviceWebSocketUrl">Where the SDK connects; null for Bandwidth's own device endpoint.</param>
    /// <param name="changed">Called after the state changes, for the page to render it.</param>
    /// <param name="tell">Tells the person that something they asked for failed; the call goes on.</param>
    internal BrowserCall(IBandwidthSdk sdk, IParticipantService participants, string? deviceWebSocketUrl,
        ILogger<BrowserCall> logger, Action changed, Action<string> tell)
    {
        (_sdk, _participants, _deviceWebSocketUrl, _logger, _changed, _tell) = (sdk, participants, deviceWebSocketUrl, logger, changed, tell);
    }

    public CallPageState State { get; private set; } = CallPageState.Joining;

    public bool IsMuted { get; private set; }

    /// <summary>The microphones to choose from, listed once the first one is published.</summary>
    public IReadOnlyList<Microphone> Microphones { get; private set; } = [];

    /// <summary>The microphone published; null until the list is known (the browser's default is used).</summary>
    public string? MicrophoneId { get; private set; }

    public Task JoinAsync() => UnlessGoneAsync(JoinStepsAsync);

    /// <summary>After a failed join: lets go of the client and the participant, and joins from the start.</summary>
    public async Task RetryAsync()
    {
        await _sdk.ReleaseClientAsync();
        await LeaveAsync();
        await UnlessGoneAsync(JoinStepsAsync);
    }

    public async Task ToggleMuteAsync()
    {
        var muted = !IsMuted;
        if (await TrySdkAsync(() => _sdk.SetMicrophoneEnabledAsync(!muted),
                muted ? "The microphone could not be muted" : "The microphone could not be unmuted"))
        {
            IsMuted = muted;
            _changed();
        }
    }

    /// <summary>Republishes with <paramref name="microphoneId"/>; the old microphone stays if it cannot be unpublished.</summary>
    public async Task SwitchMicrophoneAsync(string microphoneId)
    {
        if (microphoneId == MicrophoneId || !await TrySdkAsync(_sdk.UnpublishAsync, "The microphone could not be switched"))
        {
            return;
        }
        MicrophoneId = microphoneId;
        await UnlessGoneAsync(PublishAsync);
    }

    public Task SendDtmfAsync(string digit) => TrySdkAsync(() => _sdk.SendDtmfAsync(digit), "The tone could not be sent");

    public Task AttachStreamAsync(ElementReference element, string endpointId) =>
        TrySdkAsync(() => _sdk.AttachStreamAsync(element, endpointId), "A remote stream could not be played");

    /// <summary>Tears the SDK down and deletes the participant, whatever the browser does: it must not outlive the tab.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
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
        catch (Exception exception) when (_disposed && exception is JSException or OperationCanceledException)
        {
            // Disposal cancelled a wait (the microphone prompt) or tore the SDK down under a call in flight.
        }
    }

    private async Task JoinStepsAsync()
    {
        if (_disposed)
        {
            return;
        }
        SetState(CallPageState.Joining);
        if (await StartSdkAsync() && await JoinSessionAsync() && await ConnectAsync())
        {
            await PublishAsync();
        }
    }

    /// <summary>The SDK comes first: a page that cannot run it must not hold a participant.</summary>
    private async Task<bool> StartSdkAsync()
    {
        try
        {
            return await _sdk.StartAsync();
        }
        catch (Exception exception) when (!_disposed && exception is JSException or TaskCanceledException)
        {
            SetState(CallPageState.SdkUnavailable(exception));
            CallPageLog.SdkUnavailable(_logger, State.Detail!);
            return false;
        }
    }

    private async Task<bool> JoinSessionAsync()
    {
        try
        {
            _participant = await _participants.JoinAsync(ParticipantKind.Browser);
        }
        catch (BandwidthException exception)
        {
            SetState(CallPageState.BandwidthUnavailable(exception));
            return false;
        }
        if (_disposed)
        {
            await LeaveAsync(); // DisposeAsync ran while Bandwidth answered, and found no participant to delete
            return false;
        }
        return true;
    }

    private async Task<bool> ConnectAsync()
    {
        var participant = _participant!;
        SetState(CallPageState.Connecting);
        try
        {
            await _sdk.ConnectAsync(participant.Token, _deviceWebSocketUrl);
        }
        catch (Exception exception) when (exception is JSException or TaskCanceledException)
        {
            if (_disposed)
            {
                return false; // DisposeAsync has disconnected the client and deleted the participant
            }
            // A timeout here is the browser not answering the interop call; the module's own connect timeout is shorter.
            CallPageLog.ConnectFailed(_logger, participant.Id, BandwidthSdk.FirstLine(exception.Message));
            SetState(CallPageState.ConnectFailed);
            await _sdk.ReleaseClientAsync();
            await LeaveAsync();
            return false;
        }
        // Disposed meanwhile: DisposeAsync has disconnected the client and deleted the participant; publishing now would
        // only turn on the microphone of a page that has left.
        return !_disposed;
    }

    private async Task PublishAsync()
    {
        SetState(CallPageState.Publishing);
        PublishResult result;
        try
        {
            result = await _sdk.PublishAsync(PublishConstraints.AudioOnly(MicrophoneId), _disposing.Token);
        }
        catch (JSException exception) when (!_disposed)
        {
            result = new PublishResult("failed", BandwidthSdk.FirstLine(exception.Message));
        }
        if (_disposed)
        {
            return;
        }
        SetState(CallPageState.Published(result));
        if (result.Error is not null)
        {
            CallPageLog.PublishFailed(_logger, _participant?.Id ?? "", result.Error, result.Message ?? "");
            return;
        }
        if (IsMuted && !await TrySdkAsync(() => _sdk.SetMicrophoneEnabledAsync(false), "The microphone could not be kept muted"))
        {
            IsMuted = false;
        }
        try
        {
            Microphones = await _sdk.ListMicrophonesAsync();
        }
        catch (JSException exception) when (!_disposed)
        {
            // Without the list there is no picker; the default microphone is published and works.
            CallPageLog.SdkCallFailed(_logger, "listMicrophones", BandwidthSdk.FirstLine(exception.Message));
            Microphones = [];
        }
        MicrophoneId ??= Microphones.FirstOrDefault()?.DeviceId;
        _changed();
    }

    /// <summary>
    /// A call into the SDK that the person asked for. If the SDK throws, the page says so and stays in the call: one
    /// failed button must not end the circuit.
    /// </summary>
    private async Task<bool> TrySdkAsync(Func<Task> call, string failure)
    {
        if (!_sdk.HasClient)
        {
            return false;
        }
        try
        {
            await call();
            return true;
        }
        catch (JSException exception)
        {
            var reason = BandwidthSdk.FirstLine(exception.Message);
            CallPageLog.SdkCallFailed(_logger, failure, reason);
            _tell($"{failure}: {reason}");
            return false;
        }
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
            CallPageLog.LeaveFailed(_logger, participant.Id, exception.Message);
        }
    }
}
