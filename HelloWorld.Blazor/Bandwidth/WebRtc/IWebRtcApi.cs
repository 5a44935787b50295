namespace HelloWorld.Blazor.Bandwidth.WebRtc;

/// <summary>
/// Bandwidth's WebRTC HTTP API (<c>webrtc.yml</c>) for the configured account.
/// Every method throws <see cref="BandwidthApiException"/> when Bandwidth answers with an error status or with an answer
/// the app cannot read (an id missing, say), and <see cref="BandwidthUnavailableException"/> when it does not answer.
/// </summary>
public interface IWebRtcApi
{
    Task<CreateParticipantResponse> CreateParticipantAsync(CreateParticipantRequest request, CancellationToken cancellationToken = default);

    Task<Participant> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default);

    Task DeleteParticipantAsync(string participantId, CancellationToken cancellationToken = default);

    Task<Session> CreateSessionAsync(Session session, CancellationToken cancellationToken = default);

    Task<Session> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Participant>> ListSessionParticipantsAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <param name="subscriptions">What the participant receives; <c>null</c> sends no body (no subscriptions).</param>
    Task AddParticipantToSessionAsync(string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default);

    Task RemoveParticipantFromSessionAsync(string sessionId, string participantId, CancellationToken cancellationToken = default);

    Task<Subscriptions> GetParticipantSubscriptionsAsync(string sessionId, string participantId, CancellationToken cancellationToken = default);

    Task UpdateParticipantSubscriptionsAsync(string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default);
}
