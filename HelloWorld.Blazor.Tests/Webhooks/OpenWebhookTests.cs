using System.Net;
using System.Text;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>Webhooks without credentials: refused at start in account mode, unless the operator opts in.</summary>
public sealed class OpenWebhookTests
{
    [Fact]
    public async Task AccountMode_WithoutCallbackCredentials_RefusesToStart_NamingTheSettingsToSet()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Bandwidth:CallbackUsername"] = null;
        app.Settings["Bandwidth:CallbackPassword"] = null;

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(error.Failures, failure => failure.StartsWith("Bandwidth:CallbackUsername and Bandwidth:CallbackPassword are not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_WhenUnauthenticatedWebhooksAreAllowed_NeedsNoCredentials_AndTheAppWarnsAtStart()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Bandwidth:CallbackUsername"] = null;
        app.Settings["Bandwidth:CallbackPassword"] = null;
        app.Settings["Bandwidth:AllowUnauthenticatedWebhooks"] = "true";
        var client = app.CreateClient();

        var response = await client.PostAsync("/incomingCall", new StringContent(VoiceWebhookPayloads.Initiate(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Warning &&
            log.Message.Contains("CallbackUsername and Bandwidth:CallbackPassword are not set and Bandwidth:AllowUnauthenticatedWebhooks is true"));
    }
}
