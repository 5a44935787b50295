using System.Net.Http.Headers;
using System.Text;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WireMock.Server;

namespace HelloWorld.Blazor.Tests.Bandwidth;

/// <summary>
/// A WireMock.Net server standing in for Bandwidth, and the app's own service registration pointed at it, so the clients
/// and the resilience pipeline under test are exactly the ones the app runs.
/// </summary>
public sealed class BandwidthApiTestHost : IAsyncDisposable
{
    public const string AccountId = "9900000";
    public const string Username = "api-user";
    public const string Password = "api-password";

    private readonly WebApplication _app;

    public BandwidthApiTestHost(IDictionary<string, string?>? settings = null)
    {
        Server = WireMockServer.Start();
        WarmUp(Server);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bandwidth:AccountId"] = AccountId,
            ["Bandwidth:Username"] = Username,
            ["Bandwidth:Password"] = Password,
            ["Bandwidth:VoiceApplicationId"] = "voice-app",
            ["Bandwidth:PhoneNumber"] = "+19195550100",
            ["Bandwidth:BaseCallbackUrl"] = "https://app.example.com",
            ["Bandwidth:CallbackUsername"] = "hook-user",
            ["Bandwidth:CallbackPassword"] = "hook-password",
            ["Bandwidth:WebRtcApiBaseUrl"] = Server.Url + "/v1",
            ["Bandwidth:VoiceApiBaseUrl"] = Server.Url + "/api/v2",
            // Generous, so a busy test machine never times out a test that is not about timeouts.
            ["Bandwidth:Resilience:AttemptTimeout"] = "00:00:05",
            ["Bandwidth:Resilience:TotalTimeout"] = "00:00:15",
            ["Bandwidth:Resilience:RetryBaseDelay"] = "00:00:00.010",
            ["Bandwidth:Resilience:MaxRetryAfter"] = "00:00:02",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.AddProvider(new FakeLoggerProvider(Logs));
        builder.AddBandwidth();
        _app = builder.Build();
    }

    public WireMockServer Server { get; }

    /// <summary>Every log line the clients wrote.</summary>
    public FakeLogCollector Logs { get; } = new();

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static string ExpectedAuthorization { get; } =
        new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"))).ToString();

    public int RequestCount(string method, string path) =>
        Server.LogEntries.Count(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path);

    /// <summary>
    /// Sends the fresh server one request that no test counts. Its first answer is slow: on a cold, busy test run (two
    /// cores, other test processes) it took longer than the resilience pipeline's attempt timeouts (1 s in the resilience
    /// tests, 5 s here), so a test about a request's shape failed as "timed out", with a socket cancelled under
    /// RestSharp and the ResilienceHandler. The deadlines are the app's to keep; the server's cold start is not.
    /// </summary>
    private static void WarmUp(WireMockServer server)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url + "/warm-up")
        {
            Content = new StringContent("""{"warm": "up"}""", Encoding.UTF8, "application/json"),
        };
        using var response = client.Send(request);
        server.ResetLogEntries();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }
}
