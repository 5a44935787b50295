using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Pages;

/// <summary>
/// The call page. It wires the parts together: <see cref="BrowserCall"/> joins on the first interactive render (never
/// during prerender, so one participant per tab) and leaves when the circuit ends; the SDK's streams and level, and the
/// registry's phone calls, come in from outside the renderer and are rendered here; the panels do the rest.
/// </summary>
public sealed partial class Home : ComponentBase, IBandwidthSdkListener, IAsyncDisposable
{
    /// <summary>The collocated module that drives the browser SDK, as <see cref="BandwidthSdk"/> imports it.</summary>
    public const string ModulePath = "./Components/Pages/Home.razor.js";

    private readonly List<RemoteStream> _streams = [];
    private BrowserCall _call = default!;
    private IReadOnlyList<PhoneCall> _calls = [];
    private IDisposable? _callsSubscription;
    private AudioLevel _level;
    private string? _notice;
    private int _announcements;

    [Inject] private IParticipantService Participants { get; set; } = default!;

    [Inject] private ICallRegistry CallRegistry { get; set; } = default!;

    [Inject] private IBandwidthEnvironment Environment { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private ILoggerFactory LoggerFactory { get; set; } = default!;

    [Inject] private ILogger<Home> Logger { get; set; } = default!;

    /// <summary>Phones whose stream is in the call: the ones the keypad's tones reach.</summary>
    private int PhonesInTheCall => _streams.Count(stream =>
        stream.ParticipantId is { } participantId && CallRegistry.FindByParticipant(participantId) is { IsActive: true });

    protected override void OnInitialized()
    {
        var sdk = new BandwidthSdk(JS, ModulePath, this, LoggerFactory.CreateLogger<BandwidthSdk>());
        _call = new BrowserCall(sdk, Participants, Environment.DeviceWebSocketUrl(new Uri(Navigation.BaseUri))?.ToString(),
            LoggerFactory.CreateLogger<BrowserCall>(), StateHasChanged, ShowNotice);
        // Subscribed before the first read: a call registered in between would otherwise stay off the page until the
        // next change.
        _callsSubscription = CallRegistry.Subscribe(() => RenderChangeAsync(() => _calls = CallRegistry.Calls));
        _calls = CallRegistry.Calls;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await _call.JoinAsync();
        }
    }

    Task IBandwidthSdkListener.StreamAvailableAsync(RemoteStream stream) => RenderChangeAsync(() =>
    {
        _streams.RemoveAll(known => known.EndpointId == stream.EndpointId);
        _streams.Add(stream with { Announcement = ++_announcements });
        CallPageLog.StreamAvailable(Logger, stream.EndpointId, stream.ParticipantId ?? "unknown");
    });

    Task IBandwidthSdkListener.StreamUnavailableAsync(string endpointId) => RenderChangeAsync(() =>
    {
        if (_streams.RemoveAll(known => known.EndpointId == endpointId) > 0)
        {
            CallPageLog.StreamUnavailable(Logger, endpointId);
        }
    });

    Task IBandwidthSdkListener.AudioLevelChangedAsync(AudioLevel level) => RenderChangeAsync(() => _level = level);

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

    private Task RetryAsync()
    {
        _streams.Clear();
        return _call.RetryAsync();
    }

    private Task AttachAsync(RemoteStream stream, ElementReference element) => _call.AttachStreamAsync(element, stream.EndpointId);

    /// <summary>Called from child components' handlers and the join alike: renders the page, whichever of them asked.</summary>
    private void ShowNotice(string? notice)
    {
        _notice = notice;
        StateHasChanged();
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
        _callsSubscription?.Dispose();
        if (_call is not null)
        {
            await _call.DisposeAsync();
        }
    }
}
