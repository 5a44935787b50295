using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Tests.Webhooks;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>The session is made at start, in the background, and a failure there costs the first caller nothing but the wait.</summary>
public sealed class WarmStartTests
{
    [Fact]
    public async Task AtStart_TheSessionIsCreated_BeforeAnyCaller_AndTheFirstCallerUsesIt()
    {
        await using var app = new AccountModeAppFactory();
        var client = app.CreateClient();

        await Eventually.HoldsAsync(() => app.WebRtc.Sessions.Count, count => count == 1, "the session to be created at start");
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Id.Id == 2091 && log.Level == LogLevel.Information);

        var response = await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<Transfer", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, app.WebRtc.Calls("createSession"));
        Assert.Equal(app.WebRtc.Sessions.Single().Id, await app.Services.GetRequiredService<ISessionTracker>().FindSessionIdAsync());
    }

    [Fact]
    public async Task Start_IsNotDelayed_ByASessionCreationBandwidthHasNotAnswered()
    {
        await using var app = new AccountModeAppFactory();
        var creation = app.WebRtc.HoldNext("createSession");
        try
        {
            var starting = Task.Run(app.CreateClient);

            await creation.Entered.WaitAsync(Eventually.DefaultTimeout);
            var client = await starting.WaitAsync(Eventually.DefaultTimeout); // started while Bandwidth has not answered
            var response = await client.GetAsync("/callStatus");
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Null(await app.Services.GetRequiredService<ISessionTracker>().FindSessionIdAsync());
        }
        finally
        {
            creation.Release();
        }
        await Eventually.HoldsAsync<string?>(() => app.Services.GetRequiredService<ISessionTracker>().FindSessionIdAsync().AsTask(), id => id is not null, "the session once Bandwidth answers");
    }

    [Fact]
    public async Task AFailedCreationAtStart_IsLogged_AndTheFirstCallerCreatesTheSession()
    {
        await using var app = new AccountModeAppFactory();
        app.WebRtc.FailNext("createSession", new BandwidthUnavailableException("createSession", "timed out"));
        var client = app.CreateClient();

        var logs = await Eventually.HoldsAsync(() => app.Logs.GetSnapshot(), snapshot => snapshot.Any(log => log.Id.Id == 2092),
            "the failed warm start to be logged");
        Assert.Contains(logs, log => log.Id.Id == 2092 && log.Level == LogLevel.Warning && log.Message.Contains("timed out"));
        Assert.Empty(app.WebRtc.Sessions);

        var response = await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<Transfer", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, app.WebRtc.Calls("createSession"));
        Assert.Single(app.WebRtc.Sessions);
    }
}
