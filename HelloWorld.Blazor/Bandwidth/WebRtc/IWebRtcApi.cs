namespace HelloWorld.Blazor.Bandwidth.WebRtc;

/// <summary>
/// Bandwidth's WebRTC HTTP API (<c>webrtc.yml</c>) for the configured account.
/// Every method throws <see cref="BandwidthApiException"/> when Bandwidth answers with an error status or with an answer
/// the app cannot read (an id missing, say, or over 1 MB), and <see cref="BandwidthUnavailableException"/> when it does
/// not answer. A 403 means the account has no WebRTC access: the exception's message says so, fit to show a user.
/// </summary>
public interface IWebRtcApi
{
    /// <summary>
    /// An answer the app refuses that still names the participant gets it deleted before the exception is thrown. One
    /// whose answer never arrives (a timeout, a reset) stays unknown to the app: nothing in webrtc.yml lists an account's
    /// participants outside a session.
    /// </summary>
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
