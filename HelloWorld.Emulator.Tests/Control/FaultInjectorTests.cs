using HelloWorld.Emulator.Control;

namespace HelloWorld.Emulator.Tests.Control;

public sealed class FaultInjectorTests
{
    [Fact]
    public void ARuleWhoseCountIsUsedUp_LeavesTheList_EvenWhileAnotherRuleKeepsMatching()
    {
        var faults = new FaultInjector();
        var once = faults.Add(new FaultRule("**/sessions", Status: 503, Count: 1));
        var always = faults.Add(new FaultRule("/", Status: 500));

        Assert.Equal(once.Id, faults.Match("POST", "/x/sessions")?.Id);
        Assert.Equal(always.Id, faults.Match("POST", "/x/sessions")?.Id);

        Assert.Equal([always.Id], faults.Faults.Select(rule => rule.Id));
    }

    [Fact]
    public void ATransferRule_AppliesToTransfersOnly_AndAnApiRuleToRequestsOnly()
    {
        var faults = new FaultInjector();
        var transfer = faults.Add(new FaultRule(Kind: "transfer", Cause: "error", Count: 1));
        var api = faults.Add(new FaultRule("/", Status: 500, Count: 1));

        Assert.Equal(api.Id, faults.Match("POST", "/emulator/voice/api/v2/accounts/1/calls")?.Id);
        Assert.Equal(transfer.Id, faults.MatchTransfer()?.Id);
        Assert.Null(faults.MatchTransfer());
        Assert.Empty(faults.Faults);
    }

    [Theory]
    [InlineData("/emulator/webrtc/v1/", "/emulator/webrtc/v1/accounts/9900000/sessions", true)]
    [InlineData("/emulator/webrtc/v1/", "/emulator/voice/api/v2/accounts/9900000/calls", false)]
    [InlineData("/emulator/webrtc/v1/accounts/9900000/participants", "/emulator/webrtc/v1/accounts/9900000/participants/p-1", true)]
    [InlineData("**/participants", "/emulator/webrtc/v1/accounts/9900000/participants", true)]
    [InlineData("**/participants", "/emulator/webrtc/v1/accounts/9900000/participants/p-1", false)]
    [InlineData("**/sessions/*/participants/*", "/emulator/webrtc/v1/accounts/9900000/sessions/s-1/participants/p-1", true)]
    [InlineData("**/sessions/*/participants/*", "/emulator/webrtc/v1/accounts/9900000/sessions/s-1/participants/p-1/subscriptions", false)]
    [InlineData("/emulator/voice/api/v2/accounts/*/calls", "/emulator/voice/api/v2/accounts/9900000/calls", true)]
    [InlineData("/emulator/voice/api/v2/accounts/*/calls", "/emulator/voice/api/v2/accounts/99/00/calls", false)]
    [InlineData("/emulator/**", "/emulator/", true)]
    [InlineData("**", "/anything/at/all", true)]
    [InlineData("/*a*a*a*a*a*a*a*a*a*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void APathPattern_IsAPrefix_OrAGlobOfTheWholePath(string pattern, string path, bool matches)
    {
        var faults = new FaultInjector();
        faults.Add(new FaultRule(pattern, Status: 503));

        Assert.Equal(matches, faults.Match("GET", path) is not null);
    }

    [Theory]
    [InlineData("^/emulator/webrtc/v1/")]
    [InlineData("/participants$")]
    [InlineData(".*")]
    [InlineData("(")]
    [InlineData("sessions")]
    [InlineData("/a/***")]
    [InlineData("")]
    public void APatternThatIsNoPathPrefixOrGlob_IsRefused_SayingWhatToWriteInstead(string pattern)
    {
        var problem = new FaultRule(pattern, Status: 503).Problem();

        Assert.NotNull(problem);
        Assert.Contains("pathPattern", problem, StringComparison.Ordinal);
    }
}
