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

    private static Task<HttpResponseMessage> CallAsync(HttpClient client, string clientAddress, string number)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/callPhone") { Content = JsonContent.Create(new { to = number }) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return client.SendAsync(request);
    }
}
