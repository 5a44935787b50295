using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Phones in the call: a dial-in (<c>initiate</c>), a call the app places (CALL), and their ends. Each call gets one
/// phone participant, however often Bandwidth repeats a webhook, and loses it when the call ends, in whatever order
/// the webhooks and Bandwidth's answers arrive.
/// </summary>
/// <remarks>
/// Who deletes a call's participant: whoever takes the call's leg out of <see cref="_legs"/>, so it happens exactly
/// once. A call is registered (or its end recorded) before its participant is joined, and the joiner looks again once
/// the participant exists: an end that came meanwhile is seen either by the disconnect (which finds the leg) or by the
/// joiner (which finds the call ended).
/// </remarks>
public sealed partial class PhoneCallService : IPhoneCallService, IDisposable
{
    public const string CallTag = "hello-world";

    private readonly IParticipantService _participants;
    private readonly IVoiceApi _voice;
    private readonly CallRegistry _registry;
    private readonly IBandwidthEnvironment _environment;
    private readonly IOptions<BandwidthOptions> _bandwidth;
    private readonly PhoneCallOptions _options;
    private readonly ILogger<PhoneCallService> _logger;
    private readonly RateLimiter _placedCalls;

    // callId → the participant that call joins as. Lazy so that duplicated webhooks share one join.
    private readonly ConcurrentDictionary<string, Lazy<Task<JoinedParticipant>>> _legs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dialing = new(StringComparer.Ordinal);

    // createCall requests whose answer (and so the call id) is not processed yet: an answer webhook may overtake it.
    private readonly ConcurrentDictionary<Task, byte> _placing = new();

    // Participant deletions still running after the webhook that caused them was answered; shutdown waits for them.
    private readonly BackgroundWork _cleanups = new();

