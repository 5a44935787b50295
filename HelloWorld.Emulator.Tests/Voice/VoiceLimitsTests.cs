using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Voice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>Bandwidth's Voice account limits on createCall (5 calls per second, 100 active calls), kept by the emulated API.</summary>
public sealed class VoiceLimitsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await EmulatorHost.StartAsync(services: services => services.AddSingleton<TimeProvider>(_time));

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CreateCall_TheSixthWithinOneSecond_Answers429WithRetryAfterAndTheVoiceErrorBody_AndPlacesNothing()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await CreateCall()).StatusCode);
            _time.Advance(TimeSpan.FromMilliseconds(150));
        }

        var limited = await CreateCall();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        var error = (await limited.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal("Account call creation rate limit exceeded", (string?)error["description"]);
        Assert.False(string.IsNullOrEmpty((string?)error["id"]));
        Assert.Equal(5, _emulator.Services.GetRequiredService<CallEngine>().Calls.Count);
    }

    [Fact]
    public async Task CreateCall_IsAllowedAgain_OnceTheOldestCallOfTheLastSecondIsOlderThanASecond()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateCall();
        }
        _time.Advance(TimeSpan.FromMilliseconds(999));
        var stillLimited = await CreateCall();

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CreateCall()).StatusCode);
    }

    [Fact]
    public async Task CreateCall_WhileTheAccountHasAsManyActiveCallsAsItsLimit_Answers429_UntilOneEnds()
    {
        await using var emulator = await EmulatorHost.StartAsync(options => options.Limits.ActiveCalls = 2,
            services => services.AddSingleton<TimeProvider>(_time));
        var engine = emulator.Services.GetRequiredService<CallEngine>();
        emulator.AnswerBxml("/incomingCall", """<Response><Pause duration="300"/></Response>""");
        var dialIn = engine.DialIn("+19195550124"); // inbound calls count too
        await HelloWorld.Testing.Eventually.HoldsAsync(() => dialIn, call => call.Webhooks.Count == 1, "the dial-in to be answered");
        var placed = (string)(await (await CreateCall(emulator)).Content.ReadFromJsonAsync<JsonObject>())!["callId"]!;
        _time.Advance(TimeSpan.FromSeconds(2));

        var limited = await CreateCall(emulator);
        engine.HangUp(placed);
        var afterHangUp = await CreateCall(emulator);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("Account concurrent call limit exceeded", (string?)(await limited.Content.ReadFromJsonAsync<JsonObject>())!["description"]);
        Assert.Equal(HttpStatusCode.Created, afterHangUp.StatusCode);
    }

    private Task<HttpResponseMessage> CreateCall() => CreateCall(_emulator);

    private static Task<HttpResponseMessage> CreateCall(EmulatorHost emulator) =>
        emulator.Api.PostAsync(emulator.Voice("calls"), new StringContent($$"""
            {"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application",
             "answerUrl": "{{emulator.BaseUrl}}/callAnswered", "disconnectUrl": "{{emulator.BaseUrl}}/callStatus"}
            """, Encoding.UTF8, "application/json"));
}
