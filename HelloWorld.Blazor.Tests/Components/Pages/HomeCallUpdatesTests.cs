using Bunit;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>Phone calls change under the page (webhooks update the registry) while it starts and while it runs.</summary>
public sealed class HomeCallUpdatesTests : CallPageContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public void CallRegisteredJustAfterThePageFirstReadTheCalls_StillAppears()
    {
        Services.AddSingleton<ICallRegistry>(new RegistryWithReadHook(Calls, afterRead: read =>
        {
            if (read == 1)
            {
                Calls.Register("c-late", CallDirection.Inbound, "+19195550124", "+19195550100", "p-late");
                Calls.MarkAnswered("c-late");
            }
        }));

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("+1•••••0124", page.Find(".phone-calls .number").TextContent), Patience);
    }

    [Fact]
    public async Task CallUpdate_ThatThePageFailsToApply_FailsThePage_AsALifecycleMethodWould()
    {
        var failure = new InvalidOperationException("no snapshot of the calls");
        Services.AddSingleton<ICallRegistry>(new RegistryWithReadHook(Calls, afterRead: read =>
        {
            if (read > 1)
            {
                throw failure;
            }
        }));
        Render<Home>();

        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone");

        // Not to the registry, which can only log it, and not lost: to the renderer, which ends the circuit (or shows
        // the nearest error boundary).
        Assert.Same(failure, await Renderer.UnhandledException.WaitAsync(Patience));
    }

    /// <summary>The app's registry, with something happening each time the page reads the calls, once it has its snapshot.</summary>
    private sealed class RegistryWithReadHook(ICallRegistry registry, Action<int> afterRead) : ICallRegistry
    {
        private int _reads;

        public IReadOnlyList<PhoneCall> Calls
        {
            get
            {
                var calls = registry.Calls;
                afterRead(Interlocked.Increment(ref _reads));
                return calls;
            }
        }

        public PhoneCall? Find(string callId) => registry.Find(callId);

        public PhoneCall? FindByParticipant(string participantId) => registry.FindByParticipant(participantId);

        public IDisposable Subscribe(Func<Task> onChanged) => registry.Subscribe(onChanged);
    }
}
