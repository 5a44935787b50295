using Bunit;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Hosting;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>What the page does for the person beyond the join: focus, ringback, announcements, retries, speakers, the app's stop.</summary>
public sealed class HomeExperienceTests : CallPageContext
{
    private const string Number = "+19195550123";
    private const string Masked = "+1•••••0123"; // a phone this tab did not call
    private const string Focus = "Blazor._internal.domWrapper.focus";

    /// <remarks>Which element takes focus is seen in the browser tests; bUnit does not render element references' ids.</remarks>
    [Fact]
    public void CallButton_OncePlaced_MovesFocus_AndPlaysRingbackUntilAnswered()
    {
        PhoneCalls.Setup(p => p.CallAsync(Number, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Calls.Register("c-out", CallDirection.Outbound, "+19195550100", Number, "p-phone"));
        var page = Render<Home>();

        page.Find(".call-button").Click();

        Eventually(() => Assert.Single(JSInterop.Invocations[Focus]));
        Assert.Equal(true, Module.VerifyInvoke("setRingback").Arguments[1]);
        page.InvokeAsync(() => Calls.MarkAnswered("c-out"));
        page.WaitForAssertion(() => Assert.Equal("Answered", page.Find("[data-call-key='c-out'] td:nth-child(3)").TextContent));
        page.WaitForAssertion(() => Assert.Equal([true, false], Module.Invocations["setRingback"].Select(i => i.Arguments[1])));
    }

    [Fact]
    public void CallButton_ShowsThePlacedCallRinging_EvenWhenTheRegistryToldThePageBeforeTheCallWasThisTabs()
    {
        // The registry's push for a new call can run before CallAsync has returned it to this tab: the page then saw
        // someone else's ringing call, which it does not show, and nothing more is pushed until the phone answers.
        var placed = Calls.Register("c-out", CallDirection.Outbound, "+19195550100", Number, "p-phone");
        PhoneCalls.Setup(p => p.CallAsync(Number, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>())).ReturnsAsync(placed);
        var page = Render<Home>();

        page.Find(".call-button").Click();

        page.WaitForAssertion(() => Assert.Equal("Ringing…", page.Find("[data-call-key='c-out'] td:nth-child(3)").TextContent));
        page.Find(".ringing-indicator");
    }

    [Fact]
    public void ACallPlacedByAnotherTab_ShowsOnceAnswered_AndNeverPlaysRingbackHere()
    {
        var page = Render<Home>();

        page.InvokeAsync(() => Calls.Register("c-other", CallDirection.Outbound, "+19195550100", Number, "p-phone"));
        page.InvokeAsync(() => Calls.MarkAnswered("c-other"));

        page.WaitForAssertion(() => Assert.Equal("+1•••••0123", page.Find(".phone-calls .number").TextContent));
        Assert.Empty(page.FindAll(".ringing-indicator"));
        Assert.Empty(Module.Invocations["setRingback"]);
    }

    [Fact]
    public async Task HangUp_MovesFocusOnlyOnceTheCallHasEnded()
    {
        await PlaceOwnCallAsync("c-1", Number);
        PhoneCalls.Setup(p => p.HangUpAsync("c-1", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var page = Render<Home>();

        page.Find($"button[aria-label='Hang up {Number}']").Click();
        Assert.Empty(JSInterop.Invocations[Focus]); // the button is still there until the call has ended
        await page.InvokeAsync(() => Calls.MarkEnded("c-1", "hangup"));

        Eventually(() => Assert.Single(JSInterop.Invocations[Focus]));
    }

    [Fact]
    public void CallButton_IsDisabled_ForANumberThatDialedIn()
    {
        Calls.Register("c-in", CallDirection.Inbound, Number, "+19195550100", "p-phone");
        Calls.MarkAnswered("c-in"); // another tab's call: seen (masked) once the phone is on its way in

        var page = Render<Home>();

        Assert.True(page.Find(".call-button").HasAttribute("disabled"));
        Assert.Equal($"{Number} is in the call already.", page.Find(".in-call-hint").TextContent);
    }

    [Fact]
    public void CallThatBandwidthCannotPlace_IsExplainedBesideTheButton_WithTheStatusOnlyInTheDetails_AndARetry()
    {
        PhoneCalls.SetupSequence(p => p.CallAsync(Number, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthApiException(System.Net.HttpStatusCode.ServiceUnavailable, "createCall", "try later"))
            .ReturnsAsync(() => Calls.Register("c-out", CallDirection.Outbound, "+19195550100", Number, "p-phone"));
        var page = Render<Home>();

        page.Find(".call-button").Click();

        var problem = page.Find(".phones .call-problem");
        Assert.Equal($"{Number} could not be called: Bandwidth did not place the call.", problem.QuerySelector(".problem-message")!.TextContent);
        Assert.Equal("Details: Bandwidth createCall failed with 503 ServiceUnavailable: try later", problem.QuerySelector(".problem-details")!.TextContent);
        Assert.Contains($"The call to {Number} could not be placed.", page.Find(".live-announcer").TextContent);
        page.Find(".call-problem .retry").Click();
        PhoneCalls.Verify(p => p.CallAsync(Number, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Empty(page.FindAll(".call-problem"));
    }

    [Fact]
    public async Task LiveRegion_SaysEachChangeThatMatters_AsALineOfItsOwn()
    {
        var page = Render<Home>();
        Assert.Equal(["You joined the call."], AnnouncedLines(page));

        await page.InvokeAsync(() => Calls.Register("c-1", CallDirection.Inbound, Number, "+19195550100", "p-phone"));
        await page.InvokeAsync(() => Calls.MarkTransferred("c-1"));
        page.WaitForAssertion(() => Assert.Equal($"Phone {Masked} joined the call.", AnnouncedLines(page)[^1])); // the registry tells its subscribers on its own time
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));
        await page.InvokeAsync(() => SdkCallbacks.OnStreamUnavailable(PhoneStream.EndpointId));
        await page.InvokeAsync(() => Calls.MarkEnded("c-1", "hangup"));

        page.WaitForAssertion(() => Assert.Equal(
            [$"Phone {Masked} joined the call.", "You are alone in the call.", $"The call with {Masked} ended."], AnnouncedLines(page)));
        Assert.Equal("Waiting for someone to join…", page.Find(".waiting").TextContent);
    }

    [Fact]
    public async Task MicrophoneDenied_SaysWhyTheKeypadIsOff_AndTryAgainAsksForTheMicrophoneAgain_ClearingTheProblemOnceAllowed()
    {
        Calls.Register("c-1", CallDirection.Inbound, Number, "+19195550100", "p-phone");
        var publish = Module.Setup<PublishResult>("publish", _ => true);
        var page = Render<Home>();
        publish.SetResult(new PublishResult("microphone-denied", "Permission denied"));
        page.WaitForElement(".status-microphone-denied");
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));
        Assert.Equal("The keypad needs your microphone: its tones travel on it.", page.Find(".dtmf-unavailable").TextContent);
        Assert.All(page.FindAll(".dtmf-keypad button"), key => Assert.True(key.HasAttribute("disabled")));
        Module.Setup<PublishResult>("publish", _ => true).SetResult(new PublishResult(null, null));

        page.Find(".status-microphone-denied .retry").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".status-microphone-denied")));
        Module.VerifyInvoke("publish", calledTimes: 2);
        page.Find(".mute-toggle:not([disabled])");
    }

    [Fact]
    public void SpeakerPicker_MovesTheCallToTheChosenSpeaker()
    {
        var page = Render<Home>();

        page.Find(".speaker-picker").Change("spk-2");

        Assert.Equal("spk-2", Module.VerifyInvoke("setSpeaker").Arguments[1]);
        Assert.Equal("spk-2", page.Find(".speaker-picker").GetAttribute("value"));
    }

    [Fact]
    public void WhereTheBrowserCannotChooseASpeaker_ThereIsNoPicker()
    {
        Module.Setup<Speaker[]?>("listSpeakers", _ => true).SetResult(null);

        var page = Render<Home>();

        Assert.Empty(page.FindAll(".speaker-picker"));
        page.Find(".heard-level");
    }

    [Fact]
    public async Task HeardLevel_MovesTheMeterOfWhatThePersonHears()
    {
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnHeardLevel("high"));

        Assert.Equal("high", page.Find(".heard-level").GetAttribute("data-level"));
        Assert.Equal("silent", page.Find(".microphone-level").GetAttribute("data-level"));
    }

    [Fact]
    public async Task AToneTheBrowserCouldNotSend_IsExplainedUnderTheKeypad()
    {
        Calls.Register("c-1", CallDirection.Inbound, Number, "+19195550100", "p-phone");
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));

        await page.InvokeAsync(() => SdkCallbacks.OnToneFailed("InvalidStateError: sender stopped\n    at insertDTMF"));

        Assert.Equal("Details: InvalidStateError: sender stopped", page.Find(".keypad-problem .problem-details").TextContent);
    }

    [Fact]
    public async Task AppStopping_ThePageSaysSo_LetsGoOfTheSdk_AndDeletesItsParticipant()
    {
        var stopping = new CancellationTokenSource();
        var lifetime = new Mock<IHostApplicationLifetime>();
        lifetime.SetupGet(l => l.ApplicationStopping).Returns(stopping.Token);
        Services.AddSingleton(new CallPageShutdown(lifetime.Object, NullLogger<CallPageShutdown>.Instance));
        var page = Render<Home>();

        await stopping.CancelAsync();

        page.WaitForAssertion(() => Assert.Contains("The app has stopped, so this page left the call.", page.Find(".status-app-stopped").TextContent));
        Module.VerifyInvoke("disconnect");
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(page.FindAll(".mute-toggle"));
        Assert.Contains("The app stopped, so you left the call.", page.Find(".live-announcer").TextContent);
    }

    private static string[] AnnouncedLines(IRenderedComponent<Home> page) =>
        [.. page.Find(".live-announcer").Children.Select(line => line.TextContent)];
}
