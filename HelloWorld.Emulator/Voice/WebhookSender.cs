using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using HelloWorld.Emulator.Http;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// Posts Voice webhooks as Bandwidth does: JSON, within the call's callback timeout, first without credentials; with
/// them only after the app answers 401 with <c>WWW-Authenticate: Basic</c>. A 401 without that header loses the webhook.
/// </summary>
internal sealed partial class WebhookSender(IHttpClientFactory clients, TimeProvider clock, ILogger<WebhookSender> logger)
{
    public const string ClientName = "emulator-webhooks";
    public const int MaxBxmlBytes = 64 * 1024;

    /// <summary>Posts the webhook and returns what the app answered (a record of it is kept on the call).</summary>
    public async Task<WebhookRecord> PostAsync(EmulatedCall call, string url, object payload, string eventType, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow();
        var callbacks = call.Callbacks;
        WebhookRecord record;
        // On the emulator's clock, so a test can run a slow app past the callback timeout without waiting for it.
        using var timeLimit = new CancellationTokenSource(callbacks.Timeout, clock);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeLimit.Token);
            var client = clients.CreateClient(ClientName);
            using var first = await client.SendAsync(Request(url, payload, null), HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (first.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenged = first.Headers.WwwAuthenticate.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
                if (!challenged || callbacks.Username is null || callbacks.Password is null)
                {
                    record = Record(401, authenticated: false, null,
                        challenged ? "401 challenge, but no callback credentials are configured" : "401 without a WWW-Authenticate: Basic challenge");
                }
                else
                {
                    var credentials = new AuthenticationHeaderValue("Basic",
                        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{callbacks.Username}:{callbacks.Password}")));
                    using var second = await client.SendAsync(Request(url, payload, credentials), HttpCompletionOption.ResponseContentRead, timeout.Token);
                    record = await ReadAsync(second, authenticated: true, timeout.Token);
                }
            }
            else
            {
                record = await ReadAsync(first, authenticated: false, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            record = Record(0, false, null, $"no answer within {callbacks.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            record = Record(0, false, null, $"could not reach the app: {exception.Message}");
        }
        call.Record(record);
        Log.Posted(logger, eventType, call.CallId, record.Status, record.DurationMs, record.Error ?? "");
        return record;

        WebhookRecord Record(int status, bool authenticated, string? bxml, string? error) =>
            new(eventType, url, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, at, authenticated, bxml, error);

        async Task<WebhookRecord> ReadAsync(HttpResponseMessage response, bool authenticated, CancellationToken token)
        {
            var body = await response.Content.ReadAsStringAsync(token);
            var ok = response.IsSuccessStatusCode;
            return Record((int)response.StatusCode, authenticated, ok ? body : null,
                ok ? null : $"the app answered {(int)response.StatusCode}");
        }
    }

    private static HttpRequestMessage Request(string url, object payload, AuthenticationHeaderValue? credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(payload, payload.GetType(), options: ApiResults.Json) };
        request.Headers.Authorization = credentials;
        request.Headers.UserAgent.ParseAdd("BandwidthAPI/v2 (HelloWorld emulator)");
        return request;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9801, Level = LogLevel.Information, Message = "Webhook {EventType} for call {CallId}: {Status} in {DurationMs:0} ms {Error}")]
        public static partial void Posted(ILogger logger, string eventType, string callId, int status, double durationMs, string error);
    }
}
