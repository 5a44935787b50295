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
    public async Task AudioLevel_FromTheModule_ReachesTheListenerParsed(string level, AudioLevel expected)
    {
        await _sdk.OnAudioLevel(level);

        Assert.Equal([expected], _listener.Levels);
    }

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

        public Task StreamAvailableAsync(RemoteStream stream) => Task.CompletedTask;

        public Task StreamUnavailableAsync(string endpointId) => Task.CompletedTask;

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
