using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

public static class ConferenceServiceCollectionExtensions
{
    /// <summary>The session tracker, the participant service, the phone calls, and the clean-up at shutdown.</summary>
    public static IServiceCollection AddConference(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PhoneCallOptions>().BindConfiguration(PhoneCallOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PhoneCallOptions>, PhoneCallOptionsValidator>();
        services.AddOptions<ParticipantOptions>().BindConfiguration(ParticipantOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParticipantOptions>, ParticipantOptionsValidator>();
        services.AddSingleton<SessionTracker>();
        services.AddSingleton<ISessionTracker>(sp => sp.GetRequiredService<SessionTracker>());
        services.AddSingleton<IParticipantService, ParticipantService>();
        services.AddSingleton<CallRegistry>();
        services.AddSingleton<ICallRegistry>(sp => sp.GetRequiredService<CallRegistry>());
        services.AddSingleton<PhoneCallService>();
        services.AddSingleton<IPhoneCallService>(sp => sp.GetRequiredService<PhoneCallService>());
        services.AddHostedService<ConferenceCleanup>();
        return services;
    }
}
