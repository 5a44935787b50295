using HelloWorld.Blazor.Components.Call;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using Microsoft.JSInterop.Infrastructure;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Call;

/// <summary>The SDK's module, client and callback reference, held and torn down without a renderer.</summary>
public sealed class BandwidthSdkTests
{
    private const string ModulePath = "./Components/Pages/Home.razor.js";

    private readonly Mock<IJSRuntime> _js = new();
    private readonly Mock<IJSObjectReference> _module = new();
    private readonly Mock<IJSObjectReference> _client = new();
    private readonly RecordingListener _listener = new();
    private readonly List<string> _released = [];
    private readonly BandwidthSdk _sdk;

    public BandwidthSdkTests()
    {
        _js.Setup(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>())).ReturnsAsync(_module.Object);
        _module.Setup(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>())).ReturnsAsync(_client.Object);
        _module.Setup(m => m.InvokeAsync<IJSVoidResult>(It.IsAny<string>(), It.IsAny<object?[]?>()))
            .Callback((string identifier, object?[]? _) => _released.Add(identifier))
            .ReturnsAsync(Mock.Of<IJSVoidResult>());
        _client.Setup(c => c.DisposeAsync()).Callback(() => _released.Add("client handle")).Returns(ValueTask.CompletedTask);
        _module.Setup(m => m.DisposeAsync()).Callback(() => _released.Add("module")).Returns(ValueTask.CompletedTask);
        _sdk = new BandwidthSdk(_js.Object, ModulePath, _listener, NullLogger<BandwidthSdk>.Instance);
    }

    [Fact]
    public async Task Start_ImportsTheModuleOnce_AndHandsEveryClientTheReferenceTheModuleCallsBackOn()
    {
        Assert.True(await _sdk.StartAsync());
        await _sdk.ReleaseClientAsync();
        Assert.True(await _sdk.StartAsync());

        _js.Verify(js => js.InvokeAsync<IJSObjectReference>("import", new object?[] { ModulePath }), Times.Once);
        var references = ModuleCalls("createClient").Select(arguments => arguments[0]).ToList();
        Assert.Equal(2, references.Count);
        Assert.Same(_sdk, Assert.IsType<DotNetObjectReference<BandwidthSdk>>(references[0]).Value);
        Assert.Same(references[0], references[1]);
        Assert.True(_sdk.HasClient);
    }

    [Fact]
    public async Task DisposedDuringTheImport_DisposesTheLateModule_AndMakesNoClient()
    {
        var importing = new TaskCompletionSource<IJSObjectReference>();
        _js.Setup(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>())).Returns(new ValueTask<IJSObjectReference>(importing.Task));
        var starting = _sdk.StartAsync();

        await _sdk.DisposeAsync();
        importing.SetResult(_module.Object);

        Assert.False(await starting);
        _module.Verify(m => m.DisposeAsync(), Times.Once);
        _module.Verify(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>()), Times.Never);
    }

    [Fact]
    public async Task DisposedWhileTheClientIsMade_DisposesTheLateClientsHandle_WithoutDisconnectingIt()
    {
        var creating = new TaskCompletionSource<IJSObjectReference>();
        _module.Setup(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>())).Returns(new ValueTask<IJSObjectReference>(creating.Task));
        var starting = _sdk.StartAsync();

        await _sdk.DisposeAsync();
        creating.SetResult(_client.Object);

        Assert.False(await starting);
        Assert.Equal(["module", "client handle"], _released);
        Assert.False(_sdk.HasClient);
    }

    [Fact]
    public async Task Dispose_DisconnectsTheClient_ThenDisposesItsHandle_ThenTheModule_ThenTheReference()
    {
        await _sdk.StartAsync();
        var reference = CallbackReference();

        await _sdk.DisposeAsync();

        Assert.Equal(["disconnect", "client handle", "module"], _released);
        Assert.Throws<ObjectDisposedException>(() => reference.Value);
        Assert.False(await _sdk.StartAsync());
        _js.Verify(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>()), Times.Once);
    }

    [Theory]
    [InlineData("the circuit is gone")]
    [InlineData("the SDK throws")]
    [InlineData("the browser does not answer")]
    public async Task Dispose_WhenTheBrowserFailsEveryRelease_ThrowsNothing_AndStillReleasesTheRest(string failure)
    {
        await _sdk.StartAsync();
        var reference = CallbackReference();
        _module.Setup(m => m.InvokeAsync<IJSVoidResult>("disconnect", It.IsAny<object?[]?>())).Returns(ValueTask.FromException<IJSVoidResult>(Failure(failure)));
        _client.Setup(c => c.DisposeAsync()).Returns(ValueTask.FromException(Failure(failure)));
        _module.Setup(m => m.DisposeAsync()).Returns(ValueTask.FromException(Failure(failure)));

        await _sdk.DisposeAsync();

        _client.Verify(c => c.DisposeAsync(), Times.Once);
        _module.Verify(m => m.DisposeAsync(), Times.Once);
        Assert.Throws<ObjectDisposedException>(() => reference.Value);
    }

    [Theory]
    [InlineData("the SDK throws")]
    [InlineData("the browser does not answer")]
    public async Task ReleaseClient_WhenTheHandleCannotBeDisposed_ThrowsNothing_AndANewClientCanStart(string failure)
    {
        await _sdk.StartAsync();
        _client.Setup(c => c.DisposeAsync()).Returns(ValueTask.FromException(Failure(failure)));

        await _sdk.ReleaseClientAsync();

        Assert.False(_sdk.HasClient);
        Assert.True(await _sdk.StartAsync());
    }

    [Fact]
    public async Task ClientCalls_PassTheClientFirst_AndFailWithoutOne()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _sdk.SendDtmfAsync("5"));
        await _sdk.StartAsync();

        await _sdk.SendDtmfAsync("5");

        Assert.Equal(new object?[] { _client.Object, "5" }, Assert.Single(ModuleCalls("sendDtmf")));
    }

    [Theory]
    [InlineData("high", AudioLevel.High)]
    [InlineData("LOW", AudioLevel.Low)]
    [InlineData("silent", AudioLevel.Silent)]
    [InlineData("deafening", AudioLevel.Silent)]
    [InlineData("7", AudioLevel.Silent)]
    public async Task AudioLevel_FromTheModule_ReachesTheListenerParsed(string level, AudioLevel expected)
    {
        await _sdk.StartAsync();

        await _sdk.OnAudioLevel(level);

        Assert.Equal([expected], _listener.Levels);
    }

    [Fact]
    public async Task StreamEvents_WithoutAConnectedClient_AreIgnored()
    {
        await _sdk.OnStreamAvailable(Stream("e-1"));
        await _sdk.OnAudioLevel("high");
        await _sdk.OnSignalingChanged(false);
        await _sdk.StartAsync();
        await _sdk.OnStreamAvailable(Stream("e-2"));
        await _sdk.ReleaseClientAsync();
        await _sdk.OnStreamAvailable(Stream("e-3"));

        Assert.Equal(["e-2"], _listener.Streams);
        Assert.Empty(_listener.Levels);
        Assert.Empty(_listener.Signaling);
    }

    [Fact]
    public async Task AtMost64Streams_AreAccepted_AndAnAnnouncedOneMayBeAnnouncedAgain()
    {
        await _sdk.StartAsync();

        for (var i = 0; i < 4000; i++)
        {
            await _sdk.OnStreamAvailable(Stream($"e-{i}"));
        }
        await _sdk.OnStreamAvailable(Stream("e-0"));

        Assert.Equal(BandwidthSdk.MaxStreams + 1, _listener.Streams.Count);
        Assert.Equal("e-0", _listener.Streams[^1]);
    }

    [Fact]
    public async Task StreamGone_IsPassedOn_OnlyForAStreamThatWasAnnounced()
    {
        await _sdk.StartAsync();
        await _sdk.OnStreamAvailable(Stream("e-1"));

        await _sdk.OnStreamUnavailable("e-invented");
        await _sdk.OnStreamUnavailable("e-1");
        await _sdk.OnStreamUnavailable("e-1");

        Assert.Equal(["e-1"], _listener.Gone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("long id")]
    [InlineData("long participant")]
    [InlineData("long alias")]
    [InlineData("many media types")]
    [InlineData("long media type")]
    public async Task StreamWithFieldsTheSdkNeverSends_IsIgnored(string what)
    {
        await _sdk.StartAsync();
        var tooLong = new string('x', BandwidthSdk.MaxTextLength + 1);
        var stream = what switch
        {
            "" => Stream(""),
            "long id" => Stream(tooLong),
            "long participant" => Stream("e-1") with { ParticipantId = tooLong },
            "long alias" => Stream("e-1") with { Alias = tooLong },
            "many media types" => Stream("e-1") with { MediaTypes = ["AUDIO", "AUDIO", "AUDIO", "AUDIO", "AUDIO"] },
            _ => Stream("e-1") with { MediaTypes = [new string('A', 17)] },
        };

        await _sdk.OnStreamAvailable(stream);

        Assert.Empty(_listener.Streams);
    }

    [Fact]
    public async Task ToneFailure_IsCutToItsFirstLine_AndBounded()
    {
        await _sdk.StartAsync();

        await _sdk.OnToneFailed(new string('x', 10_000) + "\n    at insertDTMF");

        Assert.Equal(4 * BandwidthSdk.MaxTextLength + 1, Assert.Single(_listener.ToneFailures).Length);
    }

    private static RemoteStream Stream(string endpointId) => new(endpointId, "p-1", null, ["AUDIO"]);

    private static Exception Failure(string failure) => failure switch
    {
        "the circuit is gone" => new JSDisconnectedException("circuit gone"),
        "the SDK throws" => new JSException("Cannot read properties of undefined (reading 'close')"),
        _ => new TaskCanceledException(), // what an interop timeout looks like
    };

    private DotNetObjectReference<BandwidthSdk> CallbackReference() =>
        Assert.IsType<DotNetObjectReference<BandwidthSdk>>(ModuleCalls("createClient")[^1][0]);

    /// <summary>The arguments of each call of the module's <paramref name="identifier"/>.</summary>
    private List<object?[]> ModuleCalls(string identifier) =>
        [.. _module.Invocations.Where(i => Equals(i.Arguments[0], identifier)).Select(i => (object?[])i.Arguments[1]!)];

    private sealed class RecordingListener : IBandwidthSdkListener
    {
        public List<AudioLevel> Levels { get; } = [];

        public List<string> Streams { get; } = [];

        public List<string> Gone { get; } = [];

        public List<bool> Signaling { get; } = [];

        public Task StreamAvailableAsync(RemoteStream stream)
        {
            Streams.Add(stream.EndpointId);
            return Task.CompletedTask;
        }

        public Task StreamUnavailableAsync(string endpointId)
        {
            Gone.Add(endpointId);
            return Task.CompletedTask;
        }

        public Task SignalingChangedAsync(bool connected)
        {
            Signaling.Add(connected);
            return Task.CompletedTask;
        }

        public List<AudioLevel> Heard { get; } = [];

        public List<string> ToneFailures { get; } = [];

        public Task AudioLevelChangedAsync(AudioLevel level)
        {
            Levels.Add(level);
            return Task.CompletedTask;
        }

        public Task HeardLevelChangedAsync(AudioLevel level)
        {
            Heard.Add(level);
            return Task.CompletedTask;
        }

        public Task ToneFailedAsync(string reason)
        {
            ToneFailures.Add(reason);
            return Task.CompletedTask;
        }
    }
}
