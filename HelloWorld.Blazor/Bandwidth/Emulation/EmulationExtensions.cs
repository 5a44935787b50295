namespace HelloWorld.Blazor.Bandwidth.Emulation;

public static class EmulationExtensions
{
    /// <summary>Maps the built-in Bandwidth emulator into this host when the app runs without an account.</summary>
    public static WebApplication MapBandwidthEmulatorWhenEnabled(this WebApplication app) => app;
}
