using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>What the person asks of their side of the call: the microphone, the speaker, the keypad, the ringback.</summary>
public sealed partial class BrowserCall
{
    private readonly Dictionary<ProblemPlace, CallProblem> _problems = [];

    public bool IsMuted { get; private set; }

    /// <summary>The microphones to choose from, listed once the first one is published.</summary>
    public IReadOnlyList<Microphone> Microphones { get; private set; } = [];

    /// <summary>The microphone published; null until the list is known (the browser's default is used).</summary>
    public string? MicrophoneId { get; private set; }

    /// <summary>The speakers to choose from; empty where the browser cannot choose (or before the microphone is allowed).</summary>
    public IReadOnlyList<Speaker> Speakers { get; private set; } = [];

    public string? SpeakerId { get; private set; }

    /// <summary>What went wrong at <paramref name="place"/> the last time the person used it; null once it worked.</summary>
    public CallProblem? ProblemAt(ProblemPlace place) => _problems.GetValueOrDefault(place);

    /// <summary>After a microphone problem: asks the browser for the microphone again.</summary>
    public Task RetryMicrophoneAsync() => State.IsMicrophoneProblem ? UnlessGoneAsync(PublishAsync) : Task.CompletedTask;

    public async Task ToggleMuteAsync()
    {
        var muted = !IsMuted;
        if (await TrySdkAsync(() => _sdk.SetMicrophoneEnabledAsync(!muted), ProblemPlace.Microphone,
                muted ? "Your microphone could not be muted." : "Your microphone could not be unmuted."))
        {
            IsMuted = muted;
            _changed();
        }
    }

    /// <summary>Republishes with <paramref name="microphoneId"/>; the old microphone stays if it cannot be unpublished.</summary>
    public async Task SwitchMicrophoneAsync(string microphoneId)
    {
        if (microphoneId == MicrophoneId || !State.IsPublishing ||
            !await TrySdkAsync(_sdk.UnpublishAsync, ProblemPlace.Microphone, "The microphone could not be switched."))
        {
            return;
        }
        MicrophoneId = microphoneId;
        await UnlessGoneAsync(PublishAsync);
    }

    public async Task SwitchSpeakerAsync(string speakerId)
    {
        if (speakerId != SpeakerId &&
            await TrySdkAsync(() => _sdk.SetSpeakerAsync(speakerId), ProblemPlace.Speaker, "The call could not be moved to that speaker."))
        {
            SpeakerId = speakerId;
            _changed();
        }
    }

    /// <summary>
    /// The SDK's connection to Bandwidth dropped. In the call, the page says "Reconnecting…" (the SDK retries by itself).
    /// True when retrying is pointless: Bandwidth no longer has this tab's participant, so its token is refused.
    /// </summary>
    internal bool SignalingLost()
    {
        if (State.IsInCall && State.Status != CallPageStatus.Reconnecting)
        {
            _beforeReconnecting = State;
            CallPageLog.SignalingLost(_logger, _participant?.Id ?? "");
            SetState(CallPageState.Reconnecting);
        }
        return State.Status == CallPageStatus.Reconnecting && _participant is { } participant && !_participants.IsHeld(participant.Id);
    }

    /// <summary>The SDK is connected again: the call goes on where it was.</summary>
    internal void SignalingRestored()
    {
        if (State.Status == CallPageStatus.Reconnecting)
        {
            SetState(_beforeReconnecting ?? CallPageState.Published(new PublishResult(null, null)));
        }
    }

    /// <summary>The SDK did not get back in time (or its token is refused): a fresh participant, from the start.</summary>
    public Task RejoinAsync()
    {
        if (State.Status != CallPageStatus.Reconnecting)
        {
            return Task.CompletedTask;
        }
        CallPageLog.Rejoining(_logger, _participant?.Id ?? "");
        return RetryAsync();
    }

    public Task SendDtmfAsync(string digit) => TrySdkAsync(() => _sdk.SendDtmfAsync(digit), ProblemPlace.Keypad, "The tone could not be sent.");

    /// <summary>A queued tone failed in the browser, after the click that queued it had returned.</summary>
    internal void ToneFailed(string reason)
    {
        _problems[ProblemPlace.Keypad] = new CallProblem("A tone could not be sent; the keys pressed after it were dropped.", reason);
        CallPageLog.SdkCallFailed(_logger, "sendDtmf", LogText.Escape(reason));
    }

    /// <summary>Nobody is told when it fails: the ringback is a courtesy, and the call goes on without it.</summary>
    public async Task SetRingbackAsync(bool ringing)
    {
        if (!_sdk.HasClient)
        {
            return;
        }
        try
        {
            await _sdk.SetRingbackAsync(ringing);
        }
        catch (JSException exception)
        {
            CallPageLog.SdkCallFailed(_logger, "setRingback", LogText.Escape(BandwidthSdk.FirstLine(exception.Message)));
        }
    }

    public Task AttachStreamAsync(ElementReference element, string endpointId) =>
        TrySdkAsync(() => _sdk.AttachStreamAsync(element, endpointId), ProblemPlace.RemoteAudio, "Someone in the call could not be played.");

    /// <summary>Once a microphone is published: the mute kept across a new publish, and the devices to choose from.</summary>
    private async Task AfterPublishAsync()
    {
        _problems.Remove(ProblemPlace.Microphone);
        if (IsMuted && !await TrySdkAsync(() => _sdk.SetMicrophoneEnabledAsync(false), ProblemPlace.Microphone,
                "Your microphone could not be kept muted."))
        {
            IsMuted = false;
        }
        Microphones = await ListOrEmptyAsync<Microphone>("listMicrophones", async () => await _sdk.ListMicrophonesAsync()) ?? [];
        MicrophoneId ??= Microphones.FirstOrDefault()?.DeviceId;
        Speakers = await ListOrEmptyAsync("listSpeakers", _sdk.ListSpeakersAsync) ?? [];
        SpeakerId ??= Speakers.FirstOrDefault()?.DeviceId;
        _changed();
    }

    /// <summary>Without a list there is no picker; the browser's default device is used and works.</summary>
    private async Task<IReadOnlyList<T>?> ListOrEmptyAsync<T>(string what, Func<Task<IReadOnlyList<T>?>> list)
    {
        try
        {
            return await list();
        }
        catch (JSException exception) when (!_ended)
        {
            CallPageLog.SdkCallFailed(_logger, what, LogText.Escape(BandwidthSdk.FirstLine(exception.Message)));
            return [];
        }
    }

    /// <summary>
    /// A call into the SDK that the person asked for. If the SDK throws, the page says so where it happened and stays in
    /// the call: one failed button must not end the circuit. A later success there clears the problem.
    /// </summary>
    private async Task<bool> TrySdkAsync(Func<Task> call, ProblemPlace place, string failure)
    {
        if (!_sdk.HasClient)
        {
            return false;
        }
        try
        {
            await call();
            _problems.Remove(place);
            return true;
        }
        catch (JSException exception)
        {
            var reason = BandwidthSdk.FirstLine(exception.Message);
            CallPageLog.SdkCallFailed(_logger, failure, LogText.Escape(reason));
            _problems[place] = new CallProblem(failure, reason);
            _changed();
            return false;
        }
    }
}
