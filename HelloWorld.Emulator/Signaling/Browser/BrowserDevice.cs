using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>
/// One browser SDK connected over the V3 device protocol: JSON-RPC 2.0 over a WebSocket (<see cref="DeviceRpcConnection"/>).
/// The browser offers what it publishes (<see cref="BrowserPublishing"/>); the emulator offers what it may receive
/// (<see cref="BrowserSubscribing"/>). This class serves the connection, dispatches its methods, and tears both sides down.
/// </summary>
internal sealed class BrowserDevice : IDevice
{
    private const int DiagnosticsKept = 50;

    private readonly DeviceRpcConnection _rpc;
    private readonly DeviceHub _hub;
    private readonly ILogger _logger;
    private readonly BrowserPublishing _publishing;
    private readonly BrowserSubscribing _subscribing;
    private readonly Queue<JsonNode> _diagnostics = new();

    public BrowserDevice(
        WebSocket socket, EmulatedParticipant participant, DeviceHub hub, IMediaServer media, IMediaRelay relay,
        TimeProvider clock, ILogger logger)
    {
        _rpc = new DeviceRpcConnection(socket);
        _hub = hub;
        _logger = logger;
        var context = new BrowserDeviceContext(
            participant.Id, RandomNumberGenerator.GetInt32(1, int.MaxValue), hub, media, relay, logger, _rpc.Closed);
        _publishing = new BrowserPublishing(context, participant.PublishPermissions);
        _subscribing = new BrowserSubscribing(context, _rpc);
        ParticipantId = participant.Id;
        ConnectedAt = clock.GetUtcNow();
    }

    public string ParticipantId { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Serves the socket until it closes; the hub knows the device meanwhile.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _rpc.Closed);
        _hub.Connect(this);
        BrowserDeviceLog.Connected(_logger, ParticipantId);
        try
        {
            while (await _rpc.ReceiveAsync(linked.Token) is { } request)
            {
                await HandleAsync(request);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // The browser went away (tab closed, network gone) or the device was closed: both end the session.
        }
        finally
        {
            await ShutDownAsync();
        }
    }

    public Task CloseAsync(string reason)
    {
        BrowserDeviceLog.Closing(_logger, ParticipantId, reason);
        return _rpc.CloseAsync(reason);
    }

    /// <summary>
    /// Drops the signaling connection as the control API asks: without a close frame when <paramref name="closeCode"/> is
    /// <c>null</c> (what a network failure looks like), else with that code. The SDK reconnects after anything but 1000.
    /// </summary>
    public async Task DropAsync(int? closeCode)
    {
        BrowserDeviceLog.Dropped(_logger, ParticipantId, closeCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (aborted)");
        if (closeCode is { } code)
        {
            await _rpc.CloseAsync((WebSocketCloseStatus)code, "dropped by the emulator's control API");
        }
        else
        {
            _rpc.Abort();
        }
    }

    public ConnectedDeviceInfo Describe() => new(
        ParticipantId, "browser", ConnectedAt, _publishing.OfferCount, _publishing.ConnectionState, _subscribing.ConnectionState);

    public IReadOnlyList<JsonNode> Diagnostics
    {
        get
        {
            lock (_diagnostics)
            {
                return [.. _diagnostics];
            }
        }
    }

    public void SyncReceivedStreams() => _subscribing.Sync();

    private async Task HandleAsync(RpcRequest request)
    {
        try
        {
            JsonNode? result = request.Method switch
            {
                "setMediaPreferences" => new JsonObject(),
                "offerSdp" => _publishing.Offer(request.Parameters),
                "answerSdp" => _subscribing.Answer(request.Parameters),
                "ping" => new JsonObject(),
                "leave" => null,
                "deviceDiagnostics" => KeepDiagnostics(request.Parameters),
                _ => throw new RpcException(DeviceRpcConnection.MethodNotFound, $"Method not found: {request.Method}"),
            };
            if (request.Id is not null)
            {
                await _rpc.RespondAsync(request.Id, result ?? new JsonObject());
            }
            if (request.Method == "leave")
            {
                BrowserDeviceLog.Left(_logger, ParticipantId);
                await CloseAsync("the device left");
            }
        }
        catch (RpcException error)
        {
            BrowserDeviceLog.RequestFailed(_logger, ParticipantId, request.Method, error.Message);
            if (request.Id is not null)
            {
                await _rpc.RespondWithErrorAsync(request.Id, error.Code, error.Message);
            }
        }
    }

    private JsonObject KeepDiagnostics(JsonObject? parameters)
    {
        if (parameters?["logs"] is JsonArray logs)
        {
            lock (_diagnostics)
            {
                foreach (var entry in logs.TakeLast(DiagnosticsKept))
                {
                    _diagnostics.Enqueue(entry!.DeepClone());
                }
                while (_diagnostics.Count > DiagnosticsKept)
                {
                    _diagnostics.Dequeue();
                }
            }
            BrowserDeviceLog.Diagnostics(_logger, ParticipantId, logs.Count);
        }
        return new JsonObject();
    }

    private async Task ShutDownAsync()
    {
        await _rpc.StopAsync();
        _hub.Disconnect(this);
        await _publishing.StopAsync();
        await _subscribing.StopAsync();
        BrowserDeviceLog.Disconnected(_logger, ParticipantId);
    }
}
