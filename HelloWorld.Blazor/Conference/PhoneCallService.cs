using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Phones in the call: a dial-in (<c>initiate</c>), a call the app places (CALL), and their ends. Each call gets one
/// phone participant, however often Bandwidth repeats a webhook, and loses it when the call ends.
/// </summary>
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

    /// <summary>A dial-in: the phone joins as a new participant. Idempotent per call id.</summary>
    public async Task<JoinedParticipant> AcceptInboundCallAsync(string callId, string from, string to, CancellationToken cancellationToken)
    {
        var participant = await JoinOnceAsync(callId, cancellationToken).ConfigureAwait(false);
        _registry.Register(callId, CallDirection.Inbound, from, to, participant.Id);
        _registry.MarkTransferred(callId);
        return participant;
    }

    /// <summary>The participant of a call the app placed, once the callee answered; <c>null</c> for a call the app does not know.</summary>
    public async Task<JoinedParticipant?> AnswerOutboundCallAsync(string callId, CancellationToken cancellationToken)
    {
        var call = _registry.Find(callId);
        if (call is null || call.State == CallState.Ended || !_legs.TryGetValue(callId, out var leg))
        {
            return null;
        }
        var participant = await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        _registry.MarkAnswered(callId);
        _registry.MarkTransferred(callId);
        return participant;
    }

    /// <summary>The call is over (disconnect webhook, or a hang-up Bandwidth no longer knows): its participant is deleted.</summary>
    public async Task EndCallAsync(string callId, string? cause, CancellationToken cancellationToken)
    {
        var ended = _registry.MarkEnded(callId, cause);
        if (_legs.TryRemove(callId, out var leg))
        {
            try
            {
                var participant = await leg.Value.ConfigureAwait(false);
                await _participants.LeaveAsync(participant.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (leg.Value.IsFaulted)
            {
                Log.NoParticipantToDelete(_logger, callId, exception.Message);
            }
        }
        if (ended is not null)
        {
            Log.CallEnded(_logger, callId, cause ?? "unknown");
        }
    }

    public async Task<PhoneCall> CallAsync(string? number, CancellationToken cancellationToken = default)
    {
        var settings = _bandwidth.Value;
        var to = number ?? settings.OutboundPhoneNumber;
        if (string.IsNullOrEmpty(to))
        {
            throw new PhoneCallRejectedException(PhoneCallRejection.NoOutboundNumberConfigured,
                "No number to call is configured: set Bandwidth:OutboundPhoneNumber (or USER_NUMBER).");
        }
        if (!BandwidthOptionsValidator.IsE164(to))
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
            await EndCallAsync(callId, "hangup", cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _placedCalls.Dispose();

    private async Task<PhoneCall> PlaceCallAsync(string to, BandwidthOptions settings, CancellationToken cancellationToken)
    {
        var callbackBase = _environment.CallbackBaseUrl
            ?? throw new InvalidOperationException("Bandwidth:BaseCallbackUrl is not set, so Bandwidth could not tell the app when the call is answered.");
        var participant = await _participants.JoinAsync(ParticipantKind.Phone, cancellationToken).ConfigureAwait(false);
        CreateCallResponse created;
        try
        {
            created = await _voice.CreateCallAsync(new CreateCallRequest(
                To: to,
                From: settings.PhoneNumber ?? throw new InvalidOperationException("Bandwidth:PhoneNumber is not set."),
                ApplicationId: settings.VoiceApplicationId ?? throw new InvalidOperationException("Bandwidth:VoiceApplicationId is not set."),
                AnswerUrl: $"{callbackBase}/callAnswered",
                DisconnectUrl: $"{callbackBase}/callStatus",
                Username: settings.HasCallbackCredentials ? settings.CallbackUsername : null,
                Password: settings.HasCallbackCredentials ? settings.CallbackPassword : null,
                Tag: CallTag,
                CallTimeout: _options.RingTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _participants.LeaveAsync(participant.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        _legs[created.CallId] = new Lazy<Task<JoinedParticipant>>(Task.FromResult(participant));
        Log.CallPlaced(_logger, created.CallId, participant.Id);
        return _registry.Register(created.CallId, CallDirection.Outbound, created.From, created.To, participant.Id);
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
    }
}
