using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Signaling.Sdp;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>
/// A browser device's subscribe side: the emulator offers what the browser may receive (<c>sdpOffer</c> notifications
/// with increasing revisions, one at a time, each answered by <c>answerSdp</c>) on one receiving peer connection, and
/// the relay forwards what the browser accepted. A sync loop brings the offer in line with the hub whenever asked.
/// </summary>
internal sealed class BrowserSubscribing(BrowserDeviceContext device, DeviceRpcConnection rpc)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private IMediaConnection? _connection;
    private List<SubscribeSlot> _slots = [];
    private long _version;
    private int _sdpRevision;
    private TaskCompletionSource<SessionDescription>? _pendingAnswer;
    private int _syncing;
    private volatile bool _syncRequested;
    private volatile bool _connectionLost;

    public string EndpointId { get; } = Guid.NewGuid().ToString();

    public string ConnectionState => _connection?.State.ToString() ?? "none";

    /// <summary>Brings what the browser receives in line with the hub, on the thread pool; one sync runs at a time.</summary>
    public void Sync()
    {
        _syncRequested = true;
        if (Interlocked.CompareExchange(ref _syncing, 1, 0) == 0)
        {
            _ = Task.Run(SyncLoopAsync);
        }
    }

    /// <summary><c>answerSdp</c>: the browser's answer to the emulator's latest <c>sdpOffer</c>.</summary>
    public JsonObject Answer(JsonObject? parameters)
    {
        var answer = BrowserDeviceContext.ParseSdp(parameters?["sdpAnswer"]);
        TaskCompletionSource<SessionDescription>? pending;
        lock (_gate)
        {
            pending = _pendingAnswer;
            _pendingAnswer = null;
        }
        if (pending is null)
        {
            throw new RpcException(DeviceRpcConnection.InvalidParams, "No sdpOffer is waiting for an answer.");
        }
        pending.TrySetResult(answer);
        return new JsonObject();
    }

    /// <summary>The device closed: the relay stops forwarding to it, and its connection goes.</summary>
    public async Task StopAsync()
    {
        IMediaConnection? connection;
        List<SubscribeSlot> slots;
        lock (_gate)
        {
            (connection, slots) = (_connection, _slots);
            _connection = null;
            _slots = [];
            _pendingAnswer?.TrySetCanceled();
        }
        if (connection is not null)
        {
            foreach (var slot in slots.Where(slot => slot.StreamId is not null))
            {
                device.Relay.RemoveSink(slot.StreamId!, connection);
            }
            await connection.DisposeAsync();
        }
    }

    private async Task SyncLoopAsync()
    {
        try
        {
            while (_syncRequested && !device.Closed.IsCancellationRequested)
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
            BrowserDeviceLog.SyncFailed(device.Logger, device.ParticipantId, exception);
        }
        finally
        {
            Volatile.Write(ref _syncing, 0);
            if (_syncRequested && !device.Closed.IsCancellationRequested)
            {
                Sync();
            }
        }
    }

    /// <summary>One offer, if what the device should receive differs from what it was last offered, and its answer.</summary>
    private async Task SyncOnceAsync()
    {
        var wanted = device.Hub.Receivable(device.ParticipantId);
        List<SubscribeSlot> plan;
        TaskCompletionSource<SessionDescription> answered;
        JsonObject offer;
        IMediaConnection offeredOn;
        IMediaConnection? lostConnection = null;
        List<SubscribeSlot> lostSlots = [];
        var restart = false;
        lock (_gate)
        {
            if (device.Closed.IsCancellationRequested)
            {
                return; // StopAsync has taken, or is about to take, what there is: nothing new may start
            }
            plan = Plan(_slots, wanted);
            restart = _connectionLost && _connection is not null;
            _connectionLost = false;
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
                lostConnection = _connection!;
                lostSlots = _slots;
                plan = [.. plan.Select(slot => slot.StreamId is null ? slot : slot with { Ssrc = NewSsrc() })];
                if (lostConnection.State == MediaConnectionState.Closed)
                {
                    _connection = null; // never connected: nothing to keep, a new one serves as well
                }
                else
                {
                    lostConnection.RestartIce();
                }
            }
            if (_connection is null || _connection.State == MediaConnectionState.Closed)
            {
                _connection = device.Media.CreateConnection(MediaConnectionRole.Subscribe, null, null);
                _connection.StateChanged += OnMediaStateChanged;
            }
            offeredOn = _connection;
            var sdp = SubscribeOffer.Build(plan, device.Transport(offeredOn, "actpass"), device.SessionId, ++_version);
            var metadata = new JsonObject();
            foreach (var slot in plan.Where(slot => slot.StreamId is not null))
            {
                var stream = device.Hub.Stream(slot.StreamId!);
                metadata[slot.StreamId!] = device.StreamMetadata(stream?.EndpointId ?? slot.StreamId!, stream?.Alias, stream?.ParticipantId);
            }
            offer = new JsonObject
            {
                ["sdpOffer"] = sdp,
                ["sdpRevision"] = ++_sdpRevision,
                ["endpointId"] = EndpointId,
                ["streamMetadata"] = metadata,
            };
            answered = new TaskCompletionSource<SessionDescription>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingAnswer = answered;
        }

        if (lostConnection is not null)
        {
            foreach (var slot in lostSlots.Where(slot => slot.StreamId is not null))
            {
                device.Relay.RemoveSink(slot.StreamId!, lostConnection);
            }
        }
        await rpc.NotifyAsync("sdpOffer", offer);
        SessionDescription answer;
        try
        {
            answer = await answered.Task.WaitAsync(AnswerTimeout, device.Closed);
        }
        catch (TimeoutException)
        {
            BrowserDeviceLog.NoAnswer(device.Logger, device.ParticipantId);
            lock (_gate)
            {
                _pendingAnswer = null;
            }
            // Offer again; the revision moves on, so the browser takes the newer one. An unanswered restart is still owed.
            _connectionLost |= restart;
            _syncRequested = true;
            return;
        }
        Apply(offeredOn, plan, answer);
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

    /// <summary>
    /// The browser accepted the offer: its credentials go to the media connection, the relay forwards accordingly. The
    /// device may close meanwhile (the browser answered, then left): <see cref="StopAsync"/> does not wait for this, so
    /// whichever of the two comes second removes the sinks.
    /// </summary>
    private void Apply(IMediaConnection connection, List<SubscribeSlot> plan, SessionDescription answer)
    {
        List<SubscribeSlot> previous;
        lock (_gate)
        {
            if (_connection != connection)
            {
                return; // closed before this began: StopAsync removed every sink there was
            }
            previous = _slots;
            _slots = plan;
        }
        var (ufrag, fingerprint) = BrowserDeviceContext.Credentials(answer);
        connection.UpdateRemote(ufrag, fingerprint);

        foreach (var old in previous.Where(old => old.StreamId is not null && !plan.Contains(old)))
        {
            device.Relay.RemoveSink(old.StreamId!, connection);
        }
        foreach (var slot in plan.Where(slot => slot.StreamId is not null && !previous.Contains(slot)))
        {
            var media = answer.Media.FirstOrDefault(m => m.Mid == slot.Mid);
            var stream = device.Hub.Stream(slot.StreamId!);
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
            device.Relay.AddSink(slot.StreamId!, connection, slot.Ssrc, payloadTypes);
        }
        lock (_gate)
        {
            if (_connection == connection)
            {
                BrowserDeviceLog.Answered(device.Logger, device.ParticipantId, _sdpRevision, plan.Count(slot => slot.StreamId is not null));
                return; // still open: a StopAsync from now on finds these sinks in the slots
            }
        }
        // Closed while this applied: StopAsync may have removed the sinks before they were added here.
        foreach (var slot in plan.Where(slot => slot.StreamId is not null))
        {
            device.Relay.RemoveSink(slot.StreamId!, connection);
        }
    }

    /// <summary>
    /// Handlers run on the thread pool and may run out of order: each looks at the connection's state now, not at the
    /// state it was called for.
    /// </summary>
    private void OnMediaStateChanged(IMediaConnection connection, MediaConnectionState state)
    {
        if (device.Closed.IsCancellationRequested)
        {
            return;
        }
        lock (_gate)
        {
            if (connection != _connection)
            {
                return; // a connection this device has replaced
            }
        }
        var lost = connection.State is MediaConnectionState.Disconnected or MediaConnectionState.Closed;
        if (lost && state is MediaConnectionState.Disconnected or MediaConnectionState.Closed)
        {
            BrowserDeviceLog.MediaLost(device.Logger, device.ParticipantId, "receiving");
            _connectionLost = true;
            Sync();
        }
    }
}
