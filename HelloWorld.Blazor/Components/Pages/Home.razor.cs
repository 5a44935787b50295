using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Hosting;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Pages;

/// <summary>
/// The call page. It wires the parts together: <see cref="BrowserCall"/> joins as soon as the circuit starts the page
/// (never during prerender, so one participant per tab) and leaves when the circuit ends, or when the app stops; the SDK's
/// streams and levels, the phone calls as this tab may see them (<see cref="ITabPhoneCalls"/>) and the session's free
/// places come in from outside the renderer and are rendered here, and logged in this tab's <see cref="CallJournal"/>; the
/// panels do the rest. A page refused a place waits for one (<see cref="ISessionCapacity"/>, pushed, never polled); a page
/// whose SDK lost Bandwidth rejoins with a fresh participant unless the SDK is back within
/// <see cref="CallPageOptions.SignalingRecoveryTimeout"/>.
/// </summary>
public sealed partial class Home : ComponentBase, IBandwidthSdkListener, IAsyncDisposable
{
    /// <summary>The collocated module that drives the browser SDK, as <see cref="BandwidthSdk"/> imports it.</summary>
    public const string ModulePath = "./Components/Pages/Home.razor.js";

    private readonly List<RemoteStream> _streams = [];
    private BrowserCall _call = default!;
    private CallJournal _journal = default!;
    private IReadOnlyList<TabCall> _calls = [];
    private IDisposable? _callsSubscription;
    private IDisposable? _capacitySubscription;
    private CancellationTokenSource? _reconnectWait;
    private bool _joiningAgain;
    private Task? _joining;
    private IDisposable? _shutdownRegistration;
    private AudioLevel _level;
    private AudioLevel _heard;
    private int _announcements;

    [Inject] private IParticipantService Participants { get; set; } = default!;

    [Inject] private ICallRegistry CallRegistry { get; set; } = default!;

    [Inject] private ITabPhoneCalls TabCalls { get; set; } = default!;

    [Inject] private TabIdentity Tab { get; set; } = default!;

    [Inject] private ISessionCapacity Capacity { get; set; } = default!;

    [Inject] private IOptions<ParticipantOptions> ParticipantSettings { get; set; } = default!;

    [Inject] private IOptions<CallPageOptions> PageSettings { get; set; } = default!;

    [Inject] private IBandwidthEnvironment Environment { get; set; } = default!;

