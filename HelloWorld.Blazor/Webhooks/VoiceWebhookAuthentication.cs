using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// HTTP Basic for Bandwidth's Voice webhooks, the only scheme Bandwidth offers. Bandwidth sends each webhook first without
/// credentials and resends it with them only after a 401 that carries <c>WWW-Authenticate: Basic</c>; a 401 without that
/// header loses the webhook. Wrong credentials are counted per client address (<see cref="FailedWebhookLogins"/>), and an
/// address that keeps guessing gets 429. With no callback credentials configured (emulator mode, or
/// <c>Bandwidth:AllowUnauthenticatedWebhooks</c>) the webhooks are open, and the app warns at start.
/// </summary>
public sealed class VoiceWebhookAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<BandwidthOptions> bandwidth,
    FailedWebhookLogins failedLogins)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "BandwidthVoiceWebhook";
    public const string PolicyName = "BandwidthVoiceWebhook";
    public const string Realm = "HelloWorld Voice webhooks";

    private const string ThrottledKey = "HelloWorld.WebhookLoginThrottled";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = bandwidth.Value;
        if (!settings.HasCallbackCredentials)
        {
            return Task.FromResult(Success());
        }
        var address = Context.Connection.RemoteIpAddress;
        if (failedLogins.IsThrottled(address, out var retryAfter))
        {
            // Not even checked: an answer to a right guess would tell the guesser it was right.
            Context.Items[ThrottledKey] = retryAfter;
            return Task.FromResult(AuthenticateResult.Fail("Too many failed webhook authentications from this address."));
        }
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            // Bandwidth's first attempt always comes without credentials: expected, neither a failure nor worth a warning.
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!Matches(header.Parameter, settings.CallbackUsername!, settings.CallbackPassword!))
        {
            failedLogins.RecordFailure(address, Request.Path);
            Http.RejectedRequests.MarkLogged(Context); // counted and summarised there, not a line per attempt
            return Task.FromResult(AuthenticateResult.Fail("Wrong webhook credentials."));
        }
        return Task.FromResult(Success());
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledKey] is TimeSpan retryAfter)
        {
            Http.RejectedRequests.MarkLogged(Context);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Response.WriteAsJsonAsync(new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many failed authentications",
                Detail = "This address sent too many webhooks with wrong credentials; try again later.",
            }, options: null, contentType: "application/problem+json");
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
    }

    /// <summary>Compares hashes of the whole <c>user:password</c> in constant time: neither length nor prefix leaks.</summary>
    private static bool Matches(string? encoded, string username, string password)
    {
        string presented;
        try
        {
            presented = Encoding.UTF8.GetString(Convert.FromBase64String(encoded ?? string.Empty));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{password}"));
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected);
    }

    private AuthenticateResult Success() =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bandwidth")], SchemeName)), SchemeName));
}
