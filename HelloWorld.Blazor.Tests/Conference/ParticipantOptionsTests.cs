using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class ParticipantOptionsTests
{
    [Theory]
    [InlineData("Participants:MaxPerSession", "0", "Participants:MaxPerSession must be 1 or more")]
    [InlineData("Participants:MaxPerClient", "0", "Participants:MaxPerClient must be 1 or more")]
    [InlineData("Participants:SweepInterval", "00:00:05", "Participants:SweepInterval must be between 10 seconds and one hour")]
    [InlineData("ConnectionInfo:MaxPerClientPerMinute", "0", "ConnectionInfo:MaxPerClientPerMinute must be 1 or more")]
    [InlineData("ConnectionInfo:MaxPerMinute", "0", "ConnectionInfo:MaxPerMinute must be 1 or more")]
    public async Task ASettingOutOfRange_StopsTheAppNamingItAndHowToSetIt(string setting, string value, string message)
    {
        await using var app = new AccountModeAppFactory();
        app.Settings[setting] = value;

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(message, error.Message);
        Assert.Contains(setting.Replace(":", "__", StringComparison.Ordinal) + "=", error.Message);
    }
}
