using System.Collections.Concurrent;
using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Tests.TestDoubles;

/// <summary>
/// An in-memory WebRTC API that keeps participants and sessions like Bandwidth does, counts every operation, and can be
/// told to fail, so conference logic is tested against behaviour rather than against a script of mock calls.
/// </summary>
public sealed class FakeWebRtcApi : IWebRtcApi
{
    private readonly ConcurrentDictionary<string, Participant> _participants = new();
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentQueue<(string Operation, Exception Error)> _failures = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new();
    private int _nextId;

    public IReadOnlyCollection<Participant> Participants => [.. _participants.Values];

    public IReadOnlyCollection<Session> Sessions => [.. _sessions.Values];

    /// <summary>How long each operation takes; lets tests make callers overlap.</summary>
    public TimeSpan Latency { get; set; }

    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    public int TotalCalls => _calls.Values.Sum();

    /// <summary>The next call of <paramref name="operation"/> throws <paramref name="error"/>.</summary>
    public void FailNext(string operation, Exception error) => _failures.Enqueue((operation, error));

    /// <summary>The next call of <paramref name="operation"/> stops at the returned gate until the test releases it.</summary>
    public Gate HoldNext(string operation) => _gates[operation] = new Gate();

    public static BandwidthApiException NotFound(string operation) => new(HttpStatusCode.NotFound, operation, "not found");

    /// <summary>Bandwidth forgets a session, as it does when a session is deleted behind the app's back.</summary>
    public void ForgetSession(string sessionId) => _sessions.TryRemove(sessionId, out _);

    public async Task<CreateParticipantResponse> CreateParticipantAsync(CreateParticipantRequest request, CancellationToken cancellationToken = default)
    {
        await EnterAsync("createParticipant", cancellationToken);
        var participant = new Participant($"p-{Interlocked.Increment(ref _nextId)}", request.PublishPermissions, [], null, request.Tag, request.DeviceApiVersion);
        _participants[participant.Id] = participant;
        return new CreateParticipantResponse(participant, $"token-for-{participant.Id}");
    }

    public async Task<Participant> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("getParticipant", cancellationToken);
        return _participants.TryGetValue(participantId, out var participant) ? participant : throw NotFound("getParticipant");
    }

    public async Task DeleteParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("deleteParticipant", cancellationToken);
        if (!_participants.TryRemove(participantId, out _))
        {
            throw NotFound("deleteParticipant");
        }
    }

    public async Task<Session> CreateSessionAsync(Session session, CancellationToken cancellationToken = default)
    {
        await EnterAsync("createSession", cancellationToken);
        var created = session with { Id = $"s-{Interlocked.Increment(ref _nextId)}" };
        _sessions[created.Id!] = created;
        return created;
    }

    public async Task<Session> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("getSession", cancellationToken);
        return _sessions.TryGetValue(sessionId, out var session) ? session : throw NotFound("getSession");
    }

    public async Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("deleteSession", cancellationToken);
        if (!_sessions.TryRemove(sessionId, out _))
        {
            throw NotFound("deleteSession");
        }
    }

    public async Task<IReadOnlyList<Participant>> ListSessionParticipantsAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("listSessionParticipants", cancellationToken);
        return [.. _participants.Values.Where(p => p.Sessions?.Contains(sessionId) == true)];
    }

    public async Task AddParticipantToSessionAsync(string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default)
    {
        await EnterAsync("addParticipantToSession", cancellationToken);
        if (!_sessions.ContainsKey(sessionId) || !_participants.TryGetValue(participantId, out var participant))
        {
            throw NotFound("addParticipantToSession");
        }
        _participants[participantId] = participant with { Sessions = [sessionId], Subscriptions = subscriptions };
    }

    public async Task RemoveParticipantFromSessionAsync(string sessionId, string participantId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("removeParticipantFromSession", cancellationToken);
        if (!_participants.TryGetValue(participantId, out var participant) || participant.Sessions?.Contains(sessionId) != true)
        {
            throw NotFound("removeParticipantFromSession");
        }
        _participants[participantId] = participant with { Sessions = [], Subscriptions = null };
    }

    public async Task<Subscriptions> GetParticipantSubscriptionsAsync(string sessionId, string participantId, CancellationToken cancellationToken = default)
    {
        await EnterAsync("getParticipantSubscriptions", cancellationToken);
        return _participants.TryGetValue(participantId, out var participant)
            ? participant.Subscriptions ?? new Subscriptions()
            : throw NotFound("getParticipantSubscriptions");
    }

    public async Task UpdateParticipantSubscriptionsAsync(string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default)
    {
        await EnterAsync("updateParticipantSubscriptions", cancellationToken);
        if (!_participants.TryGetValue(participantId, out var participant))
        {
            throw NotFound("updateParticipantSubscriptions");
        }
        _participants[participantId] = participant with { Subscriptions = subscriptions };
    }

    private async Task EnterAsync(string operation, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(operation, 1, (_, count) => count + 1);
        if (_gates.TryRemove(operation, out var gate))
        {
            await gate.PassAsync(operation, cancellationToken);
        }
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, cancellationToken);
        }
        if (_failures.TryPeek(out var failure) && failure.Operation == operation && _failures.TryDequeue(out failure))
        {
            throw failure.Error;
        }
    }
}
