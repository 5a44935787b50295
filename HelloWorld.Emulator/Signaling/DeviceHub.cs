using System.Collections.Concurrent;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// Who is connected, what they publish, and who receives what. Whenever any of that may have changed (a device comes or
/// goes, a stream is published or withdrawn, the account's sessions or subscriptions change), every device is asked to
/// bring what it receives in line with the subscription rules; each does so at its own pace.
/// </summary>
internal sealed partial class DeviceHub : IStreamDirectory, IDisposable
{
    private readonly WebRtcStore _store;
    private readonly IMediaRelay _relay;
    private readonly ILogger<DeviceHub> _logger;
    private readonly ConcurrentDictionary<string, IDevice> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PublishedStream> _streams = new(StringComparer.Ordinal);

    public DeviceHub(WebRtcStore store, IMediaRelay relay, ILogger<DeviceHub> logger)
    {
        _store = store;
        _relay = relay;
        _logger = logger;
        _store.Changed += OnStoreChanged;
    }

    public IReadOnlyList<ConnectedDeviceInfo> Devices => [.. _devices.Values.Select(device => device.Describe())];

    public IReadOnlyList<PublishedStreamInfo> PublishedStreams =>
    [
        .. _streams.Values.Select(stream =>
        {
            var stats = _relay.GetStats(stream.StreamId);
            return new PublishedStreamInfo(stream.StreamId, stream.ParticipantId, PublishedStream.MediaTypes, stream.Alias,
                stats?.Forwarding ?? true, stats?.PacketsForwarded ?? 0);
        }),
    ];

    public bool SetForwarding(string streamId, bool enabled) => _streams.ContainsKey(streamId) && _relay.SetForwarding(streamId, enabled);

    /// <summary>Registers a device; a device already connected for that participant is replaced, and its streams withdrawn.</summary>
    public void Connect(IDevice device)
    {
        IDevice? previous = null;
        _devices.AddOrUpdate(device.ParticipantId, device, (_, existing) =>
        {
            previous = existing;
            return device;
        });
        if (previous is not null && !ReferenceEquals(previous, device))
        {
            Log.Replaced(_logger, device.ParticipantId);
            WithdrawAll(device.ParticipantId);
            _ = previous.CloseAsync("replaced by a new connection of the same participant");
        }
        Recompute();
    }

    public void Disconnect(IDevice device)
    {
        if (_devices.TryRemove(new KeyValuePair<string, IDevice>(device.ParticipantId, device)))
        {
            WithdrawAll(device.ParticipantId);
            Recompute();
        }
    }

    public IDevice? Find(string participantId) => _devices.GetValueOrDefault(participantId);

    public async Task<bool> DropBrowserAsync(string participantId, int? closeCode)
    {
        if (Find(participantId) is not Browser.BrowserDevice browser)
        {
            return false;
        }
        await browser.DropAsync(closeCode);
        return true;
    }

    public void Publish(PublishedStream stream)
    {
        _streams[stream.StreamId] = stream;
        Log.Published(_logger, stream.StreamId, stream.ParticipantId);
        Recompute();
    }

    public void Withdraw(string streamId)
    {
        if (_streams.TryRemove(streamId, out var stream))
        {
            _relay.RemoveSource(streamId);
            Log.Withdrawn(_logger, streamId, stream.ParticipantId);
            Recompute();
        }
    }

    private void WithdrawAll(string participantId)
    {
        foreach (var stream in _streams.Values.Where(stream => stream.ParticipantId == participantId).ToList())
        {
            Withdraw(stream.StreamId);
        }
    }

    public PublishedStream? Stream(string streamId) => _streams.GetValueOrDefault(streamId);

    /// <summary>The streams <paramref name="participantId"/> may receive now, in a stable order.</summary>
    public IReadOnlyList<PublishedStream> Receivable(string participantId) =>
        [.. _streams.Values.Where(stream => _store.Receives(participantId, stream.ParticipantId, stream.Alias)).OrderBy(stream => stream.StreamId, StringComparer.Ordinal)];

    public void Dispose() => _store.Changed -= OnStoreChanged;

    private void OnStoreChanged(WebRtcChange change)
    {
        if (change.Kind == WebRtcChangeKind.ParticipantDeleted && change.ParticipantId is { } deleted && Find(deleted) is { } device)
        {
            // Bandwidth drops a deleted participant's device; its streams go with it.
            _ = device.CloseAsync("participant deleted");
        }
        Recompute();
    }

    private void Recompute()
    {
        foreach (var device in _devices.Values)
        {
            device.SyncReceivedStreams();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Participant {ParticipantId} publishes stream {StreamId}")]
        public static partial void Published(ILogger logger, string streamId, string participantId);

        [LoggerMessage(EventId = 9502, Level = LogLevel.Information, Message = "Stream {StreamId} of participant {ParticipantId} withdrawn")]
        public static partial void Withdrawn(ILogger logger, string streamId, string participantId);

        [LoggerMessage(EventId = 9503, Level = LogLevel.Information, Message = "A new device replaced the one of participant {ParticipantId}")]
        public static partial void Replaced(ILogger logger, string participantId);
    }
}

/// <summary>A connected device: a browser's WebSocket or a simulated phone.</summary>
internal interface IDevice
{
    string ParticipantId { get; }

    /// <summary>Brings what the device receives in line with <see cref="DeviceHub.Receivable"/>; must not block.</summary>
    void SyncReceivedStreams();

    Task CloseAsync(string reason);

    ConnectedDeviceInfo Describe();
}
