using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// HTTP Basic for Bandwidth's Voice webhooks, the only scheme Bandwidth offers. Bandwidth sends each webhook first without
/// credentials and resends it with them only after a 401 that carries <c>WWW-Authenticate: Basic</c>; a 401 without that
/// header loses the webhook. With no callback credentials configured the webhooks are open (and the app warns at start).
/// </summary>
public sealed partial class VoiceWebhookAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<BandwidthOptions> bandwidth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "BandwidthVoiceWebhook";
    public const string PolicyName = "BandwidthVoiceWebhook";
    public const string Realm = "HelloWorld Voice webhooks";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = bandwidth.Value;
        if (!settings.HasCallbackCredentials)
        {
            return Task.FromResult(Success());
        }
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            // Bandwidth's first attempt always comes without credentials: expected, not worth a warning.
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!Matches(header.Parameter, settings.CallbackUsername!, settings.CallbackPassword!))
        {
            Log.WrongCredentials(Logger, Request.Path, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Task.FromResult(AuthenticateResult.Fail("Wrong webhook credentials."));
        }
        return Task.FromResult(Success());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        return Task.CompletedTask;
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Rejected a Voice webhook to {Path} from {RemoteAddress}: wrong credentials")]
        public static partial void WrongCredentials(ILogger logger, string path, string remoteAddress);
    }
}
