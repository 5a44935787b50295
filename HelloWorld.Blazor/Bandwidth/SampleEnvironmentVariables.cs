using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// The TypeScript sample's environment variable names, mapped onto the <c>Bandwidth</c> section so its users can keep them.
/// </summary>
public static class SampleEnvironmentVariables
{
    public static IReadOnlyDictionary<string, string> Map { get; } = new Dictionary<string, string>
    {
        ["BW_ACCOUNT_ID"] = "Bandwidth:AccountId",
        ["BW_USERNAME"] = "Bandwidth:Username",
        ["BW_PASSWORD"] = "Bandwidth:Password",
        ["BW_VOICE_APPLICATION_ID"] = "Bandwidth:VoiceApplicationId",
        ["BW_NUMBER"] = "Bandwidth:PhoneNumber",
        ["USER_NUMBER"] = "Bandwidth:OutboundPhoneNumber",
        ["BASE_CALLBACK_URL"] = "Bandwidth:BaseCallbackUrl",
    };

    /// <summary>
    /// Adds the sample's variables just below the standard environment variables: they beat appsettings and user-secrets
    /// (the environment wins over files, as everywhere in .NET) but lose to <c>Bandwidth__AccountId</c> and the command line,
    /// so a user moving to the .NET names never has to unset the old ones first.
    /// </summary>
    public static IConfigurationBuilder AddBandwidthSampleEnvironmentVariables(
        this IConfigurationBuilder configuration, Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var values = Map
            .Select(pair => (Key: pair.Value, Value: readVariable(pair.Key)))
            .Where(entry => !string.IsNullOrEmpty(entry.Value))
            .ToDictionary(entry => entry.Key, entry => entry.Value);
        var source = new MemoryConfigurationSource { InitialData = values };

        var standardEnvironment = configuration.Sources
            .Select((candidate, index) => (candidate, index))
            .LastOrDefault(s => s.candidate is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        if (standardEnvironment.candidate is null)
        {
            configuration.Add(source);
        }
        else
        {
            configuration.Sources.Insert(standardEnvironment.index, source);
        }
        return configuration;
    }
}
