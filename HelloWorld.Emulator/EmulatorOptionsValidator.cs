using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator;

/// <summary>
/// Checks the <c>Emulator</c> settings at start and names every malformed one with the way to set it, so a typo fails
/// the start with instructions rather than the first call or browser that needs the setting.
/// </summary>
internal sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    private const string Section = EmulatorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var failures = new List<string>();
        RequireText(failures, options.AccountId, nameof(options.AccountId), "9900000");
        RequireText(failures, options.Username, nameof(options.Username), "emulator");
        RequireText(failures, options.Password, nameof(options.Password), "emulator-password");
        RequireText(failures, options.VoiceApplicationId, nameof(options.VoiceApplicationId), "em-voice-application");

        if (!E164.IsMatch(options.ApplicationPhoneNumber))
        {
            failures.Add($"{Section}:{nameof(options.ApplicationPhoneNumber)} must be an E.164 phone number such as +19195550100 " +
                         $"(it is '{options.ApplicationPhoneNumber}'). " + HowToSet(nameof(options.ApplicationPhoneNumber), "+19195550100"));
        }
        if (options.PhoneNumbers is not { Count: > 0 })
        {
            failures.Add($"{Section}:{nameof(options.PhoneNumbers)} must name at least one simulated phone. " +
                         HowToSet($"{nameof(options.PhoneNumbers)}:0", "+19195550123"));
        }
        foreach (var number in options.PhoneNumbers?.Where(number => !E164.IsMatch(number)) ?? [])
        {
            failures.Add($"{Section}:{nameof(options.PhoneNumbers)} holds '{number}', which is not an E.164 phone number such as +19195550123. " +
                         HowToSet($"{nameof(options.PhoneNumbers)}:0", "+19195550123"));
        }

        CheckCallbackUrl(failures, options.InboundCallbackUrl, nameof(options.InboundCallbackUrl), "/incomingCall");
        CheckCallbackUrl(failures, options.StatusCallbackUrl, nameof(options.StatusCallbackUrl), "/callStatus");
        if (options.WebRtcTransferSipUri?.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) != true)
        {
            failures.Add($"{Section}:{nameof(options.WebRtcTransferSipUri)} must be a SIP URI such as sip:sipx.webrtc.bandwidth.com:5060 " +
                         $"(it is '{options.WebRtcTransferSipUri}'). " + HowToSet(nameof(options.WebRtcTransferSipUri), "sip:sipx.webrtc.bandwidth.com:5060"));
        }
        if (string.IsNullOrEmpty(options.CallbackUsername) != string.IsNullOrEmpty(options.CallbackPassword))
        {
            failures.Add($"{Section}:{nameof(options.CallbackUsername)} and {Section}:{nameof(options.CallbackPassword)} go together: set both or neither.");
        }

        RequirePositive(failures, options.DeviceTokenLifetime, nameof(options.DeviceTokenLifetime), "01:00:00");
        // Bandwidth's callbackTimeout (voice.yml) goes from 1 to 25 seconds.
        if (options.CallbackTimeout < TimeSpan.FromSeconds(1) || options.CallbackTimeout > TimeSpan.FromSeconds(25))
        {
            failures.Add($"{Section}:{nameof(options.CallbackTimeout)} must be between 1 and 25 seconds, as Bandwidth's callbackTimeout " +
                         $"(it is {options.CallbackTimeout}). " + HowToSet(nameof(options.CallbackTimeout), "00:00:15"));
        }
        RequirePositive(failures, options.MediaConsentTimeout, nameof(options.MediaConsentTimeout), "00:00:30");
        var limits = options.Limits ?? new EmulatorLimits();
        RequireAtLeastOne(failures, limits.ParticipantsPerSession, nameof(limits.ParticipantsPerSession), "20");
        RequireAtLeastOne(failures, limits.TagLength, nameof(limits.TagLength), "50");
        RequireAtLeastOne(failures, limits.CallsPerSecond, nameof(limits.CallsPerSecond), "5");
        RequireAtLeastOne(failures, limits.ActiveCalls, nameof(limits.ActiveCalls), "100");

        if (options.MediaPort is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            failures.Add($"{Section}:{nameof(options.MediaPort)} must be a UDP port from 1 to 65535, or 0 for any free one " +
                         $"(it is {options.MediaPort.ToString(CultureInfo.InvariantCulture)}). " + HowToSet(nameof(options.MediaPort), "0"));
        }
        if (!IPAddress.TryParse(options.MediaBindAddress, out _))
        {
            failures.Add($"{Section}:{nameof(options.MediaBindAddress)} must be an IP address of this machine, such as 127.0.0.1 or 0.0.0.0 for all " +
                         $"(it is '{options.MediaBindAddress}'). " + HowToSet(nameof(options.MediaBindAddress), "0.0.0.0"));
        }
        if (!string.IsNullOrEmpty(options.MediaAdvertisedAddress) && !IPAddress.TryParse(options.MediaAdvertisedAddress, out _))
        {
            failures.Add($"{Section}:{nameof(options.MediaAdvertisedAddress)} must be an IP address that browsers can reach, such as 192.168.1.20 " +
                         $"(it is '{options.MediaAdvertisedAddress}'), or unset to advertise {Section}:{nameof(options.MediaBindAddress)}. " +
                         HowToSet(nameof(options.MediaAdvertisedAddress), "192.168.1.20"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>"Set it in appsettings.json or with the environment variable Emulator__Name=example", as the app's settings say it.</summary>
    private static string HowToSet(string setting, string example) =>
        $"Set it in appsettings.json (\"{Section}:{setting}\") or with the environment variable {Section}__{setting.Replace(":", "__", StringComparison.Ordinal)}={example}.";

    private static void RequireText(List<string> failures, string? value, string setting, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Section}:{setting} is empty. " + HowToSet(setting, example));
        }
    }

    private static void RequirePositive(List<string> failures, TimeSpan value, string setting, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{setting} must be longer than zero (it is {value}). " + HowToSet(setting, example));
        }
    }

    private static void RequireAtLeastOne(List<string> failures, int value, string limit, string example)
    {
        var setting = $"{nameof(EmulatorOptions.Limits)}:{limit}";
        if (value < 1)
        {
            failures.Add($"{Section}:{setting} must be at least 1 (it is {value.ToString(CultureInfo.InvariantCulture)}). " + HowToSet(setting, example));
        }
    }

    /// <summary>Absolute http(s), or a path the emulator resolves against the host it runs in.</summary>
    private static void CheckCallbackUrl(List<string> failures, string? url, string setting, string example)
    {
        var absolute = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        if (!absolute && url?.StartsWith('/') != true)
        {
            failures.Add($"{Section}:{setting} must be an absolute http or https URL, or a path such as {example} on the emulator's own host " +
                         $"(it is '{url}'). " + HowToSet(setting, example));
        }
    }
}
