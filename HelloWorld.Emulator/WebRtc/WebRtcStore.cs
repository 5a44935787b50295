namespace HelloWorld.Emulator.WebRtc;

/// <summary>
/// The emulated account's participants and sessions, with the subscription rules of <c>webrtc.yml</c>.
/// One lock guards everything: the emulator favours obvious correctness over throughput, and every operation is tiny.
/// <see cref="Changed"/> is raised after the lock is released, so handlers may call back into the store.
/// </summary>
/// <param name="maxParticipantsPerSession">Bandwidth's limit (see <see cref="EmulatorLimits.ParticipantsPerSession"/>).</param>
internal sealed class WebRtcStore(TimeProvider timeProvider, int maxParticipantsPerSession = EmulatorLimits.DefaultParticipantsPerSession)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ParticipantRecord> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);

    public int MaxParticipantsPerSession => maxParticipantsPerSession;

    /// <summary>Raised after any change that can alter who receives whose streams.</summary>
    public event Action<WebRtcChange>? Changed;

    public EmulatedParticipant CreateParticipant(
        IReadOnlyList<string> publishPermissions, string? tag, string deviceApiVersion, string? callbackUrl)
    {
        var record = new ParticipantRecord(
            Guid.NewGuid().ToString(), [.. publishPermissions.Distinct(StringComparer.Ordinal)], tag, deviceApiVersion, callbackUrl,
            timeProvider.GetUtcNow());
        lock (_gate)
        {
            _participants.Add(record.Id, record);
            return record.Snapshot();
        }
    }

    public EmulatedParticipant? FindParticipant(string participantId)
    {
        lock (_gate)
        {
            return _participants.GetValueOrDefault(participantId)?.Snapshot();
        }
    }

    public IReadOnlyList<EmulatedParticipant> Participants
    {
        get
        {
            lock (_gate)
            {
                return [.. _participants.Values.OrderBy(p => p.CreatedAt).Select(p => p.Snapshot())];
            }
        }
    }

    /// <summary>Deletes the participant and takes it out of its session. False when it does not exist.</summary>
    public bool DeleteParticipant(string participantId)
    {
        string? sessionId;
        lock (_gate)
        {
            if (!_participants.Remove(participantId, out var record))
            {
                return false;
            }
            sessionId = record.SessionId;
            if (sessionId is not null)
            {
                _sessions[sessionId].Members.Remove(participantId);
            }
        }
        Raise(new WebRtcChange(WebRtcChangeKind.ParticipantDeleted, participantId, sessionId));
        return true;
    }

    public EmulatedSession CreateSession(string? tag)
    {
        var record = new SessionRecord(Guid.NewGuid().ToString(), tag, timeProvider.GetUtcNow());
        lock (_gate)
        {
            _sessions.Add(record.Id, record);
            return record.Snapshot();
        }
    }

    public EmulatedSession? FindSession(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(sessionId)?.Snapshot();
        }
    }

    public IReadOnlyList<EmulatedSession> Sessions
    {
        get
        {
            lock (_gate)
            {
                return [.. _sessions.Values.OrderBy(s => s.CreatedAt).Select(s => s.Snapshot())];
            }
        }
    }

    /// <summary>Deletes the session; its members stay as participants of no session, without subscriptions.</summary>
    public bool DeleteSession(string sessionId)
    {
        lock (_gate)
        {
            if (!_sessions.Remove(sessionId, out var session))
            {
                return false;
            }
            foreach (var memberId in session.Members)
            {
                var member = _participants[memberId];
                member.SessionId = null;
                member.Subscriptions = EmulatedSubscriptions.None;
            }
        }
        Raise(new WebRtcChange(WebRtcChangeKind.SessionDeleted, null, sessionId));
        return true;
    }

    /// <summary>The session's participants, or <c>null</c> when the session does not exist.</summary>
    public IReadOnlyList<EmulatedParticipant>? SessionParticipants(string sessionId)
    {
        lock (_gate)
        {
            return _sessions.TryGetValue(sessionId, out var session)
                ? [.. session.Members.Select(id => _participants[id].Snapshot())]
                : null;
        }
    }

    /// <summary>
    /// Adds the participant to the session (a participant belongs to one session at most) and replaces its subscriptions.
    /// Adding it again to the session it is in only replaces the subscriptions. A session already holding
    /// <c>maxParticipantsPerSession</c> takes no one new.
    /// </summary>
    public MembershipResult AddToSession(string sessionId, string participantId, EmulatedSubscriptions subscriptions)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                return MembershipResult.SessionNotFound;
            }
            if (!_participants.TryGetValue(participantId, out var participant))
            {
                return MembershipResult.ParticipantNotFound;
            }
            if (participant.SessionId is not null && participant.SessionId != sessionId)
            {
                return MembershipResult.InAnotherSession;
            }
            if (participant.SessionId is null && session.Members.Count >= maxParticipantsPerSession)
            {
                return MembershipResult.SessionFull;
            }
            if (participant.SessionId is null)
            {
                // Members is a list (listing keeps join order), so a second add must not append the participant again.
                session.Members.Add(participantId);
                participant.SessionId = sessionId;
            }
            participant.Subscriptions = subscriptions;
        }
        Raise(new WebRtcChange(WebRtcChangeKind.MembershipChanged, participantId, sessionId));
        return MembershipResult.Ok;
    }

    public MembershipResult RemoveFromSession(string sessionId, string participantId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session))
            {
                return MembershipResult.SessionNotFound;
            }
            if (!_participants.TryGetValue(participantId, out var participant) || participant.SessionId != sessionId)
            {
                return MembershipResult.ParticipantNotFound;
            }
            participant.SessionId = null;
            participant.Subscriptions = EmulatedSubscriptions.None;
            session.Members.Remove(participantId);
        }
        Raise(new WebRtcChange(WebRtcChangeKind.MembershipChanged, participantId, sessionId));
        return MembershipResult.Ok;
    }

    /// <summary>The participant's subscriptions in the session, or the reason there are none to read.</summary>
    public (MembershipResult Result, EmulatedSubscriptions? Subscriptions) GetSubscriptions(string sessionId, string participantId)
    {
        lock (_gate)
        {
            if (!_sessions.ContainsKey(sessionId))
            {
                return (MembershipResult.SessionNotFound, null);
            }
            return _participants.TryGetValue(participantId, out var participant) && participant.SessionId == sessionId
                ? (MembershipResult.Ok, participant.Subscriptions)
                : (MembershipResult.ParticipantNotFound, null);
        }
    }

    public MembershipResult UpdateSubscriptions(string sessionId, string participantId, EmulatedSubscriptions subscriptions)
    {
        lock (_gate)
        {
            if (!_sessions.ContainsKey(sessionId))
            {
                return MembershipResult.SessionNotFound;
            }
            if (!_participants.TryGetValue(participantId, out var participant) || participant.SessionId != sessionId)
            {
                return MembershipResult.ParticipantNotFound;
            }
            participant.Subscriptions = subscriptions;
        }
        Raise(new WebRtcChange(WebRtcChangeKind.SubscriptionsChanged, participantId, sessionId));
        return MembershipResult.Ok;
    }

    /// <summary>
    /// Whether <paramref name="subscriberId"/> receives the stream <paramref name="streamAlias"/> that
    /// <paramref name="publisherId"/> publishes: both in one session, and either a whole-session subscription
    /// or the publisher listed (with the alias, when aliases are listed). Nobody receives their own streams.
    /// </summary>
    public bool Receives(string subscriberId, string publisherId, string? streamAlias)
    {
        if (subscriberId == publisherId)
        {
            return false;
        }
        lock (_gate)
        {
            if (!_participants.TryGetValue(subscriberId, out var subscriber) ||
                !_participants.TryGetValue(publisherId, out var publisher) ||
                subscriber.SessionId is null || subscriber.SessionId != publisher.SessionId)
            {
                return false;
            }
            return subscriber.Subscriptions.Allows(subscriber.SessionId, publisherId, streamAlias);
        }
    }

    private void Raise(WebRtcChange change) => Changed?.Invoke(change);

    private sealed class ParticipantRecord(
        string id, IReadOnlyList<string> publishPermissions, string? tag, string deviceApiVersion, string? callbackUrl,
        DateTimeOffset createdAt)
    {
        public string Id { get; } = id;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public string? SessionId { get; set; }
        public EmulatedSubscriptions Subscriptions { get; set; } = EmulatedSubscriptions.None;

        public EmulatedParticipant Snapshot() =>
            new(Id, publishPermissions, tag, deviceApiVersion, callbackUrl, SessionId, Subscriptions, CreatedAt);
    }

    private sealed class SessionRecord(string id, string? tag, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public List<string> Members { get; } = [];

        public EmulatedSession Snapshot() => new(Id, tag, [.. Members], CreatedAt);
    }
}

