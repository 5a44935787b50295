using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace HelloWorld.Emulator.Tests;

/// <summary>
/// The emulator on a loopback Kestrel port, as a test drives it: over HTTP and WebSocket. The same host also plays the
/// app for the Voice application's webhooks, answering what each test sets in <see cref="AppAnswers"/>.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _host;

    private EmulatorHost(WebApplication host, string baseUrl, EmulatorOptions options)
    {
        _host = host;
        BaseUrl = baseUrl;
        Options = options;
        Api = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Api.DefaultRequestHeaders.Authorization = Basic(options.Username, options.Password);
    }

    public string BaseUrl { get; }

    public EmulatorOptions Options { get; }

    /// <summary>A client with the emulated account's API credentials.</summary>
    public HttpClient Api { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Every log line the host wrote, at every level.</summary>
    public required FakeLogCollector Logs { get; init; }

    /// <summary>Every webhook the "app" received: path, Authorization header, body, method and query.</summary>
    public ConcurrentQueue<ReceivedWebhook> Webhooks { get; } = new();

    /// <summary>What the "app" answers per path; unset paths answer 204.</summary>
    public ConcurrentDictionary<string, Func<HttpContext, ReceivedWebhook, Task>> AppAnswers { get; } = new();

    public string WebRtc(string path) => $"/emulator/webrtc/v1/accounts/{Options.AccountId}/{path}";

    public string Voice(string path) => $"/emulator/voice/api/v2/accounts/{Options.AccountId}/{path}";

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static async Task<EmulatorHost> StartAsync(Action<EmulatorOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var logs = new FakeLogCollector();
        // Everything, for tests that read the log; the console keeps to warnings.
        builder.Logging.AddProvider(new FakeLoggerProvider(logs)).AddFilter<FakeLoggerProvider>(null, LogLevel.Trace);
        var options = new EmulatorOptions();
        configure?.Invoke(options);
        builder.Services.AddBandwidthEmulator(emulator =>
        {
            configure?.Invoke(emulator);
        });
        services?.Invoke(builder.Services); // after the emulator's own registrations, so a test's replacement wins
        var host = builder.Build();
        host.UseWebSockets();
        host.MapBandwidthEmulator();
        EmulatorHost? self = null;
        host.MapMethods("/{**path}", ["GET", "POST"], async (HttpContext context, string path) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var webhook = new ReceivedWebhook("/" + path, context.Request.Headers.Authorization.ToString(), await reader.ReadToEndAsync(),
                context.Request.Method, context.Request.QueryString.Value ?? "");
            self!.Webhooks.Enqueue(webhook);
            if (self.AppAnswers.TryGetValue("/" + path, out var answer))
            {
                await answer(context, webhook);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
        });
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync(); // a start that fails (invalid settings) leaves nothing behind
            throw;
        }
        self = new EmulatorHost(host, host.Urls.First().TrimEnd('/'), options) { Logs = logs };
        return self;
    }

    /// <summary>Makes the "app" answer BXML on <paramref name="path"/>.</summary>
    public void AnswerBxml(string path, string bxml) => AppAnswers[path] = async (context, _) =>
    {
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(bxml);
    };

    /// <summary>
    /// Makes the "app" answer BXML on <paramref name="path"/> only to the given Basic credentials, and challenge (401 with
    /// <c>WWW-Authenticate</c>) anything else, as the real app's webhook authentication does.
    /// </summary>
    public void AnswerBxmlWithBasicAuth(string path, string username, string password, string bxml) => AppAnswers[path] = async (context, _) =>
    {
        if (context.Request.Headers.Authorization != Basic(username, password).ToString())
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"app\"";
            return;
        }
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(bxml);
    };

    /// <summary>A new session of the emulated account, through the WebRTC API.</summary>
    public async Task<string> CreateSessionAsync() => (string)(await PostJsonAsync(WebRtc("sessions"), "{}"))["id"]!;

    /// <summary>A V3 participant with <paramref name="permissions"/> (a JSON array), added to <paramref name="sessionId"/>.</summary>
    public async Task<(string Id, string Token)> JoinAsync(string sessionId, string permissions = """["AUDIO"]""")
    {
        var created = await PostJsonAsync(WebRtc("participants"), $$"""{"publishPermissions": {{permissions}}, "deviceApiVersion": "V3"}""");
        var id = (string)created["participant"]!["id"]!;
        using var added = await Api.PutAsync(WebRtc($"sessions/{sessionId}/participants/{id}"),
            new StringContent($$"""{"sessionId": "{{sessionId}}"}""", Encoding.UTF8, "application/json"));
        added.EnsureSuccessStatusCode();
        return (id, (string)created["token"]!);
    }

    private async Task<JsonObject> PostJsonAsync(string path, string json)
    {
        using var response = await Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Stops the host as a shutdown does: every hosted service's StopAsync, within the host's shutdown timeout.</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _host.DisposeAsync();
    }
}

/// <param name="Query">The query string (with its <c>?</c>): where a GET webhook carries its fields.</param>
public sealed record ReceivedWebhook(string Path, string Authorization, string Body, string Method = "POST", string Query = "");