    public PhoneCallService(
        IParticipantService participants,
        IVoiceApi voice,
        CallRegistry registry,
        IBandwidthEnvironment environment,
        IOptions<BandwidthOptions> bandwidth,
        IOptions<PhoneCallOptions> options,
        ILogger<PhoneCallService> logger)
    {
        _participants = participants;
        _voice = voice;
        _registry = registry;
        _environment = environment;
        _bandwidth = bandwidth;
        _options = options.Value;
        _logger = logger;
        _placedCalls = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _options.MaxCallsPerMinute),
            TokensPerPeriod = Math.Max(1, _options.MaxCallsPerMinute),
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    public IReadOnlyList<string> DialableNumbers
    {
        get
        {
            var settings = _bandwidth.Value;
            IEnumerable<string?> numbers = [settings.OutboundPhoneNumber, .. settings.AllowedOutboundNumbers];
            return [.. numbers.OfType<string>().Where(BandwidthOptionsValidator.IsE164).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// A dial-in: the phone joins as a new participant. Idempotent per call id. Returns <c>null</c> when the call ended
    /// before its participant was ready (there is nothing left to transfer); throws <see cref="PhoneCallRejectedException"/>
    /// when the app carries <see cref="PhoneCallOptions.MaxActiveCalls"/> calls already.
    /// </summary>
    public async Task<JoinedParticipant?> AcceptInboundCallAsync(string callId, string from, string to, CancellationToken cancellationToken)
    {
        var call = _registry.TryRegister(callId, CallDirection.Inbound, from, to, participantId: null, _options.MaxActiveCalls)
            ?? throw TooManyCalls();
        if (!call.IsActive)
        {
            return null;
        }

        JoinedParticipant participant;
        try
        {
            participant = await JoinOnceAsync(callId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The caller is told sorry and hung up, so the call is over for the app; a join still running (past the
            // webhook's budget) must not leave its participant behind.
            _registry.MarkEnded(callId, "could not join the session");
            ReleaseLeg(callId);
            throw;
        }

        _registry.AttachParticipant(callId, participant.Id);
        if (EndedMeanwhile(callId))
        {
            return null;
        }
        // Bandwidth answers an inbound call to carry out the Transfer the app is about to return.
        _registry.MarkAnswered(callId, "answered with a transfer");
        _registry.MarkTransferred(callId);
        return participant;
    }

    /// <summary>The participant of a call the app placed, once the callee answered; <c>null</c> for a call the app does not know.</summary>
    public async Task<JoinedParticipant?> AnswerOutboundCallAsync(string callId, CancellationToken cancellationToken)
    {
        var call = _registry.Find(callId);
        if (call is null && !_placing.IsEmpty)
        {
            // The answer webhook can overtake createCall's own answer: look again once the calls being placed are known.
            await Task.WhenAll(_placing.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
            call = _registry.Find(callId);
        }
        if (call is null || !call.IsActive || !_legs.TryGetValue(callId, out var leg))
        {
            return null;
        }
        var participant = await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        _registry.MarkAnswered(callId);
        _registry.MarkTransferred(callId);
        return participant;
    }

    /// <summary>
    /// The call is over (disconnect webhook): marks it ended at once and deletes its participant in the background, so
    /// the webhook is answered without waiting for Bandwidth. Shutdown waits for the deletion (<see cref="DrainAsync"/>).
    /// </summary>
    public void EndCall(string callId, string? cause) => _ = EndCallCoreAsync(callId, cause);

    /// <summary>As <see cref="EndCall"/>, but completes once the participant is deleted (or could not be).</summary>
    public Task EndCallAsync(string callId, string? cause) => EndCallCoreAsync(callId, cause);

    public async Task<PhoneCall> CallAsync(string? number, CancellationToken cancellationToken = default)
    {
        var settings = _bandwidth.Value;
        var to = number ?? settings.OutboundPhoneNumber;
        if (number is null && string.IsNullOrEmpty(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.NoOutboundNumberConfigured,
                "No number to call is configured: set Bandwidth:OutboundPhoneNumber (or USER_NUMBER).");
        }
        if (to is null || !BandwidthOptionsValidator.IsE164(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.InvalidNumber, "That is not a phone number in E.164 form, such as +19195551234.");
        }
        if (!DialableNumbers.Contains(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.NumberNotAllowed,
                "This app may only call the numbers it is configured for (Bandwidth:OutboundPhoneNumber, Bandwidth:AllowedOutboundNumbers).");
        }
        if (!_dialing.TryAdd(to, 0))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.AlreadyInProgress, "That number is being called already.");
        }
        try
        {
            if (_registry.ActiveCount >= _options.MaxActiveCalls)
            {
                throw TooManyCalls();
            }
            if (_registry.Calls.Any(call => call.IsActive && call.Direction == CallDirection.Outbound && call.To == to))
            {
                throw new PhoneCallRejectedException(PhoneCallRejection.AlreadyInProgress, "That number is in a call already.");
            }
            using var lease = _placedCalls.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                throw new PhoneCallRejectedException(PhoneCallRejection.RateLimited,
                    "Too many calls in a short time; try again in a minute.", retryAfter);
            }
            return await PlaceCallAsync(to, settings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _dialing.TryRemove(to, out _);
        }
    }

    public async Task HangUpAsync(string callId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _voice.UpdateCallAsync(callId, UpdateCallRequest.HangUp, cancellationToken).ConfigureAwait(false);
            Log.HangUpRequested(_logger, callId);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            // Bandwidth no longer knows the call, so no disconnect webhook will come: end it here.
            await EndCallAsync(callId, "hangup").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the work still running on behalf of calls: joins that outlived their webhook and participant deletions.
    /// Called at shutdown before the remaining participants are deleted, so none is created or forgotten behind its back.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task[] running = [.. _cleanups.Running, .. _legs.Values.Where(leg => leg.IsValueCreated).Select(leg => leg.Value)];
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed join or deletion has been logged where it failed; all that matters here is that it is over.
        }
    }

    public void Dispose() => _placedCalls.Dispose();

    private async Task<PhoneCall> PlaceCallAsync(string to, BandwidthOptions settings, CancellationToken cancellationToken)
    {
        // Start-up validation requires these in account mode; checked again so a gap is a clear refusal, not a crash.
        var callbackBase = _environment.CallbackBaseUrl
            ?? throw NotConfigured("Bandwidth:BaseCallbackUrl is not set, so Bandwidth could not tell the app when the call is answered.");
        var from = settings.PhoneNumber is { Length: > 0 } number ? number : throw NotConfigured("Bandwidth:PhoneNumber (the number calls come from) is not set.");
        var applicationId = settings.VoiceApplicationId is { Length: > 0 } id ? id : throw NotConfigured("Bandwidth:VoiceApplicationId is not set.");
        var participant = await _participants.JoinAsync(ParticipantKind.Phone, cancellationToken).ConfigureAwait(false);

        var placing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _placing[placing.Task] = 0;
        try
        {
            CreateCallResponse created;
            try
            {
                // Not the caller's token: once sent, the call may exist at Bandwidth whether or not the caller still
                // waits, and only its answer tells the app the call id. The resilience pipeline bounds the wait.
                created = await _voice.CreateCallAsync(new CreateCallRequest(
                    To: to,
                    From: from,
                    ApplicationId: applicationId,
                    AnswerUrl: $"{callbackBase}/callAnswered",
                    DisconnectUrl: $"{callbackBase}/callStatus",
                    Username: settings.HasCallbackCredentials ? settings.CallbackUsername : null,
                    Password: settings.HasCallbackCredentials ? settings.CallbackPassword : null,
                    Tag: CallTag,
                    CallTimeout: _options.RingTimeoutSeconds), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await LeaveAfterFailedCallAsync(participant.Id, exception).ConfigureAwait(false);
                throw;
            }

            var leg = new Lazy<Task<JoinedParticipant>>(Task.FromResult(participant));
            _legs[created.CallId] = leg;
            var call = _registry.Register(created.CallId, CallDirection.Outbound, from, to, participant.Id);
            Log.CallPlaced(_logger, created.CallId, participant.Id);
            EndedMeanwhile(created.CallId);
            return _registry.Find(created.CallId) ?? call;
        }
        finally
        {
            _placing.TryRemove(placing.Task, out _);
            placing.TrySetResult();
        }
    }

    private static PhoneCallRejectedException NotConfigured(string message) => new(PhoneCallRejection.NotConfigured, message);

    private PhoneCallRejectedException TooManyCalls() =>
        new(PhoneCallRejection.TooManyActiveCalls, $"The app carries {_options.MaxActiveCalls} phone calls already (PhoneCalls:MaxActiveCalls); try again later.");

    /// <summary>Deletes the participant of a call Bandwidth did not place; a failure to do so never hides why the call failed.</summary>
    private async Task LeaveAfterFailedCallAsync(string participantId, Exception callFailure)
    {
        try
        {
            await _participants.LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception cleanupFailure)
        {
            // The participant stays tracked, so the shutdown sweep retries the deletion.
            Log.CleanupAfterFailedCallFailed(_logger, participantId, callFailure.Message, cleanupFailure.Message);
        }
    }

    /// <summary>
    /// After a participant was joined for a call: if the call ended meanwhile, deletes the participant (unless the
    /// disconnect already took the leg to do it) and returns <c>true</c>.
    /// </summary>
    private bool EndedMeanwhile(string callId)
    {
        if (_registry.Find(callId) is { IsActive: true })
        {
            return false;
        }
        Log.EndedWhileJoining(_logger, callId);
        ReleaseLeg(callId);
        return true;
    }

    private async Task EndCallCoreAsync(string callId, string? cause)
    {
        var ended = _registry.MarkEnded(callId, cause);
        if (ended is not null)
        {
            Log.CallEnded(_logger, callId, cause ?? "unknown");
        }
        await ReleaseLegAsync(callId).ConfigureAwait(false);
    }

    private void ReleaseLeg(string callId) => _ = ReleaseLegAsync(callId);

    /// <summary>Takes the call's leg, if still there, and deletes its participant once it exists; tracked for shutdown.</summary>
    private Task ReleaseLegAsync(string callId)
    {
        if (!_legs.TryRemove(callId, out var leg))
        {
            return Task.CompletedTask;
        }
        return _cleanups.Track(DeleteParticipantOfAsync(callId, leg));
    }

    private async Task DeleteParticipantOfAsync(string callId, Lazy<Task<JoinedParticipant>> leg)
    {
        JoinedParticipant participant;
        try
        {
            participant = await leg.Value.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.NoParticipantToDelete(_logger, callId, exception.Message);
            return;
        }
        try
        {
            // Not a request's token: the webhook that ended the call has been answered already.
            await _participants.LeaveAsync(participant.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Nobody awaits this deletion to hear of a failure. The participant stays tracked, so the shutdown sweep
            // retries it.
            Log.CleanupFailed(_logger, callId, participant.Id, exception.Message);
        }
    }

    private Task<JoinedParticipant> JoinOnceAsync(string callId, CancellationToken cancellationToken)
    {
        var leg = _legs.GetOrAdd(callId, _ => new Lazy<Task<JoinedParticipant>>(
            // Shared by every copy of the webhook, so it does not follow one request's cancellation.
            () => _participants.JoinAsync(ParticipantKind.Phone, CancellationToken.None)));
        return AwaitLegAsync(callId, leg, cancellationToken);
    }

    private async Task<JoinedParticipant> AwaitLegAsync(string callId, Lazy<Task<JoinedParticipant>> leg, CancellationToken cancellationToken)
    {
        try
        {
            return await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (leg.Value.IsFaulted)
        {
            _legs.TryRemove(new KeyValuePair<string, Lazy<Task<JoinedParticipant>>>(callId, leg));
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Placed call {CallId} for participant {ParticipantId}")]
        public static partial void CallPlaced(ILogger logger, string callId, string participantId);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Call {CallId} ended ({Cause})")]
        public static partial void CallEnded(ILogger logger, string callId, string cause);

        [LoggerMessage(EventId = 2304, Level = LogLevel.Debug, Message = "Call {CallId} ended before its participant existed ({Reason})")]
        public static partial void NoParticipantToDelete(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Asked Bandwidth to hang up call {CallId}")]
        public static partial void HangUpRequested(ILogger logger, string callId);

        [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Call {CallId} ended while its participant was being created; deleting the participant")]
        public static partial void EndedWhileJoining(ILogger logger, string callId);

        [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} of ended call {CallId} ({Reason}); it is retried at shutdown")]
        public static partial void CleanupFailed(ILogger logger, string callId, string participantId, string reason);

        [LoggerMessage(EventId = 2307, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} after its call failed ({CallFailure}): {Reason}; it is retried at shutdown")]
        public static partial void CleanupAfterFailedCallFailed(ILogger logger, string participantId, string callFailure, string reason);
    }
}
