using System.Net;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>
/// Guessing the webhook password, on a real server: the client address comes from <c>X-Forwarded-For</c>, which the app
/// believes from loopback (a tunnel on the same machine), so each test speaks for as many addresses as it needs.
/// </summary>
public sealed class WebhookLoginThrottleTests : IAsyncLifetime
{
    private const string Guesser = "203.0.113.7";
    private const string Bandwidth = "198.51.100.9";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2025-01-01T12:00:00Z"));
    private AccountModeAppFactory _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _app = AccountModeAppFactory.OnKestrel();
        _app.Clock = _clock;
        _client = _app.Client();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task ThousandsOfWrongGuesses_Get429AfterABurst_AndAFewLogLines_WhileBandwidthFromAnotherAddressStillGetsIn()
    {
        var statuses = new List<HttpStatusCode>();
        for (var guess = 0; guess < 2000; guess++)
        {
            using var response = await PostAsync(Guesser, WebhookClient.Basic(AccountModeAppFactory.CallbackUsername, $"guess-{guess}"));
            statuses.Add(response.StatusCode);
        }
        using var genuine = await PostAsync(Bandwidth, WebhookClient.BandwidthCredentials);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10));
        Assert.All(statuses.Skip(10), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        var aboutTheGuesser = _app.Logs.GetSnapshot().Where(log => log.Level >= LogLevel.Warning && log.Message.Contains(Guesser, StringComparison.Ordinal)).ToList();
        Assert.InRange(aboutTheGuesser.Count, 1, 3);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), log => log.Level >= LogLevel.Warning && log.Message.StartsWith("Refused POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThrottledAddress_EvenWithTheRightCredentials_Waits_ThenGetsInOnceItsWindowEnds_AndTheWindowIsSummarisedWithItsCount()
    {
        for (var guess = 0; guess < 25; guess++)
        {
            using var _ = await PostAsync(Guesser, WebhookClient.Basic("admin", $"guess-{guess}"));
        }

        using var throttled = await PostAsync(Guesser, WebhookClient.BandwidthCredentials);
        _clock.Advance(TimeSpan.FromMinutes(1));
        using var later = await PostAsync(Guesser, WebhookClient.BandwidthCredentials);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Message.StartsWith($"10 failed Voice webhook authentications from {Guesser}", StringComparison.Ordinal) &&
            log.Message.Contains("16 more requests answered 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BandwidthsFirstAttemptsWithoutCredentials_AreChallenged_NeverCountedAsFailures()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var challenged = await PostAsync(Bandwidth, authorization: null);
            Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
            Assert.Equal("Basic", Assert.Single(challenged.Headers.WwwAuthenticate).Scheme);
        }

        using var authenticated = await PostAsync(Bandwidth, WebhookClient.BandwidthCredentials);

        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), log => log.Level >= LogLevel.Warning && log.Message.Contains(Bandwidth, StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> PostAsync(string from, System.Net.Http.Headers.AuthenticationHeaderValue? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/incomingCall")
        {
            Content = new StringContent(VoiceWebhookPayloads.Initiate(callId: $"c-{Guid.NewGuid():N}"), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = authorization;
        request.Headers.Add("X-Forwarded-For", from);
        return _client.SendAsync(request);
    }
}
