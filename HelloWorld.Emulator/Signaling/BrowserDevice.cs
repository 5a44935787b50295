using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Signaling.Sdp;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// One browser SDK connected over the V3 device protocol: JSON-RPC 2.0 over a WebSocket. The browser offers what it
/// publishes (<c>offerSdp</c>); the emulator offers what it may receive (<c>sdpOffer</c> notifications with increasing
/// revisions, one at a time, each answered by <c>answerSdp</c>).
/// </summary>
internal sealed partial class BrowserDevice : IDevice
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private const int DiagnosticsKept = 50;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly WebSocket _socket;
    private readonly EmulatedParticipant _participant;
    private readonly DeviceHub _hub;
    private readonly IMediaServer _media;
    private readonly IMediaRelay _relay;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Lock _gate = new();
    private readonly long _sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private readonly CancellationTokenSource _closed = new();
    private readonly Queue<JsonNode> _diagnostics = new();

    // Publishing: the browser's one peer connection for everything it sends, the streams its latest offer carries, and
    // those in the hub and the relay now (none while its connection has no consent).
    private IMediaConnection? _publishConnection;
    private Dictionary<string, Offered> _offeredStreams = new(StringComparer.Ordinal);
    private readonly Lock _publishing = new();
    private Dictionary<string, Offered> _publishedStreams = new(StringComparer.Ordinal);
    private IMediaConnection? _publishedSource;
    private long _publishVersion;
    private int _offerSdpCount;

    // Subscribing: the emulator's offers, slot by slot, and the one awaiting an answer.
    private IMediaConnection? _subscribeConnection;
    private List<SubscribeSlot> _slots = [];
    private long _subscribeVersion;
    private int _sdpRevision;
    private TaskCompletionSource<SessionDescription>? _pendingAnswer;
    private int _syncing;
    private volatile bool _syncRequested;
    private volatile bool _subscribeLost;

    public BrowserDevice(
        WebSocket socket, EmulatedParticipant participant, DeviceHub hub, IMediaServer media, IMediaRelay relay,
        TimeProvider clock, ILogger logger)
    {
        _socket = socket;
        _participant = participant;
        _hub = hub;
        _media = media;
        _relay = relay;
        _clock = clock;
        _logger = logger;
        ConnectedAt = clock.GetUtcNow();
    }

    public string ParticipantId => _participant.Id;

    public string PublishEndpointId { get; } = Guid.NewGuid().ToString();

    public string SubscribeEndpointId { get; } = Guid.NewGuid().ToString();

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Serves the socket until it closes; the hub knows the device meanwhile.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _closed.Token);
        _hub.Connect(this);
        Log.Connected(_logger, ParticipantId);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var message = await ReceiveAsync(linked.Token);
                if (message is null)
                {
                    break;
                }
                await HandleAsync(message);
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

    public async Task CloseAsync(string reason)
    {
        Log.Closing(_logger, ParticipantId, reason);
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                // 1000: the SDK reconnects after any other close code.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
                // The receive loop ends when the browser acknowledges; cancelling it now would abort the socket and could
                // reset the connection before the browser reads the close frame.
                _closed.CancelAfter(TimeSpan.FromSeconds(2));
                return;
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
        await _closed.CancelAsync();
    }

    public ConnectedDeviceInfo Describe() => new(
        ParticipantId, "browser", ConnectedAt, Volatile.Read(ref _offerSdpCount),
        _publishConnection?.State.ToString() ?? "none", _subscribeConnection?.State.ToString() ?? "none");

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

    public void SyncReceivedStreams()
    {
        _syncRequested = true;
        if (Interlocked.CompareExchange(ref _syncing, 1, 0) == 0)
        {
            _ = Task.Run(SyncLoopAsync);
        }
    }

    private async Task<JsonNode?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var message = new MemoryStream();
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, cancellationToken);
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
                await SendAsync(Error(null, -32700, "Parse error: the message is not JSON."));
                return new JsonObject(); // ignored below; the connection goes on
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleAsync(JsonNode message)
    {
        if (message is not JsonObject request || request["method"]?.GetValueKind() != JsonValueKind.String)
        {
            return; // a response to a notification of ours, or already answered as a parse error
        }
        var method = request["method"]!.GetValue<string>();
        var id = request["id"]?.DeepClone();
        var parameters = request["params"] as JsonObject;
        try
        {
            JsonNode? result = method switch
            {
                "setMediaPreferences" => new JsonObject(),
                "offerSdp" => OfferSdp(parameters),
                "answerSdp" => AnswerSdp(parameters),
                "ping" => new JsonObject(),
                "leave" => null,
                "deviceDiagnostics" => KeepDiagnostics(parameters),
                _ => throw new RpcException(-32601, $"Method not found: {method}"),
            };
            if (id is not null)
            {
                await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["result"] = result ?? new JsonObject(), ["id"] = id });
            }
            if (method == "leave")
            {
                Log.Left(_logger, ParticipantId);
                await CloseAsync("the device left");
            }
        }
        catch (RpcException error)
        {
            Log.RequestFailed(_logger, ParticipantId, method, error.Message);
            if (id is not null)
            {
                await SendAsync(Error(id, error.Code, error.Message));
            }
        }
    }

    /// <summary>The browser offers what it publishes; the answer says what the emulator receives from it.</summary>
    private JsonObject OfferSdp(JsonObject? parameters)
    {
        var offer = ParseSdp(parameters?["sdpOffer"]);
        var (ufrag, fingerprint) = Credentials(offer);
        var aliases = parameters?["mediaMetadata"]?["mediaStreams"] as JsonObject;
        PublishAnswerResult answer;
        lock (_gate)
        {
            Interlocked.Increment(ref _offerSdpCount);
            if (_publishConnection is null || _publishConnection.State == MediaConnectionState.Closed)
            {
                _publishConnection = _media.CreateConnection(MediaConnectionRole.Publish, ufrag, fingerprint);
                _publishConnection.StateChanged += OnMediaStateChanged;
            }
            else
            {
                // An ICE restart after lost consent lands here too: the connection keeps its DTLS association, as the
                // browser does, and the browser's checks with its new credentials revive it.
                _publishConnection.UpdateRemote(ufrag, fingerprint);
            }
            var transport = Transport(_publishConnection, "passive");
            answer = PublishAnswer.Build(offer, transport, _sessionId, ++_publishVersion, _participant.PublishPermissions);
            _offeredStreams = answer.Streams.ToDictionary(
                stream => stream.StreamId, stream => new Offered(stream, AliasOf(aliases, stream.StreamId)), StringComparer.Ordinal);
        }
        answer.LogRefusals(_logger, ParticipantId);
        if (answer.Rejected.Count > 0)
        {
            Log.Rejected(_logger, ParticipantId, string.Join(", ", answer.Rejected));
        }
        ReconcilePublishedStreams();
        var metadata = new JsonObject();
        foreach (var stream in answer.Streams)
        {
            metadata[stream.StreamId] = StreamMetadata(PublishEndpointId, AliasOf(aliases, stream.StreamId));
        }
        return new JsonObject { ["sdpAnswer"] = answer.Sdp, ["endpointId"] = PublishEndpointId, ["streamMetadata"] = metadata };
    }

    private static string? AliasOf(JsonObject? aliases, string streamId) =>
        aliases?[streamId]?["alias"]?.GetValueKind() == JsonValueKind.String ? aliases[streamId]!["alias"]!.GetValue<string>() : null;

    /// <summary>
    /// Puts in the hub and the relay what the browser's latest offer carries while its publishing connection has consent,
    /// and nothing while it has none: others then see its streams go, and come back when the browser does.
    /// </summary>
    private void ReconcilePublishedStreams()
    {
        // One at a time: the offer's thread and connection state changes both get here, and their hub and relay
        // calls must not overtake each other.
        lock (_publishing)
        {
            Dictionary<string, Offered> wanted;
            IMediaConnection? connection;
            lock (_gate)
            {
                connection = _publishConnection;
                var live = !_closed.IsCancellationRequested && connection is not null &&
                           connection.State is MediaConnectionState.New or MediaConnectionState.Connecting or MediaConnectionState.Connected;
                wanted = live ? new Dictionary<string, Offered>(_offeredStreams, StringComparer.Ordinal) : new(StringComparer.Ordinal);
            }
            foreach (var gone in _publishedStreams.Keys.Where(id => !wanted.ContainsKey(id)))
            {
                // A later device of the same participant may publish the same MediaStream id: only withdraw our own.
                if (_hub.Stream(gone)?.EndpointId == PublishEndpointId)
                {
                    _hub.Withdraw(gone);
                }
            }
            foreach (var (streamId, offered) in wanted)
            {
                if (!_publishedStreams.TryGetValue(streamId, out var published) || published != offered ||
                    !ReferenceEquals(_publishedSource, connection))
                {
                    _relay.AddSource(streamId, connection!, offered.Stream.Ssrc);
                    _hub.Publish(new PublishedStream(streamId, ParticipantId, PublishEndpointId, offered.Alias,
                        offered.Stream.PayloadType, offered.Stream.TelephoneEventPayloadType));
                }
            }
            _publishedStreams = wanted;
            _publishedSource = connection;
        }
    }

    /// <summary>The browser's answer to the emulator's latest <c>sdpOffer</c>.</summary>
    private JsonObject AnswerSdp(JsonObject? parameters)
    {
        var answer = ParseSdp(parameters?["sdpAnswer"]);
        TaskCompletionSource<SessionDescription>? pending;
        lock (_gate)
        {
            pending = _pendingAnswer;
            _pendingAnswer = null;
        }
        if (pending is null)
        {
            throw new RpcException(-32602, "No sdpOffer is waiting for an answer.");
        }
        pending.TrySetResult(answer);
        return new JsonObject();
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
            Log.Diagnostics(_logger, ParticipantId, logs.Count);
        }
        return new JsonObject();
    }

    private async Task SyncLoopAsync()
    {
        try
        {
            while (_syncRequested && !_closed.IsCancellationRequested)
            {
                _syncRequested = false;
                await SyncOnceAsync();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The device is closing; nothing left to offer.
        }
        catch (Exception exception)
        {
            Log.SyncFailed(_logger, ParticipantId, exception);
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
            if (_syncRequested && !_closed.IsCancellationRequested)
            {
                SyncReceivedStreams();
            }
        }
    }

    /// <summary>One offer, if what the device should receive differs from what it was last offered, and its answer.</summary>
    private async Task SyncOnceAsync()
    {
        var wanted = _hub.Receivable(ParticipantId);
        List<SubscribeSlot> plan;
        TaskCompletionSource<SessionDescription> answered;
        JsonObject notification;
        IMediaConnection? lostConnection = null;
        List<SubscribeSlot> lostSlots = [];
        var restart = false;
        lock (_gate)
        {
            plan = Plan(_slots, wanted);
            restart = _subscribeLost && _subscribeConnection is not null;
            _subscribeLost = false;
            if (!restart && (plan.SequenceEqual(_slots) || (plan.Count == 0 && _slots.Count == 0)))
            {
                return;
            }
            if (restart)
            {
                // The browser's receiving connection lost consent. It never restarts ICE there itself (the emulator is
                // the offerer), so this offer does, with new credentials. Its m-lines stay as they are; every stream
                // gets a new SSRC, so its new sink starts clean receive state (sequence numbers, rollover counter)
                // in the browser instead of jumping inside the old one.
                lostConnection = _subscribeConnection!;
                lostSlots = _slots;
                plan = [.. plan.Select(slot => slot.StreamId is null ? slot : slot with { Ssrc = NewSsrc() })];
                if (lostConnection.State == MediaConnectionState.Closed)
                {
                    _subscribeConnection = null; // never connected: nothing to keep, a new one serves as well
                }
                else
                {
                    lostConnection.RestartIce();
                }
            }
            if (_subscribeConnection is null || _subscribeConnection.State == MediaConnectionState.Closed)
            {
                _subscribeConnection = _media.CreateConnection(MediaConnectionRole.Subscribe, null, null);
                _subscribeConnection.StateChanged += OnMediaStateChanged;
            }
            var offer = SubscribeOffer.Build(plan, Transport(_subscribeConnection, "actpass"), _sessionId, ++_subscribeVersion);
            var metadata = new JsonObject();
            foreach (var slot in plan.Where(slot => slot.StreamId is not null))
            {
                var stream = _hub.Stream(slot.StreamId!);
                metadata[slot.StreamId!] = StreamMetadata(stream?.EndpointId ?? slot.StreamId!, stream?.Alias, stream?.ParticipantId);
            }
            notification = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["method"] = "sdpOffer",
                ["params"] = new JsonObject
                {
                    ["sdpOffer"] = offer,
                    ["sdpRevision"] = ++_sdpRevision,
                    ["endpointId"] = SubscribeEndpointId,
                    ["streamMetadata"] = metadata,
                },
            };
            answered = new TaskCompletionSource<SessionDescription>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingAnswer = answered;
        }

        if (lostConnection is not null)
        {
            foreach (var slot in lostSlots.Where(slot => slot.StreamId is not null))
            {
                _relay.RemoveSink(slot.StreamId!, lostConnection);
            }
        }
        await SendAsync(notification);
        SessionDescription answer;
        try
        {
            answer = await answered.Task.WaitAsync(AnswerTimeout, _closed.Token);
        }
        catch (TimeoutException)
        {
            Log.NoAnswer(_logger, ParticipantId);
            lock (_gate)
            {
                _pendingAnswer = null;
            }
            // Offer again; the revision moves on, so the browser takes the newer one. An unanswered restart is still owed.
            _subscribeLost |= restart;
            _syncRequested = true;
            return;
        }
        Apply(plan, answer);
    }

    /// <summary>Keeps every stream in its m-line, frees the m-lines of streams gone, and fills free m-lines before adding new ones.</summary>
    private static List<SubscribeSlot> Plan(IReadOnlyList<SubscribeSlot> current, IReadOnlyList<PublishedStream> wanted)
    {
        var wantedIds = wanted.Select(stream => stream.StreamId).ToHashSet(StringComparer.Ordinal);
        var plan = current.Select(slot => slot.StreamId is { } id && !wantedIds.Contains(id) ? Free(slot) : slot).ToList();
        foreach (var stream in wanted.Where(stream => plan.All(slot => slot.StreamId != stream.StreamId)))
        {
            var free = plan.FindIndex(slot => slot.StreamId is null);
            var mid = free >= 0 ? plan[free].Mid : (plan.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var slot = new SubscribeSlot(mid, stream.StreamId, NewSsrc(), $"{stream.StreamId}-audio");
            if (free >= 0)
            {
                plan[free] = slot;
            }
            else
            {
                plan.Add(slot);
            }
        }
        return plan;

        static SubscribeSlot Free(SubscribeSlot slot) => slot with { StreamId = null, TrackId = $"free-{slot.Mid}" };
    }

    private static uint NewSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    /// <summary>The browser accepted the offer: its credentials go to the media connection, the relay forwards accordingly.</summary>
    private void Apply(List<SubscribeSlot> plan, SessionDescription answer)
    {
        IMediaConnection connection;
        List<SubscribeSlot> previous;
        lock (_gate)
        {
            connection = _subscribeConnection!;
            previous = _slots;
            _slots = plan;
        }
        var (ufrag, fingerprint) = Credentials(answer);
        connection.UpdateRemote(ufrag, fingerprint);

        foreach (var old in previous.Where(old => old.StreamId is not null && !plan.Contains(old)))
        {
            _relay.RemoveSink(old.StreamId!, connection);
        }
        foreach (var slot in plan.Where(slot => slot.StreamId is not null && !previous.Contains(slot)))
        {
            var media = answer.Media.FirstOrDefault(m => m.Mid == slot.Mid);
            var stream = _hub.Stream(slot.StreamId!);
            if (media is null || media.IsRejected || stream is null)
            {
                continue;
            }
            // From what the source's packets carry to what this browser accepted in its answer.
            var payloadTypes = new Dictionary<byte, byte>();
            if (media.RtpMaps.FirstOrDefault(map => map.Is("PCMU", 8000)) is { } pcmu)
            {
                payloadTypes[stream.PcmuPayloadType] = pcmu.PayloadType;
            }
            if (stream.TelephoneEventPayloadType is { } source && media.RtpMaps.FirstOrDefault(map => map.Is("telephone-event", 8000)) is { } dtmf)
            {
                payloadTypes[source] = dtmf.PayloadType;
            }
            _relay.AddSink(slot.StreamId!, connection, slot.Ssrc, payloadTypes);
        }
        Log.Answered(_logger, ParticipantId, _sdpRevision, plan.Count(slot => slot.StreamId is not null));
    }

    /// <summary>
    /// Handlers run on the thread pool and may run out of order: each looks at the connection's state now, not at the
    /// state it was called for.
    /// </summary>
    private void OnMediaStateChanged(IMediaConnection connection, MediaConnectionState state)
    {
        if (_closed.IsCancellationRequested)
        {
            return;
        }
        bool publishing;
        lock (_gate)
        {
            publishing = connection == _publishConnection;
            if (!publishing && connection != _subscribeConnection)
            {
                return; // a connection this device has replaced
            }
        }
        var lost = connection.State is MediaConnectionState.Disconnected or MediaConnectionState.Closed;
        if (publishing)
        {
            // No consent checks for a long while: the browser is gone even if its socket lingers. Its streams go with
            // it, and come back if it does (an ICE restart, or its checks resuming).
            if (lost)
            {
                Log.MediaLost(_logger, ParticipantId, "publishing");
            }
            ReconcilePublishedStreams();
        }
        else if (lost && state is MediaConnectionState.Disconnected or MediaConnectionState.Closed)
        {
            Log.MediaLost(_logger, ParticipantId, "receiving");
            _subscribeLost = true;
            SyncReceivedStreams();
        }
    }

    private async Task ShutDownAsync()
    {
        await _closed.CancelAsync();
        _hub.Disconnect(this);
        ReconcilePublishedStreams(); // after any that a state change started meanwhile: nothing of ours stays published
        IMediaConnection? publish;
        IMediaConnection? subscribe;
        List<SubscribeSlot> slots;
        lock (_gate)
        {
            (publish, subscribe, slots) = (_publishConnection, _subscribeConnection, _slots);
            _publishConnection = null;
            _subscribeConnection = null;
            _slots = [];
            _pendingAnswer?.TrySetCanceled();
        }
        if (subscribe is not null)
        {
            foreach (var slot in slots.Where(slot => slot.StreamId is not null))
            {
                _relay.RemoveSink(slot.StreamId!, subscribe);
            }
            await subscribe.DisposeAsync();
        }
        if (publish is not null)
        {
            await publish.DisposeAsync();
        }
        Log.Disconnected(_logger, ParticipantId);
    }

    private async Task SendAsync(JsonObject message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        await _sending.WaitAsync(_closed.Token);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _closed.Token);
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
            await _socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
        }
    }

    private TransportDescription Transport(IMediaConnection connection, string setup) =>
        new(connection.LocalIceUfrag, connection.LocalIcePassword, _media.CertificateFingerprint, _media.CandidateEndPoint, setup);

    private JsonObject StreamMetadata(string endpointId, string? alias, string? participantId = null)
    {
        var metadata = new JsonObject
        {
            ["endpointId"] = endpointId,
            ["mediaTypes"] = new JsonArray([.. PublishedStream.MediaTypes.Select(type => (JsonNode)type)]),
            ["participantId"] = participantId ?? ParticipantId,
        };
        if (alias is not null)
        {
            metadata["alias"] = alias;
        }
        return metadata;
    }

    private static SessionDescription ParseSdp(JsonNode? text)
    {
        if (text?.GetValueKind() != JsonValueKind.String)
        {
            throw new RpcException(-32602, "Invalid params: an SDP string is required.");
        }
        try
        {
            return SessionDescription.Parse(text.GetValue<string>());
        }
        catch (FormatException exception)
        {
            throw new RpcException(-32602, $"Invalid params: {exception.Message}");
        }
    }

    /// <summary>The browser's ICE user fragment and certificate fingerprint, from the first m-line or the session.</summary>
    private static (string? Ufrag, string? Fingerprint) Credentials(SessionDescription sdp)
    {
        var media = sdp.Media.FirstOrDefault(m => !m.IsRejected);
        var ufrag = media?.Attribute("ice-ufrag") ?? sdp.Attribute("ice-ufrag");
        var fingerprint = media?.Attribute("fingerprint") ?? sdp.Attribute("fingerprint");
        return (ufrag, fingerprint?.StartsWith("sha-256 ", StringComparison.OrdinalIgnoreCase) == true ? fingerprint[8..] : null);
    }

    private static JsonObject Error(JsonNode? id, int code, string message) =>
        new() { ["jsonrpc"] = "2.0", ["error"] = new JsonObject { ["code"] = code, ["message"] = message }, ["id"] = id };

    /// <summary>A stream of the browser's latest publish offer, with the alias its metadata gave it.</summary>
    private sealed record Offered(OfferedStream Stream, string? Alias);

    private sealed class RpcException(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9601, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} connected")]
        public static partial void Connected(ILogger logger, string participantId);

        [LoggerMessage(EventId = 9602, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} disconnected")]
        public static partial void Disconnected(ILogger logger, string participantId);

        [LoggerMessage(EventId = 9603, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} closing: {Reason}")]
        public static partial void Closing(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 9604, Level = LogLevel.Information, Message = "Participant {ParticipantId} left")]
        public static partial void Left(ILogger logger, string participantId);

        [LoggerMessage(EventId = 9605, Level = LogLevel.Warning, Message = "Participant {ParticipantId}: {Method} failed: {Reason}")]
        public static partial void RequestFailed(ILogger logger, string participantId, string method, string reason);

        [LoggerMessage(EventId = 9606, Level = LogLevel.Information, Message = "Participant {ParticipantId}: rejected {MediaLines} (audio only, within its publish permissions)")]
        public static partial void Rejected(ILogger logger, string participantId, string mediaLines);

        [LoggerMessage(EventId = 9607, Level = LogLevel.Debug, Message = "Participant {ParticipantId} sent {Count} diagnostics entries")]
        public static partial void Diagnostics(ILogger logger, string participantId, int count);

        [LoggerMessage(EventId = 9608, Level = LogLevel.Warning, Message = "Participant {ParticipantId} did not answer an sdpOffer in time; offering again")]
        public static partial void NoAnswer(ILogger logger, string participantId);

        [LoggerMessage(EventId = 9609, Level = LogLevel.Debug, Message = "Participant {ParticipantId} applied sdpOffer revision {Revision}: receives {Streams} stream(s)")]
        public static partial void Answered(ILogger logger, string participantId, int revision, int streams);

        [LoggerMessage(EventId = 9610, Level = LogLevel.Warning, Message = "Participant {ParticipantId}: media consent lost on its {Direction} connection")]
        public static partial void MediaLost(ILogger logger, string participantId, string direction);

        [LoggerMessage(EventId = 9611, Level = LogLevel.Error, Message = "Participant {ParticipantId}: could not update what it receives")]
        public static partial void SyncFailed(ILogger logger, string participantId, Exception exception);
    }
}
