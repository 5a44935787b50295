using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Api;

/// <summary>The <c>ConnectionInfo</c> section.</summary>
public sealed class ConnectionInfoOptions
{
    public const string SectionName = "ConnectionInfo";

    /// <summary>
    /// How long a participant handed out by <c>GET /connectionInfo</c> lives unless its lease is renewed. Nothing tells
    /// the app when such a client leaves (Bandwidth's WebRTC API reports no device connection), so without a limit
    /// every request would leave a participant at Bandwidth until the app stops. Each renewal starts it again.
    /// </summary>
    public TimeSpan ParticipantLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Participants one client may get from <c>GET /connectionInfo</c> in any 60 seconds.</summary>
    public int MaxPerClientPerMinute { get; set; } = 6;

    /// <summary>Participants everyone together may get from <c>GET /connectionInfo</c> in any 60 seconds.</summary>
    public int MaxPerMinute { get; set; } = 30;
}

public sealed class ConnectionInfoOptionsValidator : IValidateOptions<ConnectionInfoOptions>
{
    private const string Section = ConnectionInfoOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ConnectionInfoOptions options)
    {
        var failures = new List<string>();
        if (!(options.ParticipantLifetime >= TimeSpan.FromMinutes(1) && options.ParticipantLifetime <= TimeSpan.FromDays(1)))
        {
            failures.Add($"{Section}:ParticipantLifetime must be between one minute and one day (it is {options.ParticipantLifetime}). " +
                         HowToSet($"{Section}:ParticipantLifetime", "01:00:00"));
        }
        if (options.MaxPerClientPerMinute < 1)
        {
            failures.Add($"{Section}:MaxPerClientPerMinute must be 1 or more (it is {options.MaxPerClientPerMinute}). " +
                         HowToSet($"{Section}:MaxPerClientPerMinute", "6"));
        }
        if (options.MaxPerMinute < 1)
        {
            failures.Add($"{Section}:MaxPerMinute must be 1 or more (it is {options.MaxPerMinute}). " + HowToSet($"{Section}:MaxPerMinute", "30"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
