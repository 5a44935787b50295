using System.Net;
using System.Text.Json.Nodes;
using HelloWorld.Blazor.Tests.Browser;
using HelloWorld.Blazor.Tests.Scaleout;
using HelloWorld.Testing;

namespace HelloWorld.Blazor.Tests.Observability;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> in every state the app can be in: emulator mode, an account whose APIs
/// answer, one whose WebRTC API is unreachable, one whose credentials are refused, a Redis that stops answering.
/// Asked with no credentials at all, as an orchestrator asks.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task EmulatorMode_LiveAndReadyAnswer200_WithEveryCheckHealthy()
    {
        await using var app = RunningApp.Start();

        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(app.BaseUrl + "/health/live")).StatusCode);
        var (status, body) = await ReadyAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", (string?)body["status"]);
        Assert.Equal("emulator", (string?)body["mode"]);
        Assert.Equal(["bandwidth-voice", "bandwidth-webrtc"], Checks(body).Keys.Order());
        Assert.All(Checks(body).Values, check => Assert.Equal("Healthy", (string?)check["status"]));
    }

    [Fact]
    public async Task AccountMode_WebRtcApiOnAClosedPort_ReadyAnswers503NamingIt_LiveStill200()
    {
        await using var bandwidth = await StandaloneEmulator.StartAsync();
        var settings = bandwidth.AccountSettings;
        settings["Bandwidth:WebRtcApiBaseUrl"] = $"http://127.0.0.1:{LoopbackPorts.Free()}/v1";
        await using var app = RunningApp.Start(settings);

        var (status, body) = await ReadyAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", (string?)body["status"]);
        Assert.Equal("account", (string?)body["mode"]);
        var checks = Checks(body);
        Assert.Equal("Unhealthy", (string?)checks["bandwidth-webrtc"]["status"]);
        Assert.Contains("connection failed", (string?)checks["bandwidth-webrtc"]["description"], StringComparison.Ordinal);
        Assert.Equal("Healthy", (string?)checks["bandwidth-voice"]["status"]);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(app.BaseUrl + "/health/live")).StatusCode);
        AssertNoSecret(body.ToJsonString(), settings);
    }

    [Fact]
    public async Task AccountMode_CredentialsRefused_ReadyAnswers503SayingSo_WithoutThePassword()
    {
        await using var bandwidth = await StandaloneEmulator.StartAsync();
        var settings = bandwidth.AccountSettings;
        settings["Bandwidth:Password"] = "not-the-accounts-password-9Z";
        await using var app = RunningApp.Start(settings);

        var (status, body) = await ReadyAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        foreach (var check in Checks(body).Values)
        {
            Assert.Equal("Unhealthy", (string?)check["status"]);
            Assert.Contains("credentials", (string?)check["description"], StringComparison.Ordinal);
            Assert.Equal(401, (int?)check["data"]?["status"]);
        }
        AssertNoSecret(body.ToJsonString(), settings);
    }

    [Fact]
    public async Task Ready_AsksEachApiOnceInTenSeconds_HoweverOftenItIsAsked()
    {
        await using var bandwidth = await StandaloneEmulator.StartAsync();
        await using var app = RunningApp.Start(bandwidth.AccountSettings);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(app)).Status);
        }

        var probes = (await bandwidth.Control.RequestsAsync()).Select(r => (string)r["path"]!).Where(path => path.Contains("00000000-0000", StringComparison.Ordinal)).ToList();
        Assert.Single(probes, path => path.Contains("/sessions/", StringComparison.Ordinal));
        Assert.Single(probes, path => path.Contains("/calls/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedisThatStopsAnswering_ReadyAnswers503NamingRedis_WithoutItsPassword_LiveStill200()
    {
        // An unreachable Redis fails the start itself (Scaleout): readiness is about one that goes away afterwards.
        var redis = new RedisServer { Password = "redis-secret-7Q" };
        await redis.InitializeAsync();
        await using var app = RunningApp.Start(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        var (healthyStatus, healthyBody) = await ReadyAsync(app);
        Assert.Equal(HttpStatusCode.OK, healthyStatus);
        Assert.Equal("Healthy", (string?)Checks(healthyBody)["redis"]["status"]);

        await redis.DisposeAsync();
        var (status, body) = await ReadyAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var checks = Checks(body);
        Assert.Equal("Unhealthy", (string?)checks["redis"]["status"]);
        Assert.Equal("Healthy", (string?)checks["bandwidth-webrtc"]["status"]);
        Assert.DoesNotContain("redis-secret-7Q", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(app.BaseUrl + "/health/live")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ReadyAsync(RunningApp app)
    {
        using var response = await app.Http.GetAsync(app.BaseUrl + "/health/ready");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static Dictionary<string, JsonObject> Checks(JsonObject body) =>
        body["checks"]!.AsArray().Select(check => check!.AsObject()).ToDictionary(check => (string)check["name"]!, check => check);

    private static void AssertNoSecret(string body, IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var key in (string[])["Bandwidth:Password", "Bandwidth:CallbackPassword"])
        {
            Assert.DoesNotContain(settings[key]!, body, StringComparison.Ordinal);
        }
    }
}
