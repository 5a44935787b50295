using HelloWorld.Emulator.Control;
using Microsoft.Extensions.Logging.Testing;

namespace HelloWorld.Emulator.Tests.Control;

public sealed class FaultInjectorTests
{
    private readonly FakeLogger<FaultInjector> _logger = new();

    [Fact]
    public void ARuleWhoseCountIsUsedUp_LeavesTheList_EvenWhileAnotherRuleKeepsMatching()
    {
        var faults = new FaultInjector(_logger);
        var once = faults.Add(new FaultRule("/sessions$", Status: 503, Count: 1));
        var always = faults.Add(new FaultRule(".*", Status: 500));

        Assert.Equal(once.Id, faults.Match("POST", "/x/sessions")?.Id);
        Assert.Equal(always.Id, faults.Match("POST", "/x/sessions")?.Id);

        Assert.Equal([always.Id], faults.Faults.Select(rule => rule.Id));
    }

    [Fact]
    public void APatternThatTimesOut_DoesNotMatch_AndIsLogged()
    {
        var faults = new FaultInjector(_logger);
        var slow = faults.Add(new FaultRule(@"^/(\w+/?)*$", Status: 503));
        var path = "/emulator/webrtc/v1/accounts/9900000/sessions/" + new string('a', 40) + "!";

        var matched = faults.Match("GET", path);

        Assert.Null(matched);
        var line = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Contains($"Fault rule {slow.Id}", line.Message);
        Assert.Contains(@"^/(\w+/?)*$", line.Message);
    }
}
