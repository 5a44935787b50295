namespace HelloWorld.Blazor.Webhooks;

public static class VoiceWebhookExtensions
{
    /// <summary>The Voice webhook controllers, their authentication and rate limits.</summary>
    public static IServiceCollection AddVoiceWebhooks(this IServiceCollection services) => services;

    public static WebApplication MapVoiceWebhooks(this WebApplication app) => app;
}
