using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.Control;

/// <summary>The control API answers this machine only: what a web page, a rebound host name or another machine may not do.</summary>
public sealed class ControlApiGuardTests : IAsyncLifetime
{
    /// <summary>A request with this header looks to the emulator as if it came from that address (what a proxy's forwarded headers do).</summary>
    private const string PeerHeader = "X-Test-Peer";
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await StartAsync(allowRemoteControl: false);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task APostWhoseBodyIsNotJson_Answers415_AndDoesNothing(string contentType)
    {
        // What a web page may send to any origin without a preflight: this one dialed a phone and installed a fault.
        var dial = await Send(HttpMethod.Post, "calls", """{"from": "+19195550124"}""", contentType);
        var fault = await Send(HttpMethod.Post, "faults", """{"pathPattern": "/", "status": 500}""", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, dial.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, fault.StatusCode);
        Assert.Contains("application/json", (string?)(await dial.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        Assert.Empty((await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/calls"))!);
        Assert.Empty((await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/faults"))!);
    }

    [Fact]
    public async Task APostWithoutABody_IsStillServed()
    {
        var response = await _emulator.Api.PostAsync("/emulator/control/calls/c-nope/hangup", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // served: the call is unknown
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    public async Task ARequestFromAPageOfAnotherOrigin_Answers403_AndDoesNothing(string origin)
    {
        var dial = await Send(HttpMethod.Post, "calls", """{"from": "+19195550124"}""", origin: origin);
        var read = await Send(HttpMethod.Get, "sessions", origin: origin);

        Assert.Equal(HttpStatusCode.Forbidden, dial.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Empty((await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/calls"))!);
    }

    [Fact]
    public async Task ARequestFromThePhoneSimulatorsOwnOrigin_IsServed()
    {
        var dial = await Send(HttpMethod.Post, "calls", """{"from": "+19195550124"}""", origin: _emulator.BaseUrl);

        Assert.Equal(HttpStatusCode.Created, dial.StatusCode);
    }

    [Theory]
    [InlineData("rebound.evil.example")]
    [InlineData("rebound.evil.example:80")]
    [InlineData("192.168.1.20")]
    public async Task ARequestAddressedToAnotherHost_Answers403_SoARebindingPageCannotReadTokens(string host)
    {
        var response = await Send(HttpMethod.Get, "sessions", host: host);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("participants", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("phone.localhost")]
    public async Task ARequestAddressedToALoopbackName_IsServed(string host) =>
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "sessions", host: host)).StatusCode);

    [Fact]
    public async Task ARequestFromAnotherMachine_Answers403_NamingTheSettingThatAllowsIt()
    {
        var response = await Send(HttpMethod.Get, "calls", peer: "192.0.2.10");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Emulator:AllowRemoteControl", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        Assert.Contains(_emulator.Logs.GetSnapshot(), line => line.Message.Contains("/calls: a request from another machine", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAllowRemoteControl_AnotherMachineIsServed_AtAnIPAddressButNotAtAHostName()
    {
        await using var emulator = await StartAsync(allowRemoteControl: true);

        var atAddress = await Send(emulator, HttpMethod.Get, "calls", peer: "192.0.2.10", host: "192.168.1.20:5270");
        var atName = await Send(emulator, HttpMethod.Get, "calls", peer: "192.0.2.10", host: "rebound.evil.example");

        Assert.Equal(HttpStatusCode.OK, atAddress.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, atName.StatusCode);
    }

    [Fact]
    public async Task TheEmulatedApis_AreNotConcerned_ByTheControlApisGuard()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.WebRtc("sessions")) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add(PeerHeader, "192.0.2.10");

        Assert.Equal(HttpStatusCode.OK, (await _emulator.Api.SendAsync(request)).StatusCode);
    }

    private Task<HttpResponseMessage> Send(
        HttpMethod method, string path, string? body = null, string contentType = "application/json", string? origin = null, string? host = null,
        string? peer = null) => Send(_emulator, method, path, body, contentType, origin, host, peer);

    private static async Task<HttpResponseMessage> Send(
        EmulatorHost emulator, HttpMethod method, string path, string? body = null, string contentType = "application/json", string? origin = null,
        string? host = null, string? peer = null)
    {
        using var request = new HttpRequestMessage(method, $"/emulator/control/{path}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (peer is not null)
        {
            request.Headers.Add(PeerHeader, peer);
        }
        return await emulator.Api.SendAsync(request);
    }

    private static Task<EmulatorHost> StartAsync(bool allowRemoteControl) => EmulatorHost.StartAsync(
        options => options.AllowRemoteControl = allowRemoteControl,
        services => services.AddSingleton<IStartupFilter, PeerFromHeader>());

    /// <summary>Sets the connection's remote address from <see cref="PeerHeader"/>, as the app's forwarded-headers middleware would.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[PeerHeader] is { Count: > 0 } peer)
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
