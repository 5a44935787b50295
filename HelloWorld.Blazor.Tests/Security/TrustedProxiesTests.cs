using System.Net;
using System.Net.Http.Json;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Security;

/// <summary>Behind a tunnel on this machine (loopback), as the README describes: the app sees the client, not the tunnel.</summary>
public sealed class TrustedProxiesTests
{
    [Fact]
    public async Task PerClientRateLimit_BehindALoopbackProxy_CountsEachForwardedClientApart()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.Settings["PhoneCalls:MaxCallsPerClientPerMinute"] = "1";
        app.Settings["Bandwidth:AllowedOutboundNumbers:0"] = "+19195550124";
        var client = app.Client();

        var first = await CallAsync(client, "203.0.113.7", "+19195550123");
        var again = await CallAsync(client, "203.0.113.7", "+19195550124");
        var other = await CallAsync(client, "198.51.100.20", "+19195550124");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    /// <summary>
    /// Issue 11: through a raw TCP tunnel on this machine, every request comes from loopback and carries whatever
    /// X-Forwarded-For its client wrote, so each request could claim a new address (28,384 participants in 60 s).
    /// </summary>
    [Fact]
    public async Task TrustLoopbackOff_AForgedForwardedForFromLoopbackIsNotBelieved_SoTheClientCeilingHolds()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.Settings["ForwardedHeaders:TrustLoopback"] = "false";
        var client = app.Client();

        var answers = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
        {
            answers.Add((await ConnectionInfoAsync(client, $"203.0.113.{i}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(3, app.WebRtc.Participants.Count);
    }

    /// <summary>Whatever addresses clients claim, the session's capacity bounds what they can create.</summary>
    [Fact]
    public async Task TrustLoopbackOn_ForgedAddressesStillStopAtTheSessionsCapacity()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        var client = app.Client();

        for (var i = 1; i <= 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ConnectionInfoAsync(client, $"203.0.113.{i}")).StatusCode);
        }
        var twentyFirst = await ConnectionInfoAsync(client, "203.0.113.21");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, twentyFirst.StatusCode);
        Assert.Equal(20, app.WebRtc.Participants.Count);
    }

    [Fact]
    public async Task TrustLoopbackOff_AListedProxyIsStillBelieved()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.Settings["ForwardedHeaders:TrustLoopback"] = "false";
        app.Settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        app.Settings["Participants:MaxPerClient"] = "1";
        var client = app.Client();

        var first = await ConnectionInfoAsync(client, "203.0.113.7");
        var other = await ConnectionInfoAsync(client, "198.51.100.20");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, other.StatusCode));
    }

    [Fact]
    public async Task TrustLoopbackOff_ForwardedClientsFromLoopbackAreOneClient()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.Settings["ForwardedHeaders:TrustLoopback"] = "false";
        app.Settings["PhoneCalls:MaxCallsPerClientPerMinute"] = "1";
        app.Settings["Bandwidth:AllowedOutboundNumbers:0"] = "+19195550124";
        var client = app.Client();

        var first = await CallAsync(client, "203.0.113.7", "+19195550123");
        var other = await CallAsync(client, "198.51.100.20", "+19195550124");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task HttpsRedirection_BehindATlsTerminatingProxy_TrustsItsForwardedProto()
    {
        await using var app = AccountModeAppFactory.OnKestrel();
        app.EnvironmentName = "Production"; // where HTTPS redirection is on
        app.Settings["https_port"] = "443";
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Client().BaseAddress };

        var plain = await client.GetAsync("/callPhone");
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/callPhone") { Headers = { { "X-Forwarded-Proto", "https" } } };
        var viaProxy = await client.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, viaProxy.StatusCode); // served, not redirected
    }

    [Fact]
    public void AProxyThatIsNotAnAddress_StopsTheAppNamingTheSetting()
    {
        using var app = new AccountModeAppFactory();
        app.Settings["ForwardedHeaders:KnownProxies:0"] = "my-proxy";
        app.Settings["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33";

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("ForwardedHeaders:KnownProxies holds 'my-proxy', which is not an IP address", error.Message);
        Assert.Contains("ForwardedHeaders:KnownNetworks holds '10.0.0.0/33'", error.Message);
    }

    private static Task<HttpResponseMessage> ConnectionInfoAsync(HttpClient client, string clientAddress)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/connectionInfo");
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> CallAsync(HttpClient client, string clientAddress, string number)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/callPhone") { Content = JsonContent.Create(new { to = number }) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return client.SendAsync(request);
    }
}
