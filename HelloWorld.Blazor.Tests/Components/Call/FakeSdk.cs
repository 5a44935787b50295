using HelloWorld.Blazor.Components.Call;
using Microsoft.AspNetCore.Components;

namespace HelloWorld.Blazor.Tests.Components.Call;

/// <summary>
/// The SDK as <see cref="BrowserCall"/> drives it, scripted per test: every step succeeds at once unless a test replaces
/// it. <see cref="Calls"/> lists the steps asked for, in order.
/// </summary>
internal sealed class FakeSdk : IBandwidthSdk
{
    public List<string> Calls { get; } = [];

    public List<(string Token, string? WebsocketUrl)> Connections { get; } = [];

    public List<PublishConstraints> Publications { get; } = [];

    public List<bool> MicrophoneEnabled { get; } = [];

    public Func<Task<bool>> Start { get; set; } = () => Task.FromResult(true);

    public Func<Task> Connect { get; set; } = () => Task.CompletedTask;

    public Func<CancellationToken, Task<PublishResult>> Publish { get; set; } = _ => Task.FromResult(new PublishResult(null, null));

    public Func<Task> SetMicrophone { get; set; } = () => Task.CompletedTask;

    public Func<ValueTask> Dispose { get; set; } = () => ValueTask.CompletedTask;

    public IReadOnlyList<Microphone> Microphones { get; set; } = [new("mic-1", "Built-in"), new("mic-2", "Headset")];

    public bool HasClient { get; private set; }

    public async Task<bool> StartAsync()
    {
        Calls.Add("start");
        HasClient = await Start();
        return HasClient;
    }

    public Task ConnectAsync(string deviceToken, string? websocketUrl)
    {
        Calls.Add("connect");
        Connections.Add((deviceToken, websocketUrl));
        return Connect();
    }

    public Task<PublishResult> PublishAsync(PublishConstraints constraints, CancellationToken cancellationToken)
    {
        Calls.Add("publish");
        Publications.Add(constraints);
        return Publish(cancellationToken);
    }

    public Task UnpublishAsync() => Record("unpublish");

    public Task SetMicrophoneEnabledAsync(bool enabled)
    {
        Calls.Add("setMicEnabled");
        MicrophoneEnabled.Add(enabled);
        return SetMicrophone();
    }

    public Task<IReadOnlyList<Microphone>> ListMicrophonesAsync()
    {
        Calls.Add("listMicrophones");
        return Task.FromResult(Microphones);
    }

    public IReadOnlyList<Speaker>? Speakers { get; set; } = [new("default", "Default speaker"), new("spk-2", "Headphones")];

    public List<bool> Ringback { get; } = [];

    public Task<IReadOnlyList<Speaker>?> ListSpeakersAsync()
    {
        Calls.Add("listSpeakers");
        return Task.FromResult(Speakers);
    }

    public Task SetSpeakerAsync(string deviceId) => Record("setSpeaker");

    public Task SendDtmfAsync(string tone) => Record("sendDtmf");

    public Task SetRingbackAsync(bool ringing)
    {
        Ringback.Add(ringing);
        return Record("setRingback");
    }

    /// <summary>Not recorded in <see cref="Calls"/>: reading the time zone is no step of the call.</summary>
    public Task<string> TimeZoneAsync() => Task.FromResult(TimeZone);

    public string TimeZone { get; set; } = "Europe/Paris";

    public Task AttachStreamAsync(ElementReference element, string endpointId) => Record("attachStream");

    public Task ReleaseClientAsync()
    {
        HasClient = false;
        return Record("release");
    }

    public ValueTask DisposeAsync()
    {
        Calls.Add("dispose");
        HasClient = false;
        return Dispose();
    }

    private Task Record(string call)
    {
        Calls.Add(call);
        return Task.CompletedTask;
    }
}
