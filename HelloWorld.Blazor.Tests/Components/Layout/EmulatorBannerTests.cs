using Bunit;
using HelloWorld.Blazor.Components.Layout;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Layout;

public sealed class EmulatorBannerTests : CallPageContext
{
    [Fact]
    public void InEmulatorMode_SaysSo_AndLinksThePhoneSimulator()
    {
        Environment.SetupGet(e => e.IsEmulator).Returns(true);
        Environment.Setup(e => e.PhoneSimulatorUrl(It.IsAny<Uri>())).Returns(new Uri("http://localhost/emulator/phone"));

        var banner = Render<EmulatorBanner>();

        Assert.Contains("built-in Bandwidth emulator", banner.Find(".emulator-banner").TextContent);
        Assert.Equal("http://localhost/emulator/phone", banner.Find(".emulator-banner a").GetAttribute("href"));
    }

    [Fact]
    public void AgainstBandwidth_ShowsNothing() => Assert.Empty(Render<EmulatorBanner>().Markup.Trim());
}
