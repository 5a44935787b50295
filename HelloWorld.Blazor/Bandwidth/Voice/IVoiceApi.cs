namespace HelloWorld.Blazor.Bandwidth.Voice;

/// <summary>
/// The operations of Bandwidth's Voice API (<c>voice.yml</c>) this app needs.
/// Every method throws <see cref="BandwidthApiException"/> when Bandwidth answers with an error status or with an answer
/// the app cannot read (no <c>callId</c>, say), and <see cref="BandwidthUnavailableException"/> when it does not answer.
/// </summary>
public interface IVoiceApi
{
    /// <summary>
    /// <c>createCall</c>: places an outbound call; Bandwidth answers 201 with the queued call. An answer the app refuses
    /// that still names the call gets it hung up before the exception is thrown.
    /// </summary>
    Task<CreateCallResponse> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>getCallState</c>: the call as Bandwidth sees it now. Near-realtime: a call only seconds old may still answer 404.
    /// </summary>
    Task<CallStateInformation> GetCallAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary><c>updateCall</c>: with <see cref="CallStateValue.Completed"/> hangs up, cancels or rejects the call.</summary>
    Task UpdateCallAsync(string callId, UpdateCallRequest request, CancellationToken cancellationToken = default);
}
