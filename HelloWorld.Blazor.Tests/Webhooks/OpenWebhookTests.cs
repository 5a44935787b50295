using System.Net;
using System.Text;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Webhooks;

public sealed class OpenWebhookTests
{
    [Fact]
    public async Task Webhook_WhenNoCallbackCredentialsAreConfigured_NeedsNone()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Bandwidth:CallbackUsername"] = null;
        app.Settings["Bandwidth:CallbackPassword"] = null;
        var client = app.CreateClient();

        var response = await client.PostAsync("/incomingCall", new StringContent(VoiceWebhookPayloads.Initiate(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Message.Contains("CallbackUsername and Bandwidth:CallbackPassword are not set"));
    }
}
