using Bunit;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Call;

/// <summary>Issue 11.3 on the page: a tab controls its own calls only, and sees others' numbers masked.</summary>
public sealed class PhonesOfOtherTabsTests : CallPageContext
{
    [Fact]
    public async Task AnotherTabsCall_ShowsItsNumberMasked_WithoutHangUp_WhileThisTabsOwnCallHasBoth()
    {
        Calls.Register("c-other", CallDirection.Outbound, "+19195550100", "+19195550124", "p-other");
        Calls.MarkAnswered("c-other");
        await PlaceOwnCallAsync("c-mine", "+19195550123");

        var page = Render<Home>();

        var rows = page.FindAll(".phone-calls tbody tr");
        Assert.Equal(2, rows.Count);
        var other = Assert.Single(rows, row => row.QuerySelector(".number")!.TextContent == "+1•••••0124");
        Assert.Null(other.QuerySelector(".hang-up"));
        Assert.DoesNotContain("c-other", page.Markup);
        var mine = page.Find("[data-call-key='c-mine']");
        Assert.Equal("+19195550123", mine.QuerySelector(".number")!.TextContent);
        Assert.Equal("Hang up +19195550123", mine.QuerySelector(".hang-up")!.GetAttribute("aria-label"));
    }

    [Fact]
    public void AnotherTabsCall_StaysOffThePage_WhileItRings()
    {
        Calls.Register("c-other", CallDirection.Outbound, "+19195550100", "+19195550124", "p-other");

        var page = Render<Home>();

        Assert.Empty(page.FindAll(".phone-calls"));
    }

    [Fact]
    public void HangUp_OfACallThisTabDidNotPlace_IsRefusedWithTheReason_AndNoRetry()
    {
        Calls.Register("c-other", CallDirection.Outbound, "+19195550100", "+19195550124", "p-other");
        var call = new BrowserCall(new FakeSdk(), Participants.Object, ClientAddress.Unknown, null, NullLogger<BrowserCall>.Instance, () => { });
        var failures = new List<string>();
        // A list that offers Hang up on someone else's call, as a forged page would ask for it.
        var panel = Render<PhonesPanel>(p => p.Add(x => x.Call, call).Add(x => x.Calls, Own(Calls.Calls))
            .Add(x => x.OnFailed, failure => failures.Add(failure)));

        panel.Find(".hang-up").Click();

        Assert.Equal("The call with +19195550124 could not be hung up. Only the tab that placed a call can hang it up.",
            panel.Find(".hang-up-problem .problem-message").TextContent);
        Assert.Empty(panel.FindAll(".hang-up-problem button"));
        Assert.Equal(["The call with +19195550124 could not be hung up."], failures);
        PhoneCalls.Verify(p => p.HangUpAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
