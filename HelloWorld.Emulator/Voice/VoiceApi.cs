using System.Net;
using HelloWorld.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The Voice API operations the app uses, validated as <c>voice.yml</c> says: <c>createCall</c>, <c>getCallState</c> and
/// <c>updateCall</c> (<c>completed</c> ends the call; <c>active</c> redirects it to new BXML).
/// </summary>
internal static partial class VoiceApi
{
    private static readonly string[] AnonymousCallers = ["Restricted", "Anonymous", "Private", "Unavailable"];

    public static void Map(RouteGroupBuilder api)
    {
        var calls = api.MapGroup("/accounts/{accountId}/calls");
        calls.MapPost("", CreateCallAsync);
        calls.MapGet("/{callId}", GetCallState);
        calls.MapPost("/{callId}", UpdateCallAsync);
    }

    /// <summary>
    /// voice.yml's getCallState: the call's state (<c>initiated</c>, <c>answered</c>, <c>disconnected</c>), ended calls included
    /// while the emulator keeps them (the last <see cref="CallEngine.EndedCallsKept"/>; Bandwidth keeps 7 days), 404 for
    /// any other id. At once, where Bandwidth warns it "may take a few minutes for your call to be accessible".
    /// </summary>
    private static IResult GetCallState(string callId, CallEngine engine, IOptions<EmulatorOptions> options) =>
        engine.Find(callId) is { } call
            ? Results.Json(CallState.Of(call, options.Value.AccountId), WithNulls)
            : ApiResults.VoiceError(StatusCodes.Status404NotFound, "not-found", $"Call {callId} was not found.");

    private static async Task<IResult> CreateCallAsync(HttpRequest request, CallEngine engine, CallAdmission admission, IOptions<EmulatorOptions> options)
    {
        if (!request.HasJsonContentType())
        {
            return UnsupportedMediaType(request);
        }
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
        var callbacks = new CallCallbacks(body.AnswerUrl!, body.DisconnectUrl, body.Username, body.Password, body.Tag, callbackTimeout, body.ApplicationId!,
            body.AnswerMethod ?? "POST", body.DisconnectMethod ?? "POST",
            body.AnswerFallbackUrl, body.AnswerFallbackMethod ?? "POST", body.FallbackUsername, body.FallbackPassword);
        var (placed, refusal) = admission.Admit(() => engine.ActiveCallCount,
            () => engine.PlaceCall(body.From!, body.To!, callbacks, TimeSpan.FromSeconds(body.CallTimeout ?? 30)));
        if (refusal is not null)
        {
            // Bandwidth's rate-limits page shows the body: {"type": "error", "description": "Account call creation rate limit exceeded", "id": ...}.
            request.HttpContext.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiResults.VoiceError(StatusCodes.Status429TooManyRequests, "error", refusal.Description);
        }
        var call = placed!;
        var callUrl = $"{request.Scheme}://{request.Host}/emulator/voice/api/v2/accounts/{emulator.AccountId}/calls/{call.CallId}";
        request.HttpContext.Response.Headers.Location = callUrl;
        return ApiResults.Created(new CreateCallResponse(
            body.ApplicationId!, emulator.AccountId, call.CallId, call.To, call.From, call.StartTime, callUrl, body.CallTimeout ?? 30,
            callbackTimeout.TotalSeconds, body.Tag, callbacks.AnswerMethod, body.AnswerUrl!, callbacks.AnswerFallbackMethod, body.AnswerFallbackUrl,
            callbacks.DisconnectMethod, body.DisconnectUrl, body.Username, Masked(body.Password), body.FallbackUsername, Masked(body.FallbackPassword),
            body.Priority ?? 5));
    }

    private static string? Masked(string? secret) => secret is null ? null : "*****";

    private static async Task<IResult> UpdateCallAsync(string callId, HttpRequest request, CallEngine engine)
    {
        if (!request.HasJsonContentType())
        {
            return UnsupportedMediaType(request);
        }
        var (body, error) = await ApiResults.ReadAsync<UpdateCallBody>(request);
        if (error is not null || body is null)
        {
            return Invalid(error ?? "The request needs an updateCall body.");
        }
        if (Problem(body) is { } problem)
        {
            return Invalid(problem);
        }
        if (body.State == "completed")
        {
            return engine.Complete(callId) ? Results.Ok() : CallNotFound(callId);
        }
        var redirect = new WebhookTarget(body.RedirectUrl!, body.RedirectMethod ?? "POST", body.Username, body.Password);
        var fallback = body.RedirectFallbackUrl is null ? null
            : new WebhookTarget(body.RedirectFallbackUrl, body.RedirectFallbackMethod ?? "POST", body.FallbackUsername, body.FallbackPassword);
        return engine.Redirect(callId, redirect, fallback, body.Tag) switch
        {
            RedirectResult.Redirected => Results.Ok(),
            RedirectResult.NotAnswered => ApiResults.VoiceError(StatusCodes.Status409Conflict, "conflict",
                $"Call {callId} has not been answered yet; only an answered call can be redirected."),
            _ => CallNotFound(callId),
        };
    }

