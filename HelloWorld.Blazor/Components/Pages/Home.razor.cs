using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Pages;

/// <summary>
/// The call page: joins the session as a browser participant on its first interactive render (never during prerender,
/// so one participant per tab), drives the browser SDK through its collocated module, and leaves when its circuit ends.
/// </summary>
public sealed partial class Home : ComponentBase, IAsyncDisposable
{
    public const string ModulePath = "./Components/Pages/Home.razor.js";

    private readonly List<RemoteStream> _streams = [];
    private readonly CancellationTokenSource _disposing = new();
    private IReadOnlyList<PhoneCall> _calls = [];
    private IReadOnlyList<Microphone> _microphones = [];
    private CallPageStatus _status = CallPageStatus.Joining;
    private AudioLevel _level;
    private string? _errorDetail;
    private string? _notice;
    private string? _microphoneId;
    private bool _muted;
    private int _announcements;
    private bool _disposed;

    private IJSObjectReference? _module;
    private IJSObjectReference? _client;
    private DotNetObjectReference<Home>? _self;
    private JoinedParticipant? _participant;
    private IDisposable? _callsSubscription;

    [Inject] private IParticipantService Participants { get; set; } = default!;

    [Inject] private ICallRegistry CallRegistry { get; set; } = default!;

    [Inject] private IPhoneCallService PhoneCalls { get; set; } = default!;

    [Inject] private IBandwidthEnvironment Environment { get; set; } = default!;

