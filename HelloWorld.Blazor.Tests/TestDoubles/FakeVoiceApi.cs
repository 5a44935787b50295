using System.Collections.Concurrent;
using HelloWorld.Blazor.Bandwidth.Voice;

namespace HelloWorld.Blazor.Tests.TestDoubles;

/// <summary>An in-memory Voice API: records the calls placed and hung up, and can be told to fail.</summary>
public sealed class FakeVoiceApi : IVoiceApi
{
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
        if (Interlocked.Exchange(ref _createGate, null) is { } gate)
        {
            await gate.PassAsync(callId, cancellationToken);
        }
        return new CreateCallResponse(callId, "9900000", request.ApplicationId, request.To, request.From,
            $"https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{callId}", request.AnswerUrl, Tag: request.Tag);
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
