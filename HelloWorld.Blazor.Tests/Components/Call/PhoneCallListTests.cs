using Bunit;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Tests.Components.Call;

public sealed class PhoneCallListTests : CallPageContext
{
    [Fact]
    public void EachCall_ShowsNumberDirectionStateAndTalkTime_AndARingingCallNoTalkTime()
    {
        Calls.Register("c-in", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        Calls.MarkTransferred("c-in");
        Clock.Advance(TimeSpan.FromSeconds(75));
        Calls.Register("c-out", CallDirection.Outbound, "+19195550100", "+19195550123", "p-2");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        var inbound = list.Find("[data-call-key='c-in']").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        var outbound = list.Find("[data-call-key='c-out']").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();
        Assert.Equal(["+19195550124", "Dialed in", "In the call", "1:15", "Hang up"], inbound);
        Assert.Equal(["+19195550123", "Called", "Ringing…", "–not answered", "Hang up"], outbound);
    }

    [Fact]
    public void EndedCall_ShowsItsCause_AndNoHangUpButton()
    {
        Calls.Register("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1");
        Calls.MarkEnded("c-1", "rejected");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        Assert.Contains("Ended (rejected)", list.Find("[data-call-key='c-1']").TextContent);
        Assert.Empty(list.FindAll("button"));
    }

    [Fact]
    public void UnansweredCall_ThatRangOut_ShowsNoTalkTime()
    {
        Calls.Register("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1");
        Clock.Advance(TimeSpan.FromSeconds(30));
        Calls.MarkEnded("c-1", "timeout");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        Assert.Equal("–not answered", list.Find("[data-call-key='c-1'] .duration").TextContent.Trim());
    }

    [Fact]
    public void HangUpButtons_SayWhichCallTheyEnd_AndWhileHangingUpStayFocusableButIgnoreClicks()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        var hungUp = new List<string>();

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, callId => hungUp.Add(callId))
            .Add(x => x.HangingUp, new HashSet<string> { "c-1" }));
        var button = list.Find("[data-call-key='c-1'] button");
        button.Click();

        Assert.Equal("Hang up +19195550124", button.GetAttribute("aria-label"));
        Assert.Equal("true", button.GetAttribute("aria-disabled"));
        Assert.False(button.HasAttribute("disabled"));
        Assert.Empty(hungUp);
    }

    [Fact]
    public void HangUp_AsksForThatCall()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        var hungUp = new List<string>();

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, callId => hungUp.Add(callId)));
        list.Find("[data-call-key='c-1'] button").Click();

        Assert.Equal(["c-1"], hungUp);
    }

    [Fact]
    public async Task Duration_AdvancesWhileTheCallIsUp()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        Calls.MarkTransferred("c-1");
        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        await list.InvokeAsync(() => Clock.Advance(TimeSpan.FromSeconds(3)));

        list.WaitForAssertion(() => Assert.Contains("0:03", list.Find("[data-call-key='c-1']").TextContent));
    }

    [Fact]
    public async Task Durations_StopBeingRendered_OnceNoCallIsUp()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        Calls.MarkTransferred("c-1");
        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));
        await list.InvokeAsync(() => Clock.Advance(TimeSpan.FromSeconds(1)));
        list.WaitForAssertion(() => Assert.Contains("0:01", list.Find("[data-call-key='c-1']").TextContent));

        Calls.MarkEnded("c-1", "hangup");
        list.Render(p => p.Add(x => x.Calls, Own(Calls.Calls)));
        var renders = list.RenderCount;
        await list.InvokeAsync(() => Clock.Advance(TimeSpan.FromSeconds(5)));
        await list.InvokeAsync(() => { }); // a tick's render, had there been one, was queued on the renderer before this

        Assert.Equal(renders, list.RenderCount);
    }

    [Fact]
    public void MarkupInANumber_IsShownAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        Calls.Register("c-1", CallDirection.Inbound, hostile, "+19195550100", "p-1");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        Assert.Empty(list.FindAll("img"));
        Assert.Equal(hostile, list.Find("[data-call-key='c-1'] td").TextContent);
    }

    [Fact]
    public void NoCalls_RenderNothing() =>
        Assert.Empty(Render<PhoneCallList>(p => p.Add(x => x.Calls, []).Add(x => x.OnHangUp, _ => { })).FindAll("table"));
}
