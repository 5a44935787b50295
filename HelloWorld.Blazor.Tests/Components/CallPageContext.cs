using Bunit;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Hosting;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.JSInterop;
using Moq;

namespace HelloWorld.Blazor.Tests.Components;

/// <summary>
/// bUnit with the call page's services: mocked participants and phone calls, a real call registry, and the page's JS module
/// in strict mode so every interop call is either set up here or fails the test.
/// </summary>
public abstract class CallPageContext : BunitContext
{
    protected static readonly JoinedParticipant Me = new("p-me", "device-token-of-me", ParticipantKind.Browser, "s-1");
    protected static readonly RemoteStream OtherBrowser = new("stream-b", "p-other", "microphone", ["AUDIO"]);
    protected static readonly RemoteStream PhoneStream = new("stream-p", "p-phone", null, ["AUDIO"]);

    protected CallPageContext()
    {
        Participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>())).ReturnsAsync(Me);
        Participants.Setup(p => p.IsHeld(It.IsAny<string>())).Returns(true);
        PhoneCalls.SetupGet(p => p.DialableNumbers).Returns(["+19195550123"]);
        Environment.SetupGet(e => e.IsEmulator).Returns(false);
        Calls = new CallRegistry(Clock, NullLogger<CallRegistry>.Instance);

        Services.AddSingleton(Participants.Object);
        Services.AddSingleton(PhoneCalls.Object);
        Services.AddSingleton(Environment.Object);
        Services.AddSingleton<ICallRegistry>(Calls);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Options.Create(Settings));
        Services.AddSingleton(Options.Create(PageSettings));
        Services.AddSingleton(Options.Create(ParticipantSettings));
        Capacity = new SessionCapacity(Options.Create(ParticipantSettings), NullLogger<SessionCapacity>.Instance);
        Services.AddSingleton<ISessionCapacity>(Capacity);
        Services.AddScoped<TabIdentity>();
        Services.AddScoped<ITabPhoneCalls, TabPhoneCalls>();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(new CallPageShutdown(new Mock<IHostApplicationLifetime>().Object, NullLogger<CallPageShutdown>.Instance));
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));

        Module = JSInterop.SetupModule(Home.ModulePath);
        Module.SetupModule("createClient", _ => true);
        Connect = Module.SetupVoid("connect", _ => true);
        Connect.SetVoidResult();
        Publish = Module.Setup<PublishResult>("publish", _ => true);
        Publish.SetResult(new PublishResult(null, null));
        Module.Setup<Microphone[]>("listMicrophones", _ => true)
            .SetResult([new Microphone("mic-1", "Built-in microphone"), new Microphone("mic-2", "Headset")]);
        Module.SetupVoid("attachStream", _ => true).SetVoidResult();
        Module.SetupVoid("setMicEnabled", _ => true).SetVoidResult();
        Module.SetupVoid("unpublish", _ => true).SetVoidResult();
        Module.SetupVoid("sendDtmf", _ => true).SetVoidResult();
        Module.Setup<Speaker[]?>("listSpeakers", _ => true).SetResult([new Speaker("default", "Default speaker"), new Speaker("spk-2", "Headphones")]);
        Module.SetupVoid("setSpeaker", _ => true).SetVoidResult();
        Module.SetupVoid("setRingback", _ => true).SetVoidResult();
        Module.Setup<string>("timeZone", _ => true).SetResult("UTC");
        JSInterop.SetupVoid("Blazor._internal.domWrapper.focus", _ => true).SetVoidResult();
        Module.SetupVoid("disconnect", _ => true).SetVoidResult();
    }

    private RendererInfo _rendererInfo = new("Server", isInteractive: true);

    /// <summary>How the page is rendered: as the circuit renders it unless a test says otherwise (the prerender).</summary>
    protected RendererInfo RenderedAs
    {
        set => _rendererInfo = value;
    }

    /// <summary>
    /// Renders as <see cref="RenderedAs"/> says. Set on the first render, not before: the renderer it makes closes the
    /// services to the additions tests make after this class's constructor.
    /// </summary>
    protected new IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
        where TComponent : IComponent
    {
        SetRendererInfo(_rendererInfo);
        return base.Render(parameterBuilder);
    }

    protected Mock<IParticipantService> Participants { get; } = new();

    protected Mock<IPhoneCallService> PhoneCalls { get; } = new();

    protected Mock<IBandwidthEnvironment> Environment { get; } = new();

    protected CallRegistry Calls { get; }

    /// <summary>The session's places, real: a test takes and frees them as other tabs would.</summary>
    protected SessionCapacity Capacity { get; }

    protected CallPageOptions PageSettings { get; } = new();

    protected ParticipantOptions ParticipantSettings { get; } = new() { MaxPerSession = 3, MaxPerClient = 2 };

    /// <summary>The page's view of the phone calls; calls placed through it are this tab's own.</summary>
    protected ITabPhoneCalls TabCalls => Services.GetRequiredService<ITabPhoneCalls>();

    /// <summary>Places a call as this tab's CALL button would: the registry's call <paramref name="callId"/>, owned by this tab.</summary>
    protected Task<TabCall> PlaceOwnCallAsync(string callId, string number = "+19195550123")
    {
        PhoneCalls.Setup(p => p.CallAsync(number, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Calls.Register(callId, CallDirection.Outbound, "+19195550100", number, $"p-{callId}"));
        return TabCalls.CallAsync(number);
    }

    /// <summary>The calls as a tab sees the calls it placed itself: every number in full, every call its own.</summary>
    public static IReadOnlyList<TabCall> Own(IEnumerable<PhoneCall> calls) =>
        [.. calls.Select(call => new TabCall(call.CallId, call.CallId, call.RemoteNumber, call.Direction, call.State, call.StartedAt,
            call.AnsweredAt, call.EndedAt, call.EndCause, IsOwn: true) { JoinFailure = call.JoinFailure })];

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z"));

    protected BandwidthOptions Settings { get; } = new() { PhoneNumber = "+19195550100", OutboundPhoneNumber = "+19195550123" };

    protected BunitJSModuleInterop Module { get; }

    protected JSRuntimeInvocationHandler Connect { get; }

    protected JSRuntimeInvocationHandler<PublishResult> Publish { get; }

    /// <summary>What the module calls back on as the SDK announces streams and levels: the reference handed to <c>createClient</c>.</summary>
    private protected BandwidthSdk SdkCallbacks =>
        Assert.IsType<DotNetObjectReference<BandwidthSdk>>(Module.Invocations["createClient"][^1].Arguments[0]).Value;

    /// <summary>
    /// Waits for an assertion about what the page did after its last render (an OnAfterRender call into the browser):
    /// bUnit's WaitForAssertion only checks again when something renders, so it cannot see those.
    /// </summary>
    protected static void Eventually(Action assertion)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(10);
            }
        }
    }
}
