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
    private IReadOnlyList<PhoneCall> _calls = [];
    private IReadOnlyList<Microphone> _microphones = [];
    private CallPageStatus _status = CallPageStatus.Joining;
    private AudioLevel _level;
    private string? _errorDetail;
    private string? _notice;
    private string? _microphoneId;
    private bool _muted;
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

    private IReadOnlyList<string> DialableNumbers => PhoneCalls.DialableNumbers;

    /// <summary>Connected to Bandwidth, whether or not the microphone works: the page can still listen and dial.</summary>
    private bool IsInCall => _status is CallPageStatus.Publishing or CallPageStatus.Connected or CallPageStatus.MicrophoneDenied
        or CallPageStatus.MicrophoneMissing or CallPageStatus.MicrophoneBusy or CallPageStatus.MicrophoneFailed;

    private bool IsPublishing => _status == CallPageStatus.Connected;

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
            try
            {
                await JoinAsync();
                StateHasChanged(); // an after-render handler's changes are not rendered by themselves
            }
            catch (JSDisconnectedException)
            {
                // The tab closed while the page was still joining; DisposeAsync cleans up what was made.
            }
        }
    }

    [JSInvokable]
    public Task OnStreamAvailable(RemoteStream stream) => InvokeAsync(() =>
    {
        _streams.RemoveAll(known => known.EndpointId == stream.EndpointId);
        _streams.Add(stream);
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

    private async Task JoinAsync()
    {
        _status = CallPageStatus.Joining;
        _errorDetail = null;
        StateHasChanged();
        try
        {
            _participant = await Participants.JoinAsync(ParticipantKind.Browser);
        }
        catch (BandwidthException exception)
        {
            _status = CallPageStatus.BandwidthUnavailable;
            _errorDetail = exception is BandwidthUnavailableException ? "it did not answer in time." : exception.Message;
            return;
        }
        if (_disposed)
        {
            await LeaveAsync(); // the tab closed while joining
            return;
        }

        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
        _self ??= DotNetObjectReference.Create(this);
        _client = await _module.InvokeAsync<IJSObjectReference>("createClient", _self);

        _status = CallPageStatus.Connecting;
        StateHasChanged();
        try
        {
            var websocketUrl = Environment.DeviceWebSocketUrl(new Uri(Navigation.BaseUri))?.ToString();
            await _module.InvokeVoidAsync("connect", _client, _participant.Token, websocketUrl);
        }
        catch (JSException exception)
        {
            Log.ConnectFailed(Logger, _participant.Id, exception.Message);
            _status = CallPageStatus.ConnectFailed;
            await ReleaseClientAsync();
            await LeaveAsync();
            return;
        }

        await PublishAsync();
    }

    private async Task PublishAsync()
    {
        var module = _module!;
        _status = CallPageStatus.Publishing;
        StateHasChanged();
        var result = await module.InvokeAsync<PublishResult>("publish", _client, PublishConstraints.AudioOnly(_microphoneId));
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
        if (_muted)
        {
            await module.InvokeVoidAsync("setMicEnabled", _client, false);
        }
        _microphones = await module.InvokeAsync<Microphone[]>("listMicrophones", _client);
        _microphoneId ??= _microphones.FirstOrDefault()?.DeviceId;
    }

    private async Task RetryAsync()
    {
        await ReleaseClientAsync();
        await LeaveAsync();
        _streams.Clear();
        await JoinAsync();
    }

    private async Task ToggleMuteAsync()
    {
        _muted = !_muted;
        await _module!.InvokeVoidAsync("setMicEnabled", _client, !_muted);
    }

    private async Task SwitchMicrophoneAsync(ChangeEventArgs change)
    {
        if (change.Value is not string microphoneId || microphoneId == _microphoneId)
        {
            return;
        }
        _microphoneId = microphoneId;
        await _module!.InvokeVoidAsync("unpublish", _client);
        await PublishAsync();
    }

    private Task SendDtmfAsync(string digit) => _module!.InvokeVoidAsync("sendDtmf", _client, digit).AsTask();

    private Task AttachAsync(RemoteStream stream, ElementReference element) =>
        _module is null ? Task.CompletedTask : _module.InvokeVoidAsync("attachStream", _client, element, stream.EndpointId).AsTask();

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
        _callsSubscription?.Dispose();
        await ReleaseClientAsync();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The tab is gone, and the module with it.
            }
        }
        _self?.Dispose();
        await LeaveAsync();
    }

    /// <summary>Disconnects the SDK and lets go of the module's client object.</summary>
    private async Task ReleaseClientAsync()
    {
        if (_client is null)
        {
            return;
        }
        var client = _client;
        _client = null;
        try
        {
            await _module!.InvokeVoidAsync("disconnect", client);
            await client.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit ended because the tab closed: the browser tore the SDK down with the page.
        }
    }

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
    }
}
