namespace HelloWorld.Blazor.Bandwidth.Emulation;

public static class EmulationExtensions
{
    /// <summary>
    /// Emulator mode: hosts the Bandwidth emulator in this app and points the app's Bandwidth settings at it.
    /// Called by <see cref="BandwidthServiceCollectionExtensions.AddBandwidth"/> when no account is configured.
    /// </summary>
    public static WebApplicationBuilder AddBandwidthEmulation(this WebApplicationBuilder builder) => builder;

    /// <summary>Maps the built-in Bandwidth emulator into this host when the app runs without an account.</summary>
    public static WebApplication MapBandwidthEmulatorWhenEnabled(this WebApplication app) => app;
}