    [Inject] private IOptions<BandwidthOptions> Bandwidth { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private ILogger<Home> Logger { get; set; } = default!;

    private string? PhoneNumber => Bandwidth.Value.PhoneNumber;

    private bool CanBeDialed => !string.IsNullOrEmpty(PhoneNumber);

    private bool ShowsDialHint => CanBeDialed && _streams.Count == 0;

    private IReadOnlyList<string> DialableNumbers => PhoneCalls.DialableNumbers;

    /// <summary>Connected to Bandwidth, whether or not the microphone works: the page can still listen and dial.</summary>
    private bool IsInCall => _status is CallPageStatus.Publishing or CallPageStatus.Connected or CallPageStatus.MicrophoneDenied
        or CallPageStatus.MicrophoneMissing or CallPageStatus.MicrophoneBusy or CallPageStatus.MicrophoneFailed;

    private bool IsPublishing => _status == CallPageStatus.Connected;

    /// <summary>Phones whose stream is in the call: the ones the keypad's tones reach.</summary>
    private int PhonesInTheCall => _streams.Count(stream =>
        stream.ParticipantId is { } participantId && CallRegistry.FindByParticipant(participantId) is { IsActive: true });

    protected override void OnInitialized() => _calls = CallRegistry.Calls;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _callsSubscription = CallRegistry.Subscribe(() => InvokeAsync(() =>
            {
                _calls = CallRegistry.Calls;
                StateHasChanged();
            }));
            await UnlessGoneAsync(JoinAsync);
            if (!_disposed)
            {
                StateHasChanged(); // an after-render handler's changes are not rendered by themselves
            }
        }
    }

    [JSInvokable]
    public Task OnStreamAvailable(RemoteStream stream) => InvokeAsync(() =>
    {
        _streams.RemoveAll(known => known.EndpointId == stream.EndpointId);
        _streams.Add(stream with { Announcement = ++_announcements });
        Log.StreamAvailable(Logger, stream.EndpointId, stream.ParticipantId ?? "unknown");
        StateHasChanged();
    });

    [JSInvokable]
    public Task OnStreamUnavailable(string endpointId) => InvokeAsync(() =>
    {
        if (_streams.RemoveAll(known => known.EndpointId == endpointId) > 0)
        {
            Log.StreamUnavailable(Logger, endpointId);
            StateHasChanged();
        }
    });

    [JSInvokable]
    public Task OnAudioLevel(string level) => InvokeAsync(() =>
    {
        _level = Enum.TryParse<AudioLevel>(level, ignoreCase: true, out var parsed) ? parsed : AudioLevel.Silent;
        StateHasChanged();
    });

    /// <summary>
    /// Runs the join, or a new publish, which the tab may close in the middle of. An interop call then fails because the
    /// page has gone, and DisposeAsync lets go of whatever was made.
    /// </summary>
    private async Task UnlessGoneAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (JSDisconnectedException)
        {
            // The tab closed: the circuit can no longer reach the browser, and the component is disposed soon.
        }
        catch (Exception exception) when (_disposed && exception is JSException or OperationCanceledException)
        {
            // Disposal cancelled a wait (the microphone prompt) or tore the SDK down under a call in flight.
        }
    }

    /// <summary>
    /// Loads the SDK, joins Bandwidth, connects and publishes. The tab may close during any of these awaits, and
    /// DisposeAsync then runs at once: after each await, whatever was just made is released here, because disposal has
    /// already gone past it.
    /// </summary>
    private async Task JoinAsync()
    {
        if (_disposed)
        {
            return;
        }
        _status = CallPageStatus.Joining;
        _errorDetail = null;
        StateHasChanged();
        if (await LoadSdkAsync() && await JoinSessionAsync() && await ConnectAsync())
        {
            await PublishAsync();
        }
    }

    /// <summary>
    /// The module and a new SDK client, before Bandwidth is asked for anything: a page that cannot run the SDK must not
    /// hold a participant.
    /// </summary>
    private async Task<bool> LoadSdkAsync()
    {
        try
        {
            if (_module is null)
            {
                var module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                if (_disposed)
                {
                    await DisposeQuietlyAsync(module);
                    return false;
                }
                _module = module;
            }
            _self ??= DotNetObjectReference.Create(this);
            var client = await _module.InvokeAsync<IJSObjectReference>("createClient", _self);
            if (_disposed)
            {
                await DisposeQuietlyAsync(client); // never connected: there is no SDK session to end, only the handle
                return false;
            }
            _client = client;
            return true;
        }
        catch (Exception exception) when (!_disposed && exception is JSException or TaskCanceledException)
        {
            // A bundle that is missing, blocked or broken, or a browser without WebRTC; a timeout is a module that
            // took longer than the interop timeout to load.
            var reason = exception is JSException ? FirstLine(exception.Message) : "it took too long to load";
            Log.SdkUnavailable(Logger, reason);
            _status = CallPageStatus.SdkUnavailable;
            _errorDetail = reason;
            return false;
        }
    }

    private async Task<bool> JoinSessionAsync()
    {
        JoinedParticipant participant;
        try
        {
            participant = await Participants.JoinAsync(ParticipantKind.Browser);
        }
        catch (BandwidthException exception)
        {
            _status = CallPageStatus.BandwidthUnavailable;
            _errorDetail = exception is BandwidthUnavailableException ? "it did not answer in time." : exception.Message;
            return false;
        }
        _participant = participant;
        if (_disposed)
        {
            await LeaveAsync(); // DisposeAsync ran while Bandwidth answered, and found no participant to delete
            return false;
        }
        return true;
    }

    private async Task<bool> ConnectAsync()
    {
        var (module, client, participant) = (_module!, _client!, _participant!);
        _status = CallPageStatus.Connecting;
        StateHasChanged();
        try
        {
            var websocketUrl = Environment.DeviceWebSocketUrl(new Uri(Navigation.BaseUri))?.ToString();
            await module.InvokeVoidAsync("connect", client, participant.Token, websocketUrl);
        }
        catch (Exception exception) when (exception is JSException or TaskCanceledException)
        {
            if (_disposed)
            {
                return false; // DisposeAsync has disconnected the client and deleted the participant
            }
            // A timeout here is the browser not answering the interop call; the module's own connect timeout is shorter.
            Log.ConnectFailed(Logger, participant.Id, FirstLine(exception.Message));
            _status = CallPageStatus.ConnectFailed;
            await ReleaseClientAsync();
            await LeaveAsync();
            return false;
        }
        // Disposed meanwhile: DisposeAsync has disconnected the client and deleted the participant; publishing now would
        // only turn on the microphone of a page that has left.
        return !_disposed;
    }

    private async Task PublishAsync()
    {
        var (module, client) = (_module!, _client!);
        _status = CallPageStatus.Publishing;
        StateHasChanged();
        PublishResult result;
        try
        {
            // No interop timeout: publish waits for the person to answer the browser's microphone prompt, which may take
            // minutes. Disposal ends the wait instead (the module stops the microphone of a client that was disconnected).
            result = await module.InvokeAsync<PublishResult>("publish", _disposing.Token, client, PublishConstraints.AudioOnly(_microphoneId));
        }
        catch (JSException exception) when (!_disposed)
        {
            result = new PublishResult("failed", FirstLine(exception.Message));
        }
        if (_disposed)
        {
            return;
        }
        _status = result.Error switch
        {
            null => CallPageStatus.Connected,
            "microphone-denied" => CallPageStatus.MicrophoneDenied,
            "microphone-missing" => CallPageStatus.MicrophoneMissing,
            "microphone-busy" => CallPageStatus.MicrophoneBusy,
            _ => CallPageStatus.MicrophoneFailed,
        };
        _errorDetail = result.Message;
        if (result.Error is not null)
        {
            Log.PublishFailed(Logger, _participant?.Id ?? "", result.Error, result.Message ?? "");
            return;
        }
        if (_muted && !await CallSdkAsync((m, c) => m.InvokeVoidAsync("setMicEnabled", c, false), "The microphone could not be kept muted"))
        {
            _muted = false;
        }
        _microphones = await ListMicrophonesAsync(module, client);
        _microphoneId ??= _microphones.FirstOrDefault()?.DeviceId;
    }

    private async Task<IReadOnlyList<Microphone>> ListMicrophonesAsync(IJSObjectReference module, IJSObjectReference client)
    {
        try
        {
            return await module.InvokeAsync<Microphone[]>("listMicrophones", client);
        }
        catch (JSException exception) when (!_disposed)
        {
            // Without the list there is no picker; the default microphone is published and works.
            Log.SdkCallFailed(Logger, "listMicrophones", FirstLine(exception.Message));
            return [];
        }
    }

    private async Task RetryAsync()
    {
        await ReleaseClientAsync();
        await LeaveAsync();
        _streams.Clear();
        await UnlessGoneAsync(JoinAsync);
    }

    private async Task ToggleMuteAsync()
    {
        var muted = !_muted;
        if (await CallSdkAsync((module, client) => module.InvokeVoidAsync("setMicEnabled", client, !muted),
                muted ? "The microphone could not be muted" : "The microphone could not be unmuted"))
        {
            _muted = muted;
        }
    }

    private async Task SwitchMicrophoneAsync(ChangeEventArgs change)
    {
        if (change.Value is not string microphoneId || microphoneId == _microphoneId)
        {
            return;
        }
        if (!await CallSdkAsync((module, client) => module.InvokeVoidAsync("unpublish", client), "The microphone could not be switched"))
        {
            return;
        }
        _microphoneId = microphoneId;
        await UnlessGoneAsync(PublishAsync);
    }

    private Task SendDtmfAsync(string digit) =>
        CallSdkAsync((module, client) => module.InvokeVoidAsync("sendDtmf", client, digit), "The tone could not be sent");

    private async Task AttachAsync(RemoteStream stream, ElementReference element)
    {
        if (!await CallSdkAsync((module, client) => module.InvokeVoidAsync("attachStream", client, element, stream.EndpointId),
                "A remote stream could not be played"))
        {
            StateHasChanged(); // called from the stream's after-render, not from an event: the notice needs a render
        }
    }

    /// <summary>
    /// A call into the SDK that a person asked for. If the SDK throws, the page says so and stays in the call: one failed
    /// button must not end the circuit.
    /// </summary>
    private async Task<bool> CallSdkAsync(Func<IJSObjectReference, IJSObjectReference, ValueTask> call, string failure)
    {
        if (_module is not { } module || _client is not { } client)
        {
            return false;
        }
        try
        {
            await call(module, client);
            return true;
        }
        catch (JSException exception)
        {
            var reason = FirstLine(exception.Message);
            Log.SdkCallFailed(Logger, failure, reason);
            _notice = $"{failure}: {reason}";
            return false;
        }
    }

    private async Task CallPhoneAsync(string number)
    {
        _notice = null;
        try
        {
            await PhoneCalls.CallAsync(number);
        }
        catch (PhoneCallRejectedException rejected)
        {
            _notice = rejected.Message;
        }
        catch (BandwidthException exception)
        {
            _notice = $"Bandwidth could not place the call: {exception.Message}";
        }
    }

    private async Task HangUpAsync(string callId)
    {
        try
        {
            await PhoneCalls.HangUpAsync(callId);
        }
        catch (BandwidthException exception)
        {
            _notice = $"Bandwidth could not hang up the call: {exception.Message}";
        }
    }

    private string LabelFor(RemoteStream stream)
    {
        if (stream.ParticipantId is { } participantId)
        {
            if (CallRegistry.FindByParticipant(participantId) is { } call)
            {
                return $"Phone {call.RemoteNumber}";
            }
            if (Participants.Find(participantId)?.Kind == ParticipantKind.Browser)
            {
                return "Browser";
            }
            return $"Participant {participantId[..Math.Min(8, participantId.Length)]}";
        }
        return "Participant";
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _disposing.CancelAsync();
        _callsSubscription?.Dispose();
        try
        {
            await ReleaseClientAsync();
            if (_module is { } module)
            {
                _module = null;
                await DisposeQuietlyAsync(module);
            }
        }
        finally
        {
            _self?.Dispose();
            // Whatever the browser did or failed to do, the participant goes: it must not outlive the tab.
            await LeaveAsync();
            _disposing.Dispose();
        }
    }

    /// <summary>Disconnects the SDK and lets go of the module's client object.</summary>
    private async Task ReleaseClientAsync()
    {
        if (_client is not { } client)
        {
            return;
        }
        _client = null;
        try
        {
            await _module!.InvokeVoidAsync("disconnect", client);
        }
        catch (JSDisconnectedException)
        {
            // The circuit ended because the tab closed: the browser tore the SDK down with the page.
        }
        catch (Exception exception) when (exception is JSException or TaskCanceledException)
        {
            // The SDK threw while tearing down, or the browser did not answer in time. Nothing more can be done from
            // here; deleting the participant ends its session on Bandwidth's side.
            Log.DisconnectFailed(Logger, FirstLine(exception.Message));
        }
        finally
        {
            await DisposeQuietlyAsync(client);
        }
    }

    private static async Task DisposeQuietlyAsync(IJSObjectReference reference)
    {
        try
        {
            await reference.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone, and the object with it.
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>Deletes this tab's participant from Bandwidth; it must not outlive the tab.</summary>
    private async Task LeaveAsync()
    {
        if (_participant is null)
        {
            return;
        }
        var participant = _participant;
        _participant = null;
        try
        {
            await Participants.LeaveAsync(participant.Id);
        }
        catch (BandwidthException exception)
        {
            Log.LeaveFailed(Logger, participant.Id, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Stream {EndpointId} of participant {ParticipantId} is available")]
        public static partial void StreamAvailable(ILogger logger, string endpointId, string participantId);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Stream {EndpointId} is gone")]
        public static partial void StreamUnavailable(ILogger logger, string endpointId);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Browser participant {ParticipantId} could not connect to Bandwidth: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Browser participant {ParticipantId} could not publish its microphone ({Kind}): {Reason}")]
        public static partial void PublishFailed(ILogger logger, string participantId, string kind, string reason);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Browser participant {ParticipantId} could not be deleted: {Reason}")]
        public static partial void LeaveFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "The browser SDK could not be loaded: {Reason}")]
        public static partial void SdkUnavailable(ILogger logger, string reason);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "{Failure}: {Reason}")]
        public static partial void SdkCallFailed(ILogger logger, string failure, string reason);

        [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "The browser SDK could not be disconnected: {Reason}")]
        public static partial void DisconnectFailed(ILogger logger, string reason);
    }
}
