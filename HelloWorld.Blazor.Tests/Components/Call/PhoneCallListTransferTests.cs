using Bunit;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Tests.Components.Call;

/// <summary>How a phone's transfer into the session shows: joining until Bandwidth reports it, or why it could not join.</summary>
public sealed class PhoneCallListTransferTests : CallPageContext
{
    [Fact]
    public void CallWhoseTransferIsNotReportedYet_ShowsJoining()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        Calls.MarkAnswered("c-1");
        Calls.MarkJoining("c-1");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        Assert.Contains("Joining…", list.Find("[data-call-key='c-1']").TextContent);
    }

    [Fact]
    public void CallWhoseTransferFailed_ShowsCouldNotJoinWithTheReason_EvenAfterItsDisconnect()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-1");
        Calls.MarkJoining("c-1");
        Calls.MarkTransferFailed("c-1", "account-limit");
        Calls.MarkEnded("c-1", "hangup");

        var list = Render<PhoneCallList>(p => p.Add(x => x.Calls, Own(Calls.Calls)).Add(x => x.OnHangUp, _ => { }));

        Assert.Contains("Could not join (account-limit)", list.Find("[data-call-key='c-1']").TextContent);
        Assert.Empty(list.FindAll("button"));
    }
}
