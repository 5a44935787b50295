using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// Checks the <c>Bandwidth</c> settings at start and names every missing or malformed one with the way to set it,
/// so a first run fails with instructions rather than with a 401 from Bandwidth minutes later.
/// </summary>
/// <param name="accountIntendedBy">
/// The account settings that chose account mode, named in the failures so that a user who set only some of them learns
/// why the app did not fall back to the emulator.
/// </param>
public sealed partial class BandwidthOptionsValidator(bool emulatorMode, IReadOnlyList<string>? accountIntendedBy = null) : IValidateOptions<BandwidthOptions>
{
    public ValidateOptionsResult Validate(string? name, BandwidthOptions options)
    {
        var failures = new List<string>();
        if (!emulatorMode)
        {
            var because = accountIntendedBy is { Count: > 0 }
                ? $"Found {string.Join(", ", accountIntendedBy)}, so the app expects a Bandwidth account. "
                : "";
            Require(failures, because, options.AccountId, nameof(options.AccountId), "your account id", "BW_ACCOUNT_ID");
            Require(failures, because, options.Username, nameof(options.Username), "<api-user>", "BW_USERNAME");
            Require(failures, because, options.Password, nameof(options.Password), "<api-password>", "BW_PASSWORD");
            Require(failures, because, options.VoiceApplicationId, nameof(options.VoiceApplicationId), "<application-id>", "BW_VOICE_APPLICATION_ID");
            Require(failures, because, options.PhoneNumber, nameof(options.PhoneNumber), "+19195551234", "BW_NUMBER");
            Require(failures, because, options.BaseCallbackUrl, nameof(options.BaseCallbackUrl), "https://your-public-host", "BASE_CALLBACK_URL");
            RequireCallbackCredentials(failures, because, options);
        }

        CheckPhoneNumber(failures, options.PhoneNumber, nameof(options.PhoneNumber));
        CheckPhoneNumber(failures, options.OutboundPhoneNumber, nameof(options.OutboundPhoneNumber));
        foreach (var number in options.AllowedOutboundNumbers)
        {
            CheckPhoneNumber(failures, number, nameof(options.AllowedOutboundNumbers));
        }
        CheckUrl(failures, options.BaseCallbackUrl, nameof(options.BaseCallbackUrl));
        CheckUrl(failures, options.WebRtcApiBaseUrl, nameof(options.WebRtcApiBaseUrl));
        CheckUrl(failures, options.VoiceApiBaseUrl, nameof(options.VoiceApiBaseUrl));

        var hasCallbackUser = !string.IsNullOrEmpty(options.CallbackUsername);
        var hasCallbackPassword = !string.IsNullOrEmpty(options.CallbackPassword);
        if (hasCallbackUser != hasCallbackPassword)
        {
            failures.Add("Bandwidth:CallbackUsername and Bandwidth:CallbackPassword go together: set both or neither.");
        }
        else if (hasCallbackUser && !emulatorMode &&
                 Uri.TryCreate(options.BaseCallbackUrl, UriKind.Absolute, out var callback) && callback.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"Bandwidth:BaseCallbackUrl must use https when callback credentials are set: Bandwidth refuses to send credentials over http (it is '{options.BaseCallbackUrl}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>E.164: a plus, a leading digit 1-9, at most 15 digits in all.</summary>
    public static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    private static void Require(List<string> failures, string because, string? value, string setting, string example, string sampleVariable)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add(
                $"Bandwidth:{setting} is not set. {because}Set it with 'dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:{setting} {example}', " +
                $"or the environment variable Bandwidth__{setting} (or {sampleVariable}). " +
                "To run without a Bandwidth account, remove the account settings (or set Bandwidth:UseEmulator to true) and the app uses its built-in emulator.");
        }
    }

    /// <summary>
    /// Fail closed: open webhooks on a real account let anyone who finds their URLs create participants (paid for by the
    /// account) and fill the call cap with fake calls.
    /// </summary>
    private static void RequireCallbackCredentials(List<string> failures, string because, BandwidthOptions options)
    {
        if (string.IsNullOrEmpty(options.CallbackUsername) && string.IsNullOrEmpty(options.CallbackPassword) && !options.AllowUnauthenticatedWebhooks)
        {
            failures.Add(
                $"Bandwidth:CallbackUsername and Bandwidth:CallbackPassword are not set. {because}Against a real account every Voice webhook must be authenticated, " +
                "or anyone who finds the webhook URLs can create participants on your account. Choose a user name and a long random password and set them with " +
                "'dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:CallbackUsername <user>' and " +
                "'dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:CallbackPassword <password>' " +
                "(or the environment variables Bandwidth__CallbackUsername and Bandwidth__CallbackPassword), and enter the same pair in your " +
                "Voice application's callback settings in the Bandwidth dashboard. To run without them anyway (a short trial only), " +
                "set Bandwidth:AllowUnauthenticatedWebhooks to true.");
        }
    }

    private static void CheckPhoneNumber(List<string> failures, string? number, string setting)
    {
        if (!string.IsNullOrEmpty(number) && !IsE164(number))
        {
            failures.Add($"Bandwidth:{setting} must be an E.164 phone number such as +19195551234 (it is '{number}').");
        }
    }

    private static void CheckUrl(List<string> failures, string? url, string setting)
    {
        if (!string.IsNullOrEmpty(url) &&
            !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"Bandwidth:{setting} must be an absolute http or https URL (it is '{url}').");
        }
    }

    // \z, not $: $ also matches before a final newline, and "+19195550123\n" would pass.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex E164();
}
