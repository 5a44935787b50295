using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

public static class VoiceWebhookExtensions
{
    /// <summary>
    /// The Voice webhooks' settings, their bodies' generated JSON, their Basic authentication and their warm-up at start. The controllers themselves come with
    /// <see cref="Http.HttpExtensions.AddAppControllers"/> and are mapped by <c>MapControllers</c>.
    /// </summary>
    public static IServiceCollection AddVoiceWebhooks(this IServiceCollection services)
    {
        services.AddOptions<VoiceWebhookOptions>().BindConfiguration(VoiceWebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VoiceWebhookOptions>, VoiceWebhookOptionsValidator>();
        services.Configure<JsonOptions>(json => json.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, VoiceWebhookJsonContext.Default));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FailedWebhookLogins>();
        services.AddSingleton<WebhookWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWarmUp>());
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, VoiceWebhookAuthenticationHandler>(VoiceWebhookAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(VoiceWebhookAuthenticationHandler.PolicyName, policy => policy
            .AddAuthenticationSchemes(VoiceWebhookAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        return services;
    }
}
