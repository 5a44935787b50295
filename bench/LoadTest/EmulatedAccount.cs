namespace LoadTest;

/// <summary>
/// The account the load tool gives the emulator (through <c>Emulator:*</c> settings), so it can call the WebRTC API
/// directly for the floor with the same credentials the app uses.
/// </summary>
internal sealed record EmulatedAccount(string AccountId, string Username, string Password)
{
    public static EmulatedAccount ForLoad { get; } = new("9900001", "load-test", $"load-{Guid.NewGuid():N}");

    public IEnumerable<KeyValuePair<string, string>> AsEnvironment() =>
    [
        new("Emulator__AccountId", AccountId),
        new("Emulator__Username", Username),
        new("Emulator__Password", Password),
    ];
}
