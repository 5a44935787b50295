using System.Net;
using System.Xml.Linq;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>A dial-in to a full conference costs nothing and is told why.</summary>
public sealed class ConferenceFullWebhookTests
{
    [Fact]
    public async Task ADialInToAFullConference_HearsItIsFull_AndIsHungUp_WithoutAParticipant()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Participants:MaxPerSession"] = "1";
        var client = app.CreateClient();
        await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        const string secondCall = "c-25ac29a2-1331029c-2cb0-4a07-b215-b22865662d85";

        var response = await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate(secondCall));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verbs = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements().ToList();
        Assert.Equal(["SpeakSentence", "Hangup"], verbs.Select(verb => verb.Name.LocalName));
        Assert.Equal("The conference is full. Please try again later.", verbs[0].Value);
        Assert.Single(app.WebRtc.Participants);
        Assert.Equal(1, app.WebRtc.Calls("createParticipant"));
        var call = app.Services.GetRequiredService<ICallRegistry>().Find(secondCall)!;
        Assert.Equal((CallState.Ended, "the conference is full"), (call.State, call.EndCause));
    }
}
