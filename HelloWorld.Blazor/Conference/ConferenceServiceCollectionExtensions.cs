using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

public static class ConferenceServiceCollectionExtensions
{
    /// <summary>
    /// The session tracker and its capacity, the participant service, the phone calls (the page's
    /// <see cref="IPhoneCallService"/>, the webhooks' <see cref="ICallLegs"/>), the sweep that reconciles them with
    /// Bandwidth, and the clean-up at shutdown, which drains every <see cref="IBackgroundWork"/>.
    /// </summary>
    public static IServiceCollection AddConference(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PhoneCallOptions>().BindConfiguration(PhoneCallOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PhoneCallOptions>, PhoneCallOptionsValidator>();
        services.AddOptions<ParticipantOptions>().BindConfiguration(ParticipantOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ParticipantOptions>, ParticipantOptionsValidator>();
        services.AddSingleton<ISessionTracker, SessionTracker>();
        services.AddSingleton<SessionCapacity>();
        services.AddSingleton<ISessionCapacity>(sp => sp.GetRequiredService<SessionCapacity>());
        services.AddSingleton<IParticipantService, ParticipantService>();
        services.AddSingleton<CallRegistry>();
        services.AddSingleton<ICallRegistry>(sp => sp.GetRequiredService<CallRegistry>());
        services.AddSingleton<CallLegs>();
        services.AddSingleton<ICallLegs>(sp => sp.GetRequiredService<CallLegs>());
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<CallLegs>());
        services.AddSingleton<OutboundCallPolicy>();
        services.AddSingleton<IPhoneCallService, PhoneCallService>();
        services.AddSingleton<CallReconciler>();
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<CallReconciler>());
        services.AddHostedService<ConferenceCleanup>();
        // After the clean-up, so it stops first: the clean-up then drains the sweep under way.
        services.AddSingleton<ConferenceSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<ConferenceSweep>());
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<ConferenceSweep>());
        return services;
    }
}
