using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The CALL button and the hang-up button: places a call through the Voice API once <see cref="OutboundCallPolicy"/>
/// admits it, with this app's webhooks as its callbacks, and hangs calls up. The call's participant is the
/// <see cref="ICallLegs"/>' business; <see cref="CallReconciler"/> looks the call up if its answer webhook never comes.
/// </summary>
public sealed partial class PhoneCallService(
    OutboundCallPolicy policy,
    ICallLegs legs,
    CallReconciler reconciler,
    IVoiceApi voice,
    IBandwidthEnvironment environment,
    IOptions<BandwidthOptions> bandwidth,
    IOptions<PhoneCallOptions> options,
    ILogger<PhoneCallService> logger) : IPhoneCallService
{
    public const string CallTag = "hello-world";

    public IReadOnlyList<string> DialableNumbers => policy.DialableNumbers;

    public Task<PhoneCall> CallAsync(string? number, CancellationToken cancellationToken = default) =>
        CallAsync(number, ClientAddress.Unknown, cancellationToken);

    public async Task<PhoneCall> CallAsync(string? number, ClientAddress client, CancellationToken cancellationToken = default)
    {
        using var admission = policy.Admit(number, client);
        var settings = bandwidth.Value;
        // Start-up validation requires these in account mode; checked again so a gap is a clear refusal, not a crash.
        var callbackBase = environment.CallbackBaseUrl
            ?? throw NotConfigured("Bandwidth:BaseCallbackUrl is not set, so Bandwidth could not tell the app when the call is answered.");
        var from = settings.PhoneNumber is { Length: > 0 } phoneNumber
            ? phoneNumber
            : throw NotConfigured("Bandwidth:PhoneNumber (the number calls come from) is not set.");
        var applicationId = settings.VoiceApplicationId is { Length: > 0 } id ? id : throw NotConfigured("Bandwidth:VoiceApplicationId is not set.");

        var request = new CreateCallRequest(
            To: admission.To,
            From: from,
            ApplicationId: applicationId,
            AnswerUrl: $"{callbackBase}/callAnswered",
            DisconnectUrl: $"{callbackBase}/callStatus",
            Username: settings.HasCallbackCredentials ? settings.CallbackUsername : null,
            Password: settings.HasCallbackCredentials ? settings.CallbackPassword : null,
            Tag: CallTag,
            CallTimeout: options.Value.RingTimeoutSeconds);
        PhoneCall call;
        try
        {
            call = await legs.PlaceOutboundCallAsync(from, admission.To, admission.Reservation, () => CreateCallAsync(request), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ParticipantRefusedException refused)
        {
            // The session filled up since the policy looked: no participant was created and no call placed.
            throw PhoneCallRejectedException.ConferenceFull(refused);
        }
        reconciler.Watch(call);
        return call;
    }

    public async Task HangUpAsync(string callId, CancellationToken cancellationToken = default)
    {
        try
        {
            await voice.UpdateCallAsync(callId, UpdateCallRequest.HangUp, cancellationToken).ConfigureAwait(false);
            Log.HangUpRequested(logger, callId);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            // Bandwidth no longer knows the call, so no disconnect webhook will come: end it here.
            await legs.EndCallAsync(callId, "hangup").ConfigureAwait(false);
        }
    }

    private async Task<string> CreateCallAsync(CreateCallRequest request)
    {
        // Not the caller's token: once sent, the call may exist at Bandwidth whether or not the caller still waits, and
        // only its answer tells the app the call id. The resilience pipeline bounds the wait.
        var created = await voice.CreateCallAsync(request, CancellationToken.None).ConfigureAwait(false);
        return created.CallId;
    }

    private static PhoneCallRejectedException NotConfigured(string message) => new(PhoneCallRejection.NotConfigured, message);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Asked Bandwidth to hang up call {CallId}")]
        public static partial void HangUpRequested(ILogger logger, string callId);
    }
}
