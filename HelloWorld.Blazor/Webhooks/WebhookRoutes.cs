using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Bxml;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// The paths Bandwidth posts Voice webhooks to. The first three are the sample's (the Voice application's callback URLs
/// and the createCall URLs); the transfer ones are written into every Transfer the app answers.
/// </summary>
public static class WebhookRoutes
{
    public const string IncomingCall = "/incomingCall";
    public const string CallAnswered = "/callAnswered";
    public const string CallStatus = "/callStatus";
    public const string TransferAnswer = "/transferAnswer";
    public const string TransferComplete = "/transferComplete";
    public const string TransferDisconnect = "/transferDisconnect";

    public static IReadOnlyList<string> All { get; } = [IncomingCall, CallAnswered, CallStatus, TransferAnswer, TransferComplete, TransferDisconnect];

    /// <summary>
    /// The transfer routes under <see cref="IBandwidthEnvironment.CallbackBaseUrl"/>, with the webhook credentials when
    /// configured; <c>null</c> without a callback base URL (Bandwidth could not reach them).
    /// </summary>
    public static TransferCallbacks? TransferCallbacksFor(IBandwidthEnvironment environment, BandwidthOptions options) =>
        environment.CallbackBaseUrl is { } callbackBase
            ? new TransferCallbacks(callbackBase + TransferAnswer, callbackBase + TransferComplete, callbackBase + TransferDisconnect,
                options.HasCallbackCredentials ? options.CallbackUsername : null, options.HasCallbackCredentials ? options.CallbackPassword : null)
            : null;
}
