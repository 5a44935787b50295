namespace HelloWorld.Blazor.Conference;

/// <summary>Limits on placing calls (<c>PhoneCalls</c> section): every call the app places costs money.</summary>
public sealed class PhoneCallOptions
{
    public const string SectionName = "PhoneCalls";

    /// <summary>Calls the whole app may place per minute, whoever asks.</summary>
    public int MaxCallsPerMinute { get; set; } = 6;

    /// <summary>Calls one client may start through <c>POST /callPhone</c> per minute.</summary>
    public int MaxCallsPerClientPerMinute { get; set; } = 3;

    /// <summary>Seconds an outbound call may ring before Bandwidth gives up.</summary>
    public double RingTimeoutSeconds { get; set; } = 30;
}
