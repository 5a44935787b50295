using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Tests.Webhooks;

namespace HelloWorld.Blazor.Tests.Logging;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("+15555555555", "+15555555555")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("\u001b[31mred", @"\u001b[31mred")]
    [InlineData("nul\u0000", @"nul\u0000")]
    [InlineData("del\u007f c1\u0085", @"del\u007f c1\u0085")]
    [InlineData("line\u2028separator", @"line\u2028separator")]
    [InlineData("rtl\u202eoverride", @"rtl\u202eoverride")]
    [InlineData(@"a\nb", @"a\\nb")]
    [InlineData("Anonymous 😀", "Anonymous 😀")]
    public void Escape_WritesEveryControlCharacterAsAnEscape_SoNoValueCanStartALine(string text, string expected) =>
        Assert.Equal(expected, LogText.Escape(text));

    [Fact]
    public void Escape_CutsLongText_SayingHowMuchWasLeftOut() =>
        Assert.Equal("abc…(7 more characters)", LogText.Escape("abcdefghij", maxLength: 3));

    [Fact]
    public void Escape_OfNothing_SaysSo() => Assert.Equal("(none)", LogText.Escape(null));

    [Fact]
    public async Task WebhookText_WithNewlines_CannotForgeALogLine()
    {
        await using var app = new AccountModeAppFactory();
        var client = app.CreateClient();
        const string forged = "disconnect\n2025-01-01 12:00:00 info: Admin logged in";

        await client.PostWebhookAsync("/callStatus",
            $$"""{"eventType": {{System.Text.Json.JsonSerializer.Serialize(forged[..40])}}, "callId": "{{VoiceWebhookPayloads.CallId}}", "cause": "hang\nup"}""");
        await client.PostWebhookAsync("/incomingCall", $$"""{"eventType": "initiate\r\nforged", "callId": "c-1"}""");

        var logs = app.Logs.GetSnapshot().Where(log => log.Category?.StartsWith("HelloWorld", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(logs, log => log.Message.Contains(@"disconnect\n2025-01-01", StringComparison.Ordinal));
        Assert.Contains(logs, log => log.Message.Contains(@"initiate\r\nforged", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, log => log.Message.Contains('\n') || log.Message.Contains('\r'));
    }
}