internal sealed record EmulatedParticipant(
    string Id,
    IReadOnlyList<string> PublishPermissions,
    string? Tag,
    string DeviceApiVersion,
    string? CallbackUrl,
    string? SessionId,
    EmulatedSubscriptions Subscriptions,
    DateTimeOffset CreatedAt)
{
    public bool MayPublish(string mediaType) => PublishPermissions.Contains(mediaType, StringComparer.Ordinal);
}

/// <summary>The values of <c>webrtc.yml</c>'s <c>publishPermissionsEnum</c>.</summary>
internal static class PublishPermission
{
    public const string Audio = "AUDIO";
    public const string Video = "VIDEO";

    public static IReadOnlyList<string> All { get; } = [Audio, Video];
}

internal sealed record EmulatedSession(string Id, string? Tag, IReadOnlyList<string> ParticipantIds, DateTimeOffset CreatedAt);

/// <summary>A subscription to publishers of the session, optionally narrowed to some of their stream aliases.</summary>
internal sealed record EmulatedParticipantSubscription(string ParticipantId, IReadOnlyList<string> StreamAliases);

/// <summary>
/// The spec's rules: a non-empty <see cref="Participants"/> list wins; otherwise <see cref="SessionId"/> alone means
/// everyone in the session, now and later; neither means nothing.
/// </summary>
internal sealed record EmulatedSubscriptions(string? SessionId, IReadOnlyList<EmulatedParticipantSubscription> Participants)
{
    public static EmulatedSubscriptions None { get; } = new(null, []);

    public bool Allows(string sessionId, string publisherId, string? streamAlias)
    {
        if (Participants.Count > 0)
        {
            var entry = Participants.FirstOrDefault(p => p.ParticipantId == publisherId);
            return entry is not null &&
                   (entry.StreamAliases.Count == 0 || (streamAlias is not null && entry.StreamAliases.Contains(streamAlias)));
        }
        return SessionId == sessionId;
    }
}

internal enum MembershipResult
{
    Ok,
    SessionNotFound,
    ParticipantNotFound,
    InAnotherSession,
    SessionFull,
}

internal enum WebRtcChangeKind
{
    ParticipantDeleted,
    SessionDeleted,
    MembershipChanged,
    SubscriptionsChanged,
}

internal sealed record WebRtcChange(WebRtcChangeKind Kind, string? ParticipantId, string? SessionId);
