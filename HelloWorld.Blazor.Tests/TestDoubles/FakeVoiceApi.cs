using System.Collections.Concurrent;
using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;

namespace HelloWorld.Blazor.Tests.TestDoubles;

/// <summary>An in-memory Voice API: records the calls placed and hung up, keeps their state for getCall, and can be told to fail.</summary>
public sealed class FakeVoiceApi : IVoiceApi
{
    private readonly ConcurrentDictionary<string, CallStateInformation> _states = new();
    private readonly ConcurrentQueue<Exception> _createFailures = new();
    private readonly ConcurrentQueue<Exception> _updateFailures = new();
    private int _nextId;
    private Gate? _createGate;

    public ConcurrentQueue<CreateCallRequest> Created { get; } = new();

    public ConcurrentQueue<(string CallId, UpdateCallRequest Request)> Updated { get; } = new();

    public void FailNextCreate(Exception error) => _createFailures.Enqueue(error);

    /// <summary>
    /// The next createCall places the call, then stops before answering until the test releases the gate; the gate's
    /// <see cref="Gate.Entered"/> gives the call id, so a test can send that call's webhooks first.
    /// </summary>
    public Gate HoldNextCreate() => _createGate = new Gate();

    public void FailNextUpdate(Exception error) => _updateFailures.Enqueue(error);

    public async Task<CreateCallResponse> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken = default)
    {
        if (_createFailures.TryDequeue(out var error))
        {
            throw error;
        }
        Created.Enqueue(request);
        var callId = $"c-0000000{Interlocked.Increment(ref _nextId)}-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        _states[callId] = new CallStateInformation(callId, "initiated", "outbound", request.From, request.To);
        if (Interlocked.Exchange(ref _createGate, null) is { } gate)
        {
            await gate.PassAsync(callId, cancellationToken);
        }
        return new CreateCallResponse(callId, "9900000", request.ApplicationId, request.To, request.From,
            $"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{callId}", request.AnswerUrl, Tag: request.Tag);
    }

    /// <summary>What getCall answers for <paramref name="callId"/> from now on.</summary>
    public void SetState(string callId, string state, string? disconnectCause = null) =>
        _states[callId] = new CallStateInformation(callId, state, DisconnectCause: disconnectCause);

    /// <summary>Bandwidth no longer knows the call: getCall and updateCall answer 404.</summary>
    public void Forget(string callId) => _states.TryRemove(callId, out _);

    public int GetCalls => Volatile.Read(ref _getCalls);

    private int _getCalls;

    public Task<CallStateInformation> GetCallAsync(string callId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getCalls);
        return _states.TryGetValue(callId, out var state)
            ? Task.FromResult(state)
            : Task.FromException<CallStateInformation>(new BandwidthApiException(HttpStatusCode.NotFound, "getCallState", "Call not found"));
    }

    public Task UpdateCallAsync(string callId, UpdateCallRequest request, CancellationToken cancellationToken = default)
    {
        if (_updateFailures.TryDequeue(out var error))
        {
            return Task.FromException(error);
        }
        Updated.Enqueue((callId, request));
        return Task.CompletedTask;
    }
}
