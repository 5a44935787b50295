using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>What the first webhook would build while Bandwidth waits is built at start, and nothing is spent for it.</summary>
public sealed class WebhookWarmUpTests
{
    [Fact]
    public async Task AtStart_EveryWebhookActionIsBuilt_AndTheServerAnswersOnce_WithoutAnyBandwidthCallButTheSession()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.Client();

        await app.Services.GetRequiredService<WebhookWarmUp>().Warming.WaitAsync(TimeSpan.FromSeconds(60));

        var logs = app.Logs.GetSnapshot();
        Assert.DoesNotContain(logs, log => log.Id.Id == 3122);
        var warm = Assert.Single(logs, log => log.Id.Id == 3121);
        Assert.Equal(LogLevel.Information, warm.Level);
        // initiate, answer, callStatus; transferAnswer, transferComplete, transferDisconnect
        Assert.True(int.Parse(warm.StructuredState!.Single(pair => pair.Key == "Actions").Value!) >= 6, warm.Message);
        Assert.Equal(app.WebRtc.Calls("createSession"), app.WebRtc.TotalCalls);
        Assert.Empty(app.Voice.Created);
        Assert.DoesNotContain(logs, log => log.Id.Id is >= 3100 and < 3120); // no webhook was handled, none refused
    }
}
