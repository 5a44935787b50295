using System.Net;
using System.Text.RegularExpressions;
using HelloWorld.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>The two Voice API operations the app uses, validated as <c>voice.yml</c> says: <c>createCall</c> and <c>updateCall</c>.</summary>
internal static partial class VoiceApi
{
    private static readonly string[] AnonymousCallers = ["Restricted", "Anonymous", "Private", "Unavailable"];

    public static void Map(RouteGroupBuilder api)
    {
        var calls = api.MapGroup("/accounts/{accountId}/calls");
        calls.MapPost("", CreateCallAsync);
        calls.MapPost("/{callId}", UpdateCallAsync);
    }

    private static async Task<IResult> CreateCallAsync(HttpRequest request, CallEngine engine, IOptions<EmulatorOptions> options)
    {
        var (body, error) = await ApiResults.ReadAsync<CreateCallBody>(request);
        if (error is not null || body is null)
        {
            return Invalid(error ?? "The request needs a createCall body.");
        }
        var emulator = options.Value;
        if (Problem(body, emulator) is { } problem)
        {
            return Invalid(problem);
        }
        var callbackTimeout = TimeSpan.FromSeconds(body.CallbackTimeout ?? 15);
        var call = engine.PlaceCall(body.From!, body.To!,
            new CallCallbacks(body.AnswerUrl!, body.DisconnectUrl, body.Username, body.Password, body.Tag, callbackTimeout, body.ApplicationId!),
            TimeSpan.FromSeconds(body.CallTimeout ?? 30));
        var callUrl = $"{request.Scheme}://{request.Host}/emulator/voice/api/v2/accounts/{emulator.AccountId}/calls/{call.CallId}";
        request.HttpContext.Response.Headers.Location = callUrl;
        return ApiResults.Created(new CreateCallResponse(
            body.ApplicationId!, emulator.AccountId, call.CallId, call.To, call.From, call.StartTime, callUrl, body.CallTimeout ?? 30,
            callbackTimeout.TotalSeconds, body.Tag, body.AnswerMethod ?? "POST", body.AnswerUrl!, body.DisconnectMethod ?? "POST",
            body.DisconnectUrl, body.Username, body.Password is null ? null : "*****", body.Priority ?? 5));
    }

    private static async Task<IResult> UpdateCallAsync(string callId, HttpRequest request, CallEngine engine)
    {
        var (body, error) = await ApiResults.ReadAsync<UpdateCallBody>(request);
        if (error is not null || body is null)
        {
            return Invalid(error ?? "The request needs an updateCall body.");
        }
        var state = body.State ?? "active";
        if (state is not ("active" or "completed"))
        {
            return Invalid($"Invalid state '{state}': use active or completed.");
        }
        if (state == "completed" && (body.RedirectUrl is not null || body.Tag is not null))
        {
            return Invalid("redirectUrl and tag are not allowed when state is completed.");
        }
        if (state == "active")
        {
            return Invalid(body.RedirectUrl is null
                ? "redirectUrl is required when state is active."
                : "The emulator does not execute redirects; only state completed is emulated.");
        }
        return engine.Complete(callId)
            ? Results.Ok()
            : ApiResults.VoiceError(StatusCodes.Status404NotFound, "not-found", $"Call {callId} was not found or is no longer active.");
    }

    /// <summary>The first rule of <c>createCall</c> the body breaks, or <c>null</c>.</summary>
    private static string? Problem(CreateCallBody body, EmulatorOptions emulator)
    {
        if (string.IsNullOrEmpty(body.To) || string.IsNullOrEmpty(body.From) || string.IsNullOrEmpty(body.ApplicationId) || string.IsNullOrEmpty(body.AnswerUrl))
        {
            return "to, from, applicationId and answerUrl are required.";
        }
        if (!E164().IsMatch(body.To) && !body.To.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            return $"Invalid to '{body.To}': use an E.164 number (+15555551212) or a SIP URI.";
        }
        if (body.From != emulator.ApplicationPhoneNumber && !AnonymousCallers.Contains(body.From))
        {
            return $"Invalid from '{body.From}': it must be a number on the account ({emulator.ApplicationPhoneNumber}).";
        }
        if (body.ApplicationId != emulator.VoiceApplicationId)
        {
            return $"Application {body.ApplicationId} does not exist on the account.";
        }
        foreach (var (name, url) in new[] { ("answerUrl", body.AnswerUrl), ("disconnectUrl", body.DisconnectUrl) })
        {
            if (url is not null && (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                return $"Invalid {name}: only absolute http and https URLs of at most 2048 characters are allowed.";
            }
        }
        if ((body.Username is not null || body.Password is not null) && !AllowsCredentials(new Uri(body.AnswerUrl)))
        {
            return "answerUrl must use https when username and password are given.";
        }
        if (body.AnswerMethod is not (null or "POST") || body.DisconnectMethod is not (null or "POST"))
        {
            return "The emulator delivers webhooks with POST only.";
        }
        return body switch
        {
            { CallTimeout: < 1 or > 300 } => "callTimeout must be between 1 and 300 seconds.",
            { CallbackTimeout: < 1 or > 25 } => "callbackTimeout must be between 1 and 25 seconds.",
            { Tag.Length: > 256 } => "tag must be at most 256 characters.",
            { DisplayName.Length: > 256 } => "displayName must be at most 256 characters.",
            { Priority: < 1 or > 5 } => "priority must be between 1 and 5.",
            { Username.Length: > 1024 } or { Password.Length: > 1024 } => "username and password must be at most 1024 characters.",
            _ => null,
        };
    }

    /// <summary>
    /// Bandwidth sends credentials over https only. The emulator also allows a loopback host, where the app it calls runs
    /// on the same machine without TLS: there is no network to protect them from.
    /// </summary>
    private static bool AllowsCredentials(Uri answerUrl) =>
        answerUrl.Scheme == Uri.UriSchemeHttps || answerUrl.IsLoopback ||
        (IPAddress.TryParse(answerUrl.Host, out var address) && IPAddress.IsLoopback(address));

    private static IResult Invalid(string description) => ApiResults.VoiceError(StatusCodes.Status400BadRequest, "validation", description);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    private sealed record CreateCallBody(
        string? To, string? From, string? DisplayName, string? Uui, string? ApplicationId, string? AnswerUrl, string? AnswerMethod,
        string? Username, string? Password, string? AnswerFallbackUrl, string? DisconnectUrl, string? DisconnectMethod,
        double? CallTimeout, double? CallbackTimeout, int? Priority, string? Tag);

    private sealed record CreateCallResponse(
        string ApplicationId, string AccountId, string CallId, string To, string From, DateTimeOffset EnqueuedTime, string CallUrl,
        double CallTimeout, double CallbackTimeout, string? Tag, string AnswerMethod, string AnswerUrl, string DisconnectMethod,
        string? DisconnectUrl, string? Username, string? Password, int Priority);

    private sealed record UpdateCallBody(string? State, string? RedirectUrl, string? RedirectMethod, string? Tag);
}
