using HelloWorld.Emulator.Http;
using HelloWorld.Emulator.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.WebRtc;

/// <summary>The WebRTC HTTP API of <c>webrtc.yml</c>: every operation, with its bodies and status codes.</summary>
internal static class WebRtcApi
{
    private static readonly string[] DeviceApiVersions = ["V3"];

    public static void Map(RouteGroupBuilder api)
    {
        var account = api.MapGroup("/accounts/{accountId}");

        account.MapPost("/participants", CreateParticipantAsync);
        account.MapGet("/participants/{participantId}", GetParticipant);
        account.MapDelete("/participants/{participantId}", DeleteParticipant);

        account.MapPost("/sessions", CreateSessionAsync);
        account.MapGet("/sessions/{sessionId}", GetSession);
        account.MapDelete("/sessions/{sessionId}", DeleteSession);
        account.MapGet("/sessions/{sessionId}/participants", ListSessionParticipants);
        account.MapPut("/sessions/{sessionId}/participants/{participantId}", AddParticipantToSessionAsync);
        account.MapDelete("/sessions/{sessionId}/participants/{participantId}", RemoveParticipantFromSession);
        account.MapGet("/sessions/{sessionId}/participants/{participantId}/subscriptions", GetSubscriptions);
        account.MapPut("/sessions/{sessionId}/participants/{participantId}/subscriptions", UpdateSubscriptionsAsync);
    }