    /// <summary>The first rule of <c>updateCall</c> the body breaks, or <c>null</c>.</summary>
    private static string? Problem(UpdateCallBody body)
    {
        var state = body.State ?? "active";
        if (state is not ("active" or "completed"))
        {
            return $"Invalid state '{state}': use active or completed.";
        }
        if (state == "completed")
        {
            return body.RedirectUrl is not null || body.RedirectMethod is not null || body.Tag is not null
                ? "redirectUrl, redirectMethod and tag are not allowed when state is completed."
                : null;
        }
        if (body.RedirectUrl is null)
        {
            return "redirectUrl is required when state is active.";
        }
        return UrlProblem("redirectUrl", body.RedirectUrl) ?? UrlProblem("redirectFallbackUrl", body.RedirectFallbackUrl)
            ?? MethodProblem("redirectMethod", body.RedirectMethod) ?? MethodProblem("redirectFallbackMethod", body.RedirectFallbackMethod)
            ?? body switch
            {
                { Tag.Length: > 256 } => "tag must be at most 256 characters.",
                { Username.Length: > 1024 } or { Password.Length: > 1024 } or { FallbackUsername.Length: > 1024 } or { FallbackPassword.Length: > 1024 } =>
                    "username, password, fallbackUsername and fallbackPassword must be at most 1024 characters.",
                _ => null,
            };
    }

