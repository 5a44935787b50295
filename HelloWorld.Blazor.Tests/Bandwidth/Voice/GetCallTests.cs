using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace HelloWorld.Blazor.Tests.Bandwidth.Voice;

/// <summary>voice.yml's getCallState, which the reconciliation of lost webhooks asks.</summary>
public sealed class GetCallTests : IAsyncLifetime
{
    private const string CallId = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85";
    private const string CallPath = "/api/v2/accounts/9900000/calls/" + CallId;
    private BandwidthApiTestHost _host = null!;

    private IVoiceApi Api => _host.Get<IVoiceApi>();

    public Task InitializeAsync()
    {
        _host = new BandwidthApiTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task GetCall_GetsTheCallWithBasicAuth_AndReadsItsStateAndCause()
    {
        _host.Server.Given(Request.Create().WithPath(CallPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""
                {"applicationId": "voice-app", "accountId": "9900000", "callId": "{{CallId}}", "parentCallId": null,
                 "to": "+19195550123", "from": "+19195550100", "direction": "outbound", "state": "disconnected",
                 "stirShaken": null, "identity": null, "enqueuedTime": "2022-06-16T13:15:07.160Z",
                 "startTime": "2022-06-16T13:15:07.160Z", "answerTime": null, "endTime": "2022-06-16T13:15:18.314Z",
                 "disconnectCause": "callback-error", "errorMessage": "Answer URL unreachable", "errorId": "e-1",
                 "lastUpdate": "2022-06-16T13:15:18.314Z"}
                """));

        var call = await Api.GetCallAsync(CallId);

        Assert.True(call.IsDisconnected);
        Assert.Equal(("callback-error", "Answer URL unreachable"), (call.DisconnectCause, call.ErrorMessage));
        Assert.Equal(BandwidthApiTestHost.ExpectedAuthorization, Assert.Single(_host.Server.LogEntries).RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task GetCall_ToleratesAStateItDoesNotKnow()
    {
        _host.Server.Given(Request.Create().WithPath(CallPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"callId": "{{CallId}}", "state": "transferring"}"""));

        var call = await Api.GetCallAsync(CallId);

        Assert.Equal(("transferring", false), (call.State, call.IsDisconnected));
    }

    [Fact]
    public async Task GetCall_ForACallBandwidthDoesNotKnow_IsNotFound()
    {
        _host.Server.Given(Request.Create().WithPath(CallPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json")
            .WithBody("""{"type": "not-found", "description": "Call not found"}"""));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.GetCallAsync(CallId));

        Assert.Equal((HttpStatusCode.NotFound, "getCallState"), (error.StatusCode, error.Operation));
    }
}