    private static async Task<IResult> CreateParticipantAsync(HttpRequest request, WebRtcStore store, DeviceTokens tokens, IOptions<EmulatorOptions> options)
    {
        var (body, error) = await ApiResults.ReadAsync(request, new CreateParticipantBody(null, null, null, null));
        if (error is not null || body is null)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, error ?? "Missing body.");
        }
        if (TagProblem(body.Tag, "participant", options) is { } tagProblem)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, tagProblem);
        }
        var permissions = body.PublishPermissions ?? [];
        if (permissions.FirstOrDefault(p => !PublishPermission.All.Contains(p)) is { } badPermission)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, $"Invalid publishPermissions value '{badPermission}': use AUDIO or VIDEO.");
        }
        var version = body.DeviceApiVersion ?? "V3";
        if (!DeviceApiVersions.Contains(version))
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, $"Invalid deviceApiVersion '{version}': use V3.");
        }
        var participant = store.CreateParticipant(permissions, body.Tag, version, body.CallbackUrl);
        return ApiResults.Ok(new CreateParticipantResult(ParticipantBody.From(participant), tokens.Issue(participant.Id)));
    }

    /// <summary>WebRTC overview: "A Participant tag is limited to 50 characters", and a Session tag too.</summary>
    private static string? TagProblem(string? tag, string owner, IOptions<EmulatorOptions> options) =>
        tag?.Length > options.Value.Limits.TagLength
            ? $"A {owner} tag is limited to {options.Value.Limits.TagLength} characters (this one has {tag.Length})."
            : null;

    private static IResult GetParticipant(string participantId, WebRtcStore store) =>
        store.FindParticipant(participantId) is { } participant
            ? ApiResults.Ok(ParticipantBody.From(participant))
            : ParticipantNotFound(participantId);

    private static IResult DeleteParticipant(string participantId, WebRtcStore store) =>
        store.DeleteParticipant(participantId) ? Results.NoContent() : ParticipantNotFound(participantId);

    private static async Task<IResult> CreateSessionAsync(HttpRequest request, WebRtcStore store, IOptions<EmulatorOptions> options)
    {
        var (body, error) = await ApiResults.ReadAsync(request, new SessionBody(null, null));
        if (error is not null || body is null)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, error ?? "Missing body.");
        }
        if (TagProblem(body.Tag, "session", options) is { } tagProblem)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, tagProblem);
        }
        var session = store.CreateSession(body.Tag);
        return ApiResults.Ok(new SessionBody(session.Id, session.Tag));
    }

    private static IResult GetSession(string sessionId, WebRtcStore store) =>
        store.FindSession(sessionId) is { } session ? ApiResults.Ok(new SessionBody(session.Id, session.Tag)) : SessionNotFound(sessionId);

    private static IResult DeleteSession(string sessionId, WebRtcStore store) =>
        store.DeleteSession(sessionId) ? Results.NoContent() : SessionNotFound(sessionId);

    // webrtc.yml lists 204 beside 200 for this operation and for getParticipantSubscriptions without saying when it
    // applies. The 200 schemas hold the empty cases (an empty array; "returns as an empty object" for subscriptions), and
    // a client reading a 200 copes with them, while a 204 it did not expect would break it: the emulator always answers 200.
    private static IResult ListSessionParticipants(string sessionId, WebRtcStore store) =>
        store.SessionParticipants(sessionId) is { } participants
            ? ApiResults.Ok(participants.Select(ParticipantBody.From).ToList())
            : SessionNotFound(sessionId);

    private static async Task<IResult> AddParticipantToSessionAsync(string sessionId, string participantId, HttpRequest request, WebRtcStore store)
    {
        var (body, error) = await ApiResults.ReadAsync<SubscriptionsBody>(request);
        if ((error ?? SubscriptionsBody.Problem(body)) is { } problem)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, problem);
        }
        var result = store.AddToSession(sessionId, participantId, SubscriptionsBody.ToModel(body));
        // Inferred: webrtc.yml documents 409 (requestError) for addParticipantToSession without saying when, and Bandwidth's
        // overview states the limit ("There is a limit of 20 participants in a session") but not the status that enforces
        // it. A full session is the conflict this emulator answers 409 for, beside a participant in another session.
        return result == MembershipResult.SessionFull
            ? ApiResults.WebRtcError(StatusCodes.Status409Conflict,
                $"Session {sessionId} is full: there is a limit of {store.MaxParticipantsPerSession} participants in a session.")
            : Membership(result, sessionId, participantId);
    }

    private static IResult RemoveParticipantFromSession(string sessionId, string participantId, WebRtcStore store) =>
        Membership(store.RemoveFromSession(sessionId, participantId), sessionId, participantId);

    /// <summary>Always 200, never the spec's unexplained 204: see <see cref="ListSessionParticipants"/>.</summary>
    private static IResult GetSubscriptions(string sessionId, string participantId, WebRtcStore store)
    {
        var (result, subscriptions) = store.GetSubscriptions(sessionId, participantId);
        return result == MembershipResult.Ok ? ApiResults.Ok(SubscriptionsBody.From(subscriptions!)) : Membership(result, sessionId, participantId);
    }

    private static async Task<IResult> UpdateSubscriptionsAsync(string sessionId, string participantId, HttpRequest request, WebRtcStore store)
    {
        var (body, error) = await ApiResults.ReadAsync<SubscriptionsBody>(request);
        if ((error ?? SubscriptionsBody.Problem(body)) is { } problem)
        {
            return ApiResults.WebRtcError(StatusCodes.Status400BadRequest, problem);
        }
        return Membership(store.UpdateSubscriptions(sessionId, participantId, SubscriptionsBody.ToModel(body)), sessionId, participantId);
    }

    private static IResult Membership(MembershipResult result, string sessionId, string participantId) => result switch
    {
        MembershipResult.Ok => Results.NoContent(),
        MembershipResult.SessionNotFound => SessionNotFound(sessionId),
        MembershipResult.ParticipantNotFound => ApiResults.WebRtcError(StatusCodes.Status404NotFound,
            $"Participant {participantId} not found in session {sessionId}."),
        MembershipResult.InAnotherSession => ApiResults.WebRtcError(StatusCodes.Status409Conflict,
            $"Participant {participantId} already belongs to another session; a participant can be in one session only."),

        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };

    private static IResult ParticipantNotFound(string participantId) =>
        ApiResults.WebRtcError(StatusCodes.Status404NotFound, $"Participant {participantId} not found.");

    private static IResult SessionNotFound(string sessionId) =>
        ApiResults.WebRtcError(StatusCodes.Status404NotFound, $"Session {sessionId} not found.");

    private sealed record CreateParticipantBody(string? CallbackUrl, List<string>? PublishPermissions, string? Tag, string? DeviceApiVersion);

    private sealed record CreateParticipantResult(ParticipantBody Participant, string Token);

    private sealed record SessionBody(string? Id, string? Tag);

    private sealed record ParticipantBody(
        string Id, string? CallbackUrl, IReadOnlyList<string> PublishPermissions, IReadOnlyList<string> Sessions,
        SubscriptionsBody Subscriptions, string? Tag, string DeviceApiVersion)
    {
        public static ParticipantBody From(EmulatedParticipant participant) => new(
            participant.Id, participant.CallbackUrl, participant.PublishPermissions,
            participant.SessionId is null ? [] : [participant.SessionId],
            SubscriptionsBody.From(participant.Subscriptions), participant.Tag, participant.DeviceApiVersion);
    }

    private sealed record ParticipantSubscriptionBody(string? ParticipantId, List<string>? StreamAliases);

    private sealed record SubscriptionsBody(string? SessionId, List<ParticipantSubscriptionBody>? Participants)
    {
        public static SubscriptionsBody From(EmulatedSubscriptions subscriptions) => new(
            subscriptions.SessionId,
            subscriptions.Participants.Count == 0
                ? null
                : [.. subscriptions.Participants.Select(p => new ParticipantSubscriptionBody(p.ParticipantId, p.StreamAliases.Count == 0 ? null : [.. p.StreamAliases]))]);

        /// <summary>No body, or neither field, means no subscriptions; a participants list wins over a session id.</summary>
        public static EmulatedSubscriptions ToModel(SubscriptionsBody? body) => body is null
            ? EmulatedSubscriptions.None
            : new EmulatedSubscriptions(
                string.IsNullOrEmpty(body.SessionId) ? null : body.SessionId,
                [.. (body.Participants ?? []).Select(p => new EmulatedParticipantSubscription(p.ParticipantId!, p.StreamAliases ?? []))]);

        /// <summary>The spec requires <c>participantId</c> in every entry of <c>participants</c>.</summary>
        public static string? Problem(SubscriptionsBody? body) =>
            body?.Participants?.Any(p => string.IsNullOrEmpty(p.ParticipantId)) == true
                ? "Every entry of participants needs a participantId."
                : null;
    }
}
