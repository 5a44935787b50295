using Bunit;
using HelloWorld.Blazor.Components.Call;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using Microsoft.JSInterop.Infrastructure;
using Moq;

namespace HelloWorld.Blazor.Tests.Components;

/// <summary>
/// The page's module and client as Moq objects behind a mocked <see cref="IJSRuntime"/>, for what bUnit's JSInterop
/// cannot do: leave an import or a module call that returns an object reference pending, or fail a disposal.
/// Everything not set up answers at once, as a working SDK would.
/// </summary>
public sealed class MockedSdk
{
    public MockedSdk(BunitContext context)
    {
        Runtime.Setup(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>())).ReturnsAsync(Module.Object);
        Module.Setup(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>())).ReturnsAsync(Client.Object);
        Module.Setup(m => m.InvokeAsync<IJSVoidResult>(It.IsAny<string>(), It.IsAny<object?[]?>())).ReturnsAsync(Mock.Of<IJSVoidResult>());
        Module.Setup(m => m.InvokeAsync<PublishResult>("publish", It.IsAny<CancellationToken>(), It.IsAny<object?[]?>()))
            .ReturnsAsync(new PublishResult(null, null));
        Module.Setup(m => m.InvokeAsync<Microphone[]>("listMicrophones", It.IsAny<object?[]?>())).ReturnsAsync([]);
        context.Services.AddSingleton(Runtime.Object);
    }

    public Mock<IJSRuntime> Runtime { get; } = new();

    public Mock<IJSObjectReference> Module { get; } = new();

    public Mock<IJSObjectReference> Client { get; } = new();

    /// <summary>Makes the module's <paramref name="identifier"/> wait for the returned source.</summary>
    public TaskCompletionSource<T> Pending<T>(string identifier)
    {
        // Completed inside the renderer's dispatcher, a plain source resumes the page at once, so that what the page
        // does next (or does not do) is done before the test looks.
        var pending = new TaskCompletionSource<T>();
        Module.Setup(m => m.InvokeAsync<T>(identifier, It.IsAny<object?[]?>())).Returns(new ValueTask<T>(pending.Task));
        return pending;
    }

    /// <summary>How often the page called the module's <paramref name="identifier"/>, through any overload.</summary>
    public int Calls(string identifier) =>
        Module.Invocations.Count(invocation => invocation.Arguments.Count > 0 && Equals(invocation.Arguments[0], identifier));
}