    /// <summary>The first rule of <c>createCall</c> the body breaks, or <c>null</c>.</summary>
    private static string? Problem(CreateCallBody body, EmulatorOptions emulator)
    {
        if (string.IsNullOrEmpty(body.To) || string.IsNullOrEmpty(body.From) || string.IsNullOrEmpty(body.ApplicationId) || string.IsNullOrEmpty(body.AnswerUrl))
        {
            return "to, from, applicationId and answerUrl are required.";
        }
        if (!E164.IsMatch(body.To) && !body.To.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
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
        if ((UrlProblem("answerUrl", body.AnswerUrl) ?? UrlProblem("answerFallbackUrl", body.AnswerFallbackUrl) ?? UrlProblem("disconnectUrl", body.DisconnectUrl))
            is { } urlProblem)
        {
            return urlProblem;
        }
        if ((body.Username is not null || body.Password is not null) && !AllowsCredentials(new Uri(body.AnswerUrl)))
        {
            return "answerUrl must use https when username and password are given.";
        }
        if ((body.FallbackUsername is not null || body.FallbackPassword is not null) && body.AnswerFallbackUrl is not null &&
            !AllowsCredentials(new Uri(body.AnswerFallbackUrl)))
        {
            return "answerFallbackUrl must use https when fallbackUsername and fallbackPassword are given.";
        }
        if ((MethodProblem("answerMethod", body.AnswerMethod) ?? MethodProblem("answerFallbackMethod", body.AnswerFallbackMethod)
             ?? MethodProblem("disconnectMethod", body.DisconnectMethod) ?? UuiProblem(body.Uui)) is { } problem)
        {
            return problem;
        }
        return body switch
        {
            { CallTimeout: < 1 or > 300 } => "callTimeout must be between 1 and 300 seconds.",
            { CallbackTimeout: < 1 or > 25 } => "callbackTimeout must be between 1 and 25 seconds.",
            { Tag.Length: > 256 } => "tag must be at most 256 characters.",
            { DisplayName.Length: > 256 } => "displayName must be at most 256 characters.",
            { Priority: < 1 or > 5 } => "priority must be between 1 and 5.",
            { Username.Length: > 1024 } or { Password.Length: > 1024 } or { FallbackUsername.Length: > 1024 } or { FallbackPassword.Length: > 1024 } =>
                "username, password, fallbackUsername and fallbackPassword must be at most 1024 characters.",
            _ => null,
        };
    }

    private static string? UrlProblem(string name, string? url) =>
        url is not null && (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            ? $"Invalid {name}: only absolute http and https URLs of at most 2048 characters are allowed."
            : null;

    /// <summary>voice.yml's callbackMethodEnum and redirectMethodEnum: GET or POST (the emulator sends both).</summary>
    private static string? MethodProblem(string name, string? method) =>
        method is null or "GET" or "POST" ? null : $"Invalid {name} '{method}': use GET or POST.";

    /// <summary>
    /// createCall's <c>uui</c>: comma-separated User-To-User values, each ending with an <c>encoding</c> parameter of
    /// <c>jwt</c> or <c>base64</c> (RFC 7433), 350 characters at most in all.
    /// </summary>
    private static string? UuiProblem(string? uui)
    {
        if (uui is null)
        {
            return null;
        }
        if (uui.Length > 350)
        {
            return "uui must be at most 350 characters, parameters and separators included.";
        }
        foreach (var header in uui.Split(','))
        {
            var semicolon = header.LastIndexOf(';');
            var encoding = semicolon < 0 ? "" : header[(semicolon + 1)..].Trim();
            if (semicolon <= 0 || encoding is not ("encoding=jwt" or "encoding=base64"))
            {
                return $"Invalid uui value '{header}': each value needs its data and an encoding parameter, encoding=jwt or encoding=base64.";
            }
        }
        return null;
    }

    /// <summary>
    /// Bandwidth sends credentials over https only. The emulator also allows a loopback host, where the app it calls runs
    /// on the same machine without TLS: there is no network to protect them from.
    /// </summary>
    private static bool AllowsCredentials(Uri answerUrl) =>
        answerUrl.Scheme == Uri.UriSchemeHttps || answerUrl.IsLoopback ||
        (IPAddress.TryParse(answerUrl.Host, out var address) && IPAddress.IsLoopback(address));

    private static IResult Invalid(string description) => ApiResults.VoiceError(StatusCodes.Status400BadRequest, "validation", description);

    private static IResult CallNotFound(string callId) =>
        ApiResults.VoiceError(StatusCodes.Status404NotFound, "not-found", $"Call {callId} was not found or is no longer active.");

    private static IResult UnsupportedMediaType(HttpRequest request) =>
        ApiResults.VoiceError(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type",
            $"The body must be JSON (Content-Type: application/json), not '{request.ContentType ?? "none"}'.");


    private sealed record CreateCallBody(
        string? To, string? From, string? DisplayName, string? Uui, string? ApplicationId, string? AnswerUrl, string? AnswerMethod,
        string? Username, string? Password, string? AnswerFallbackUrl, string? AnswerFallbackMethod, string? FallbackUsername,
        string? FallbackPassword, string? DisconnectUrl, string? DisconnectMethod, double? CallTimeout, double? CallbackTimeout, int? Priority,
        string? Tag);

    private sealed record CreateCallResponse(
        string ApplicationId, string AccountId, string CallId, string To, string From, DateTimeOffset EnqueuedTime, string CallUrl,
        double CallTimeout, double CallbackTimeout, string? Tag, string AnswerMethod, string AnswerUrl, string AnswerFallbackMethod,
        string? AnswerFallbackUrl, string DisconnectMethod, string? DisconnectUrl, string? Username, string? Password, string? FallbackUsername,
        string? FallbackPassword, int Priority);

    /// <summary>voice.yml's nullable fields of callState are written as null, as Bandwidth writes them, not left out.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions WithNulls = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>voice.yml's <c>callState</c>; <c>stirShaken</c> and <c>identity</c> are inbound SIP details the emulator has not.</summary>
    private sealed record CallState(
        string ApplicationId, string AccountId, string CallId, string? ParentCallId, string To, string From, CallDirection Direction,
        string State, object? StirShaken, string? Identity, DateTimeOffset? EnqueuedTime, DateTimeOffset StartTime, DateTimeOffset? AnswerTime, DateTimeOffset? EndTime,
        string? DisconnectCause, string? ErrorMessage, string? ErrorId, DateTimeOffset LastUpdate)
    {
        public static CallState Of(EmulatedCall call, string accountId) => new(
            call.Callbacks.ApplicationId, accountId, call.CallId, null, call.To, call.From, call.Direction,
            call.Phase switch { CallPhase.Ringing => "initiated", CallPhase.Completed => "disconnected", _ => "answered" }, null, null,
            call.Direction == CallDirection.Outbound ? call.StartTime : null, call.StartTime, call.AnswerTime, call.EndTime,
            call.Cause, call.ErrorMessage, call.ErrorId, call.EndTime ?? call.AnswerTime ?? call.StartTime);
    }

    private sealed record UpdateCallBody(
        string? State, string? RedirectUrl, string? RedirectMethod, string? Username, string? Password, string? RedirectFallbackUrl,
        string? RedirectFallbackMethod, string? FallbackUsername, string? FallbackPassword, string? Tag);
}
