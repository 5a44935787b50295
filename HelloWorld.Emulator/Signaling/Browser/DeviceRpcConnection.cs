using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>
/// The framing of the V3 device protocol: JSON-RPC 2.0, one message per WebSocket text message. Requests are read one at
/// a time; responses and the emulator's notifications go out one at a time. What the methods mean is the device's
/// business (<see cref="BrowserDevice"/>).
/// </summary>
internal sealed class DeviceRpcConnection(WebSocket socket)
{
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    private const int ParseError = -32700;
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _closed = new();

    /// <summary>Cancelled once the connection is closed or closing: nothing goes out after it, and reading stops.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>
    /// The next request (a message with a method), or <c>null</c> once the socket no longer reads. Responses to the
    /// emulator's notifications are skipped; a message that is not JSON is answered with a parse error and skipped.
    /// </summary>
    public async Task<RpcRequest?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (socket.State == WebSocketState.Open)
        {
            var message = await ReceiveMessageAsync(cancellationToken);
            if (message is null)
            {
                return null;
            }
            if (message is JsonObject request && request["method"]?.GetValueKind() == JsonValueKind.String)
            {
                return new RpcRequest(request["method"]!.GetValue<string>(), request["id"]?.DeepClone(), request["params"] as JsonObject);
            }
        }
        return null;
    }

    public Task RespondAsync(JsonNode id, JsonNode result) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["result"] = result, ["id"] = id });

    public Task RespondWithErrorAsync(JsonNode? id, int code, string message) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["error"] = new JsonObject { ["code"] = code, ["message"] = message }, ["id"] = id });

    public Task NotifyAsync(string method, JsonObject parameters) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    /// <summary>Closes with 1000, the one code after which the SDK does not reconnect.</summary>
    public Task CloseAsync(string reason) => CloseAsync(WebSocketCloseStatus.NormalClosure, reason);

    /// <summary>Closes with <paramref name="status"/>: the SDK reconnects, with the same token, after any code but 1000.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(CloseGrace);
                await socket.CloseOutputAsync(status, reason, timeout.Token);
                // Reading ends when the browser acknowledges; cancelling it now would abort the socket and could reset
                // the connection before the browser reads the close frame.
                _closed.CancelAfter(CloseGrace);
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        await _closed.CancelAsync();
    }

    /// <summary>
    /// Drops the connection without a close frame, as a network that goes away does: the browser sees code 1006, and the
    /// SDK reconnects.
    /// </summary>
    public void Abort()
    {
        socket.Abort();
        _closed.Cancel();
    }

    /// <summary>The device is going away: stops reading and sending at once.</summary>
    public Task StopAsync() => _closed.CancelAsync();

    private async Task<JsonNode?> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }
                message.Write(buffer, 0, received.Count);
                if (message.Length > MaxMessageBytes)
                {
                    await CloseWithErrorAsync(WebSocketCloseStatus.MessageTooBig, "message too big");
                    return null;
                }
                if (received.EndOfMessage)
                {
                    break;
                }
            }
            try
            {
                return JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) ?? new JsonObject();
            }
            catch (JsonException)
            {
                await RespondWithErrorAsync(null, ParseError, "Parse error: the message is not JSON.");
                return new JsonObject(); // not a request: skipped, and the connection goes on
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendAsync(JsonObject message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        await _sending.WaitAsync(_closed.Token);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _closed.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task CloseWithErrorAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>One JSON-RPC request; <see cref="Id"/> is <c>null</c> for a notification, which gets no response.</summary>
internal sealed record RpcRequest(string Method, JsonNode? Id, JsonObject? Parameters);

/// <summary>A request the device refuses: answered with a JSON-RPC error of <see cref="Code"/>.</summary>
internal sealed class RpcException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
