using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// Everything the page holds in the browser: the collocated module, the SDK client it makes and the reference the module
/// calls back on, with one teardown for the three. Held as QuickGrid holds its module: imported on first use, guarded
/// against a disposal that lands while an import or a client is on its way, the handle disposed before the module.
/// </summary>
/// <param name="modulePath">The module's import path, as the component it sits beside names it.</param>
internal sealed class BandwidthSdk(IJSRuntime js, string modulePath, IBandwidthSdkListener listener, ILogger<BandwidthSdk> logger)
    : IBandwidthSdk
{
    private IJSObjectReference? _module;
    private IJSObjectReference? _client;
    /// <summary>At most this many remote streams at once: the SDK of a session of 20 never announces more.</summary>
    public const int MaxStreams = 64;

    /// <summary>Ids and labels the browser sends are at most this long; Bandwidth's are UUIDs.</summary>
    public const int MaxTextLength = 128;

    // The endpoints the SDK announced on the current client: the only ones that can go away or be played.
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);
    private DotNetObjectReference<BandwidthSdk>? _self;
    private bool _disposed;

    public bool HasClient => _client is not null;

    public async Task<bool> StartAsync()
    {
        if (_client is not null)
        {
            throw new InvalidOperationException("The SDK already has a client; release it before starting another.");
        }
        if (_disposed)
        {
            return false;
        }
        if (_module is null)
        {
            var module = await js.InvokeAsync<IJSObjectReference>("import", modulePath);
            if (_disposed)
            {
                await DisposeQuietlyAsync(module); // DisposeAsync ran during the import and found no module to dispose
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

    public Task ConnectAsync(string deviceToken, string? websocketUrl) => InvokeVoidAsync("connect", deviceToken, websocketUrl);

    public async Task<PublishResult> PublishAsync(PublishConstraints constraints, CancellationToken cancellationToken)
    {
        var (module, client) = ModuleAndClient();
        // No interop timeout: publish waits for the person to answer the browser's microphone prompt, which may take
        // minutes. The caller's token ends the wait instead (the module stops the microphone of a disconnected client).
        return await module.InvokeAsync<PublishResult>("publish", cancellationToken, client, constraints);
    }

    public Task UnpublishAsync() => InvokeVoidAsync("unpublish");

    public Task SetMicrophoneEnabledAsync(bool enabled) => InvokeVoidAsync("setMicEnabled", enabled);

    public async Task<IReadOnlyList<Microphone>> ListMicrophonesAsync()
    {
        var (module, client) = ModuleAndClient();
        return await module.InvokeAsync<Microphone[]>("listMicrophones", client);
    }

    public async Task<IReadOnlyList<Speaker>?> ListSpeakersAsync()
    {
        var (module, client) = ModuleAndClient();
        return await module.InvokeAsync<Speaker[]?>("listSpeakers", client);
    }

    public Task SetSpeakerAsync(string deviceId) => InvokeVoidAsync("setSpeaker", deviceId);

    public Task SendDtmfAsync(string tone) => InvokeVoidAsync("sendDtmf", tone);

    public Task SetRingbackAsync(bool ringing) => InvokeVoidAsync("setRingback", ringing);

    public async Task<string> TimeZoneAsync() =>
        await (_module ?? throw new InvalidOperationException("The SDK has no module; start it first.")).InvokeAsync<string>("timeZone");

    public Task AttachStreamAsync(ElementReference element, string endpointId) => InvokeVoidAsync("attachStream", element, endpointId);

    public async Task ReleaseClientAsync()
    {
        if (_client is not { } client)
        {
            return;
        }
        _client = null;
        _announced.Clear();
        try
        {
            await _module!.InvokeVoidAsync("disconnect", client);
        }
        catch (JSDisconnectedException)
        {
            // The circuit ended because the tab closed: the browser tore the SDK down with the page.
        }
        catch (Exception exception) when (exception is JSException or OperationCanceledException)
        {
            // The SDK threw while tearing down, or the browser did not answer in time. Nothing more can be done from
            // here; deleting the participant ends its session on Bandwidth's side.
            CallPageLog.DisconnectFailed(logger, LogText.Escape(FirstLine(exception.Message)));
        }
        finally
        {
            await DisposeQuietlyAsync(client);
        }
    }

    /// <summary>Releases the client, then the module, then the reference; never throws for a browser that is gone, slow or failing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
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
        }
    }

    // What the module sends is what the browser sends: anyone can call these with anything. Each is checked before it
    // reaches the page, and nothing arrives while no client is connected.

    [JSInvokable]
    public Task OnStreamAvailable(RemoteStream? stream)
    {
        if (_client is null || stream is null)
        {
            return Ignored(nameof(OnStreamAvailable), "no stream, or no connection");
        }
        if (Invalid(stream) is { } reason)
        {
            return Ignored(nameof(OnStreamAvailable), reason);
        }
        if (!_announced.Contains(stream.EndpointId) && _announced.Count >= MaxStreams)
        {
            return Ignored(nameof(OnStreamAvailable), $"more than {MaxStreams} streams");
        }
        _announced.Add(stream.EndpointId);
        return listener.StreamAvailableAsync(stream);
    }

    [JSInvokable]
    public Task OnStreamUnavailable(string? endpointId) =>
        endpointId is not null && _announced.Remove(endpointId)
            ? listener.StreamUnavailableAsync(endpointId)
            : Ignored(nameof(OnStreamUnavailable), "a stream that was not announced");

    [JSInvokable]
    public Task OnAudioLevel(string? level) => _client is null ? Task.CompletedTask : listener.AudioLevelChangedAsync(ParseLevel(level));

    [JSInvokable]
    public Task OnHeardLevel(string? level) => _client is null ? Task.CompletedTask : listener.HeardLevelChangedAsync(ParseLevel(level));

    [JSInvokable]
    public Task OnToneFailed(string? reason) =>
        _client is null ? Task.CompletedTask : listener.ToneFailedAsync(Bounded(FirstLine(reason ?? ""), 4 * MaxTextLength));

    /// <summary>The SDK's connection to Bandwidth dropped (false) or is back (true).</summary>
    [JSInvokable]
    public Task OnSignalingChanged(bool connected) => _client is null ? Task.CompletedTask : listener.SignalingChangedAsync(connected);

    private static string? Invalid(RemoteStream stream)
    {
        if (string.IsNullOrEmpty(stream.EndpointId) || stream.EndpointId.Length > MaxTextLength)
        {
            return "an endpoint id that is missing or too long";
        }
        if (stream.ParticipantId?.Length > MaxTextLength || stream.Alias?.Length > MaxTextLength)
        {
            return "a participant id or alias that is too long";
        }
        if (stream.MediaTypes is null || stream.MediaTypes.Count > 4 || stream.MediaTypes.Any(type => type is null || type.Length > 16))
        {
            return "media types that are not the SDK's";
        }
        return null;
    }

    private Task Ignored(string method, string reason)
    {
        CallPageLog.BrowserInputIgnored(logger, method, reason);
        return Task.CompletedTask;
    }

    private static string Bounded(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static AudioLevel ParseLevel(string? level) =>
        level is { Length: <= 16 } && Enum.TryParse<AudioLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : AudioLevel.Silent;

    /// <summary>A JavaScript error's message is its first line; the browser's stack follows.</summary>
    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private async Task InvokeVoidAsync(string identifier, params object?[] arguments)
    {
        var (module, client) = ModuleAndClient();
        await module.InvokeVoidAsync(identifier, [client, .. arguments]);
    }

    private (IJSObjectReference Module, IJSObjectReference Client) ModuleAndClient() =>
        _module is { } module && _client is { } client
            ? (module, client)
            : throw new InvalidOperationException("The SDK has no client; start it first.");

    private async Task DisposeQuietlyAsync(IJSObjectReference reference)
    {
        try
        {
            await reference.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The usual end of a page: the tab closed, the circuit with it, and the browser dropped the object with the
            // page. There is nobody left to ask, and nothing left to release.
        }
        catch (Exception exception) when (exception is JSException or OperationCanceledException)
        {
            // The browser did not answer in time, or no longer knew the object. It then lives as long as the page; the
            // teardown must go on regardless, so that the participant is still deleted.
            CallPageLog.ReleaseFailed(logger, LogText.Escape(FirstLine(exception.Message)));
        }
    }
}
