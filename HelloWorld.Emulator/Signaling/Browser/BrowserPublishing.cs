using System.Text.Json;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Signaling.Sdp;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>
/// A browser device's publish side: the browser offers what it sends (<c>offerSdp</c>) on its one publishing peer
/// connection; the streams the answer accepts are in the hub and the relay while that connection has consent.
/// </summary>
internal sealed class BrowserPublishing(BrowserDeviceContext device, IReadOnlyList<string> publishPermissions)
{
    private readonly Lock _gate = new();
    private IMediaConnection? _connection;
    private Dictionary<string, Offered> _offered = new(StringComparer.Ordinal);
    private long _version;
    private int _offerCount;

    // What is in the hub and the relay now, and the connection its sources are on: only Reconcile touches them.
    private readonly Lock _reconciling = new();
    private Dictionary<string, Offered> _published = new(StringComparer.Ordinal);
    private IMediaConnection? _publishedSource;

    public string EndpointId { get; } = Guid.NewGuid().ToString();

    public int OfferCount => Volatile.Read(ref _offerCount);

    public string ConnectionState => _connection?.State.ToString() ?? "none";

    /// <summary><c>offerSdp</c>: the answer says what the emulator receives from the browser.</summary>
    public JsonObject Offer(JsonObject? parameters)
    {
        var offer = BrowserDeviceContext.ParseSdp(parameters?["sdpOffer"]);
        var (ufrag, fingerprint) = BrowserDeviceContext.Credentials(offer);
        var aliases = parameters?["mediaMetadata"]?["mediaStreams"] as JsonObject;
        PublishAnswerResult answer;
        lock (_gate)
        {
            Interlocked.Increment(ref _offerCount);
            if (_connection is null || _connection.State == MediaConnectionState.Closed)
            {
                _connection = device.Media.CreateConnection(MediaConnectionRole.Publish, ufrag, fingerprint);
                _connection.StateChanged += OnMediaStateChanged;
            }
            else
            {
                // An ICE restart after lost consent lands here too: the connection keeps its DTLS association, as the
                // browser does, and the browser's checks with its new credentials revive it.
                _connection.UpdateRemote(ufrag, fingerprint);
            }
            var transport = device.Transport(_connection, "passive");
            answer = PublishAnswer.Build(offer, transport, device.SessionId, ++_version, publishPermissions);
            _offered = answer.Streams.ToDictionary(
                stream => stream.StreamId, stream => new Offered(stream, AliasOf(aliases, stream.StreamId)), StringComparer.Ordinal);
        }
        answer.LogRefusals(device.Logger, device.ParticipantId);
        if (answer.Rejected.Count > 0)
        {
            BrowserDeviceLog.Rejected(device.Logger, device.ParticipantId, string.Join(", ", answer.Rejected));
        }
        Reconcile();
        var metadata = new JsonObject();
        foreach (var stream in answer.Streams)
        {
            metadata[stream.StreamId] = device.StreamMetadata(EndpointId, AliasOf(aliases, stream.StreamId));
        }
        return new JsonObject { ["sdpAnswer"] = answer.Sdp, ["endpointId"] = EndpointId, ["streamMetadata"] = metadata };
    }

    /// <summary>The device closed: nothing of it stays published, and its connection goes.</summary>
    public async Task StopAsync()
    {
        Reconcile(); // after any that a state change started meanwhile
        IMediaConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Puts in the hub and the relay what the browser's latest offer carries while its publishing connection has consent,
    /// and nothing while it has none or the device is closed: others then see its streams go, and come back when the
    /// browser does.
    /// </summary>
    private void Reconcile()
    {
        // One at a time: the offer's thread and connection state changes both get here, and their hub and relay
        // calls must not overtake each other.
        lock (_reconciling)
        {
            Dictionary<string, Offered> wanted;
            IMediaConnection? connection;
            lock (_gate)
            {
                connection = _connection;
                var live = !device.Closed.IsCancellationRequested && connection is not null &&
                           connection.State is MediaConnectionState.New or MediaConnectionState.Connecting or MediaConnectionState.Connected;
                wanted = live ? new Dictionary<string, Offered>(_offered, StringComparer.Ordinal) : new(StringComparer.Ordinal);
            }
            foreach (var gone in _published.Keys.Where(id => !wanted.ContainsKey(id)))
            {
                // A later device of the same participant may publish the same MediaStream id: only withdraw our own.
                if (device.Hub.Stream(gone)?.EndpointId == EndpointId)
                {
                    device.Hub.Withdraw(gone);
                }
            }
            foreach (var (streamId, offered) in wanted)
            {
                if (!_published.TryGetValue(streamId, out var published) || published != offered ||
                    !ReferenceEquals(_publishedSource, connection))
                {
                    device.Relay.AddSource(streamId, connection!, offered.Stream.Ssrc);
                    device.Hub.Publish(new PublishedStream(streamId, device.ParticipantId, EndpointId, offered.Alias,
                        offered.Stream.PayloadType, offered.Stream.TelephoneEventPayloadType));
                }
            }
            _published = wanted;
            _publishedSource = connection;
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
        // No consent checks for a long while: the browser is gone even if its socket lingers. Its streams go with it,
        // and come back if it does (an ICE restart, or its checks resuming).
        if (connection.State is MediaConnectionState.Disconnected or MediaConnectionState.Closed)
        {
            BrowserDeviceLog.MediaLost(device.Logger, device.ParticipantId, "publishing");
        }
        Reconcile();
    }

    private static string? AliasOf(JsonObject? aliases, string streamId) =>
        aliases?[streamId]?["alias"]?.GetValueKind() == JsonValueKind.String ? aliases[streamId]!["alias"]!.GetValue<string>() : null;

    /// <summary>A stream of the browser's latest publish offer, with the alias its metadata gave it.</summary>
    private sealed record Offered(OfferedStream Stream, string? Alias);
}
