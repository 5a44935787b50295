using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HelloWorld.Emulator.Http;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// Sends Voice webhooks as Bandwidth does: a JSON POST, or a GET with the payload's fields as query parameters when the
/// call asked for GET; within the call's callback timeout; first without credentials, with them only after the app
/// answers 401 with <c>WWW-Authenticate: Basic</c> (a 401 without that header loses the webhook). A synchronous webhook
/// that fails is sent again to the fallback URL when the call has one.
/// </summary>
internal sealed partial class WebhookSender(IHttpClientFactory clients, TimeProvider clock, ILogger<WebhookSender> logger)
{
    public const string ClientName = "emulator-webhooks";
    public const int MaxBxmlBytes = 64 * 1024;

    /// <summary>
    /// Sends the webhook to <paramref name="primary"/>, and to <paramref name="fallback"/> if that fails; returns the
    /// last answer (a record of each attempt is kept on the call).
    /// </summary>
    public async Task<WebhookRecord> SendAsync(
        EmulatedCall call, WebhookTarget primary, WebhookTarget? fallback, object payload, string eventType, CancellationToken cancellationToken)
    {
        var record = await SendAsync(call, primary, payload, eventType, cancellationToken);
        if (record.Failed && fallback is not null && !cancellationToken.IsCancellationRequested)
        {
            record = await SendAsync(call, fallback, payload, eventType, cancellationToken);
        }
        return record;
    }

    public async Task<WebhookRecord> SendAsync(EmulatedCall call, WebhookTarget target, object payload, string eventType, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow();
        var timeLimit = call.Callbacks.Timeout;
        WebhookRecord record;
        // On the emulator's clock, so a test can run a slow app past the callback timeout without waiting for it.
        using var timeout = new CancellationTokenSource(timeLimit, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = clients.CreateClient(ClientName);
            using var first = await client.SendAsync(Request(target, payload, null), HttpCompletionOption.ResponseContentRead, linked.Token);
            if (first.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenged = first.Headers.WwwAuthenticate.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
                if (!challenged || target.Username is null || target.Password is null)
                {
                    record = Record(401, authenticated: false, null,
                        challenged ? "401 challenge, but no callback credentials are configured" : "401 without a WWW-Authenticate: Basic challenge");
                }
                else
                {
                    var credentials = new AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{target.Username}:{target.Password}")));
                    using var second = await client.SendAsync(Request(target, payload, credentials), HttpCompletionOption.ResponseContentRead, linked.Token);
                    record = await ReadAsync(second, authenticated: true, linked.Token);
                }
            }
            else
            {
                record = await ReadAsync(first, authenticated: false, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            record = Record(0, false, null, $"no answer within {timeLimit.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            record = Record(0, false, null, $"could not reach the app: {exception.Message}");
        }
        call.Record(record);
        Log.Sent(logger, eventType, target.Method, call.CallId, record.Status, record.DurationMs, record.Error ?? "");
        return record;

        WebhookRecord Record(int status, bool authenticated, string? bxml, string? error) =>
            new(eventType, target.Url, target.Method, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, at, authenticated, bxml, error);

        async Task<WebhookRecord> ReadAsync(HttpResponseMessage response, bool authenticated, CancellationToken token)
        {
            var body = await response.Content.ReadAsStringAsync(token);
            var ok = response.IsSuccessStatusCode;
            return Record((int)response.StatusCode, authenticated, ok ? body : null,
                ok ? null : $"the app answered {(int)response.StatusCode}");
        }
    }

    private static HttpRequestMessage Request(WebhookTarget target, object payload, AuthenticationHeaderValue? credentials)
    {
        var request = target.Method == "GET"
            ? new HttpRequestMessage(HttpMethod.Get, WithQuery(target.Url, payload))
            : new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = JsonContent.Create(payload, payload.GetType(), options: ApiResults.Json) };
        request.Headers.Authorization = credentials;
        request.Headers.UserAgent.ParseAdd("BandwidthAPI/v2 (HelloWorld emulator)");
        return request;
    }

    /// <summary>A GET webhook carries the payload's fields as query parameters, named and written as in the JSON body.</summary>
    internal static string WithQuery(string url, object payload)
    {
        var query = new StringBuilder();
        foreach (var field in JsonSerializer.SerializeToElement(payload, payload.GetType(), ApiResults.Json).EnumerateObject())
        {
            var value = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            query.Append(query.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(field.Name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return query.Length == 0 ? url : $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{query}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9801, Level = LogLevel.Information, Message = "Webhook {EventType} ({Method}) for call {CallId}: {Status} in {DurationMs:0} ms {Error}")]
        public static partial void Sent(ILogger logger, string eventType, string method, string callId, int status, double durationMs, string error);
    }
}

/// <summary>Where one webhook goes, how, and the credentials to present if the app challenges.</summary>
/// <param name="Method"><c>POST</c> or <c>GET</c>.</param>
internal sealed record WebhookTarget(string Url, string Method, string? Username, string? Password);
