using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HelloWorld.Emulator.Signaling.Sdp;

namespace HelloWorld.Emulator.Tests.Signaling;

/// <summary>Speaks the browser SDK's V3 protocol (JSON-RPC 2.0 over a WebSocket) as the SDK's frames in the transcript do.</summary>
internal sealed class DeviceClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _notifications = Channel.CreateUnbounded<JsonObject>();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private int _nextId;
    private Task? _reader;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Whether the server went away without a close frame (what the browser reports as code 1006).</summary>
    public bool ClosedWithoutHandshake { get; private set; }

    public static async Task<DeviceClient> ConnectAsync(string baseUrl, string token)
    {
        var client = new DeviceClient();
        var url = $"{baseUrl.Replace("http://", "ws://", StringComparison.Ordinal)}/emulator/device/v3/?token={token}&client=browser&sdkVersion=0.12.0-beta.1&uniqueId={Guid.NewGuid()}";
        await client._socket.ConnectAsync(new Uri(url), CancellationToken.None);
        client._reader = client.ReadAsync();
        return client;
    }

    /// <summary>Calls a method; returns the whole response (<c>result</c> or <c>error</c>).</summary>
    public async Task<JsonObject> CallAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answered = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            _pending[id] = answered;
        }
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters ?? new JsonObject(), ["id"] = id });
        return await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary><c>offerSdp</c> as the SDK sends it after publish(): the SDP, and the microphone's alias in the metadata.</summary>
    public Task<JsonObject> OfferAsync(string sdp) => CallAsync("offerSdp", new JsonObject
    {
        ["sdpOffer"] = sdp,
        ["mediaMetadata"] = new JsonObject
        {
            ["mediaStreams"] = new JsonObject { [RecordedSdp.MicrophoneStream] = new JsonObject { ["alias"] = "microphone" } },
            ["dataChannels"] = new JsonObject(),
        },
    });

    /// <summary>Answers an <c>sdpOffer</c> as the SDK does: every m-line accepted, the SDK's own ICE credentials, setup:passive.</summary>
    public Task<JsonObject> AnswerAsync(SessionDescription offer)
    {
        var answer = offer.ToString()
            .Replace("a=sendonly", "a=recvonly", StringComparison.Ordinal)
            .Replace("a=setup:actpass", "a=setup:passive", StringComparison.Ordinal)
            .Replace("a=ice-lite\r\n", "", StringComparison.Ordinal);
        answer = System.Text.RegularExpressions.Regex.Replace(answer, "a=ice-ufrag:.*", "a=ice-ufrag:R2rT");
        return CallAsync("answerSdp", new JsonObject { ["sdpAnswer"] = answer });
    }

    public Task NotifyAsync(string method) => SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method });

    public Task SendTextAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next <c>sdpOffer</c> the platform pushes, or <c>null</c> when none comes in time.</summary>
    public async Task<JsonObject?> NextOfferAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _notifications.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits for the server to close the socket.</summary>
    public async Task WaitClosedAsync() => await _reader!.WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        _socket.Dispose();
    }

    private Task SendAsync(JsonObject message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += received.Count;
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", CancellationToken.None);
                    return;
                }
                var message = JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
                if (message["method"]?.GetValue<string>() == "sdpOffer")
                {
                    await _notifications.Writer.WriteAsync(message);
                }
                else if (message["id"] is JsonValue id && id.TryGetValue<int>(out var number))
                {
                    lock (_pending)
                    {
                        if (_pending.Remove(number, out var answered))
                        {
                            answered.TrySetResult(message);
                        }
                    }
                }
                else
                {
                    await _notifications.Writer.WriteAsync(message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            ClosedWithoutHandshake = true;
        }
    }
}