    [Inject] private CallPageShutdown Shutdown { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private ILoggerFactory LoggerFactory { get; set; } = default!;

    [Inject] private ILogger<Home> Logger { get; set; } = default!;

    /// <summary>Phones whose stream is in the call: the ones the keypad's tones reach.</summary>
    private int PhonesInTheCall => _streams.Count(stream =>
        stream.ParticipantId is { } participantId && CallRegistry.FindByParticipant(participantId) is { IsActive: true });

    protected override void OnInitialized()
    {
        _journal = new CallJournal(Clock);
        var sdk = new BandwidthSdk(JS, ModulePath, this, LoggerFactory.CreateLogger<BandwidthSdk>());
        _call = new BrowserCall(sdk, Participants, Tab.Client, Environment.DeviceWebSocketUrl(new Uri(Navigation.BaseUri))?.ToString(),
            LoggerFactory.CreateLogger<BrowserCall>(), CallChanged);
        // Subscribed before the first read: a call registered in between would otherwise stay off the page until the
        // next change.
        _callsSubscription = TabCalls.Subscribe(() => RenderChangeAsync(CallsChanged));
        _calls = VisibleCalls();
        _journal.Start(_calls);
        _capacitySubscription = Capacity.Subscribe(() => OffRendererAsync(JoinIfAPlaceFreedAsync));
        _shutdownRegistration = Shutdown.Register(() => InvokeAsync(_call.LeaveBecauseTheAppStopsAsync));
        if (RendererInfo.IsInteractive)
        {
            // Started here rather than after the first render, which waits for the browser to apply and acknowledge it: the
            // participant is made, and the module imported, while the page renders.
            _joining = _call.JoinAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && _joining is { } joining)
        {
            await joining; // a failure is the page's, as it was when the join started here
        }
    }

    Task IBandwidthSdkListener.StreamAvailableAsync(RemoteStream stream) => RenderChangeAsync(() =>
    {
        var known = _streams.RemoveAll(existing => existing.EndpointId == stream.EndpointId) > 0;
        _streams.Add(stream with { Announcement = ++_announcements });
        CallPageLog.StreamAvailable(Logger, LogText.Escape(stream.EndpointId), LogText.Escape(stream.ParticipantId ?? "unknown"));
        if (!known)
        {
            _journal.OthersHeardChanged(_streams.Count, browser: IsBrowser(stream));
        }
    });

    Task IBandwidthSdkListener.StreamUnavailableAsync(string endpointId) => RenderChangeAsync(() =>
    {
        if (_streams.Find(known => known.EndpointId == endpointId) is { } stream)
        {
            _streams.Remove(stream);
            CallPageLog.StreamUnavailable(Logger, LogText.Escape(endpointId));
            _journal.OthersHeardChanged(_streams.Count, browser: IsBrowser(stream));
        }
    });

    Task IBandwidthSdkListener.AudioLevelChangedAsync(AudioLevel level) => RenderChangeAsync(() => _level = level);

    Task IBandwidthSdkListener.HeardLevelChangedAsync(AudioLevel level) => RenderChangeAsync(() => _heard = level);

    Task IBandwidthSdkListener.ToneFailedAsync(string reason) => RenderChangeAsync(() => _call.ToneFailed(reason));

    Task IBandwidthSdkListener.SignalingChangedAsync(bool connected) => OffRendererAsync(async () =>
    {
        StopWaitingForReconnect();
        if (connected)
        {
            _call.SignalingRestored();
        }
        else if (_call.SignalingLost())
        {
            await _call.RejoinAsync(); // Bandwidth no longer has the participant: its token will never be let back in
        }
        else if (_call.State.Status == CallPageStatus.Reconnecting)
        {
            _reconnectWait = new CancellationTokenSource();
            _ = RejoinUnlessBackAsync(_reconnectWait.Token);
        }
    });

    private async Task RejoinUnlessBackAsync(CancellationToken back)
    {
        try
        {
            await Task.Delay(PageSettings.Value.SignalingRecoveryTimeout, Clock, back);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        await OffRendererAsync(_call.RejoinAsync);
    }

    private void StopWaitingForReconnect()
    {
        _reconnectWait?.Cancel();
        _reconnectWait?.Dispose();
        _reconnectWait = null;
    }

    /// <summary>
    /// A place was taken or freed: a page waiting for one joins if the reason it was refused no longer holds. A refused
    /// join costs nothing, but checking first keeps the page (and its live region) from flickering through "Joining".
    /// </summary>
    private async Task JoinIfAPlaceFreedAsync()
    {
        if (_joiningAgain || _call.State is not { Status: CallPageStatus.WaitingForPlace } waiting)
        {
            return;
        }
        var room = !Capacity.Current.IsFull
            && (waiting.Refusal != ParticipantRefusal.ClientLimit || Capacity.HeldBy(Tab.Client) < ParticipantSettings.Value.MaxPerClient);
        if (!room)
        {
            return;
        }
        _joiningAgain = true;
        try
        {
            await _call.RetryAsync();
        }
        finally
        {
            _joiningAgain = false;
        }
    }

    /// <summary>Runs work that arrives from outside the renderer on it; a failure is the page's, as in <see cref="RenderChangeAsync"/>.</summary>
    private async Task OffRendererAsync(Func<Task> work)
    {
        try
        {
            await InvokeAsync(work);
        }
        catch (Exception exception)
        {
            await DispatchExceptionAsync(exception);
        }
    }

    private void CallsChanged()
    {
        _calls = VisibleCalls();
        _journal.CallsChanged(_calls);
    }

    /// <summary>This tab's calls and the phones in the call, then this tab's ended calls.</summary>
    private IReadOnlyList<TabCall> VisibleCalls()
    {
        var view = TabCalls.View;
        return [.. view.Active, .. view.History];
    }

    /// <summary>
    /// Applies a change that arrives from outside the renderer (an SDK event, a webhook's call update) and renders it. If
    /// applying it fails, the failure is the page's, as if a lifecycle method had thrown: the caller cannot handle it (the
    /// module ignores it, the registry only logs it).
    /// </summary>
    private async Task RenderChangeAsync(Action change)
    {
        try
        {
            await InvokeAsync(() =>
            {
                change();
                StateHasChanged();
            });
        }
        catch (Exception exception)
        {
            await DispatchExceptionAsync(exception);
        }
    }

    /// <summary>The call's state moved on (or a control of it failed): logged, then rendered.</summary>
    private void CallChanged()
    {
        if (_call.State.Status == CallPageStatus.Joining)
        {
            _streams.Clear(); // a new participant: the SDK announces the streams again, on its new client
        }
        _journal.StateChanged(_call.State);
        StateHasChanged();
    }

    private Task RetryAsync()
    {
        StopWaitingForReconnect();
        return _call.RetryAsync();
    }

    private Task AttachAsync(RemoteStream stream, ElementReference element) => _call.AttachStreamAsync(element, stream.EndpointId);

    /// <summary>Null when the stream's participant is not known: neither a browser nor a phone can be said.</summary>
    private bool? IsBrowser(RemoteStream stream) => stream.ParticipantId is { } participantId && CallRegistry.FindByParticipant(participantId) is null
        ? Participants.Find(participantId)?.Kind == ParticipantKind.Browser
        : false;

    private string LabelFor(RemoteStream stream)
    {
        if (stream.ParticipantId is { } participantId)
        {
            if (TabCalls.PhoneLabel(participantId) is { } phone)
            {
                return phone;
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
        _shutdownRegistration?.Dispose();
        _callsSubscription?.Dispose();
        _capacitySubscription?.Dispose();
        StopWaitingForReconnect();
        if (_call is not null)
        {
            await _call.DisposeAsync();
        }
    }
}
