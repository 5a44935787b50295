using System.Net;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace HelloWorld.Blazor.Tests.Security;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void Key_IsTheIPv4Address_OrTheIPv6Slash64(string address, string key) =>
        Assert.Equal(key, ClientAddress.From(IPAddress.Parse(address)).Key);

    [Fact]
    public void TwoAddressesOfOneIPv6Subscriber_AreOneClient_AndTheNextSlash64IsAnother()
    {
        var first = ClientAddress.From(IPAddress.Parse("2001:db8:1:2::1"));

        Assert.Equal(first, ClientAddress.From(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(first, ClientAddress.From(IPAddress.Parse("2001:db8:1:3::1")));
    }

    [Fact]
    public void NoAddress_IsTheOneUnknownClient() =>
        Assert.Equal(ClientAddress.Unknown, ClientAddress.From(null));
}

public sealed class TabIdentityTests
{
    [Fact]
    public async Task ATabMadeInsideAHubCall_HasTheAddressOfThatCallsConnection()
    {
        var tab = await InHubCall.TabFromAsync("203.0.113.7");

        Assert.Equal("203.0.113.7", tab.Client.Key);
    }

    [Fact]
    public async Task TheAddressIsOnlyKnownInsideTheHubCall()
    {
        await InHubCall.RunAsync("203.0.113.7", () => CircuitClientAddressFilter.Current);

        Assert.Null(CircuitClientAddressFilter.Current);
        Assert.Equal(ClientAddress.Unknown, new TabIdentity(NullLogger<TabIdentity>.Instance).Client);
    }

    [Fact]
    public async Task EveryTab_HasAnIdOfItsOwn()
    {
        var first = await InHubCall.TabFromAsync("203.0.113.7");
        var second = await InHubCall.TabFromAsync("203.0.113.7");

        Assert.NotEqual(first.TabId, second.TabId);
        Assert.Equal(32, first.TabId.Length);
    }
}
