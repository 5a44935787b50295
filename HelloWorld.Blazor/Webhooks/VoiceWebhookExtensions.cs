using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

public static partial class VoiceWebhookExtensions
{
    /// <summary>The Voice webhook controllers (and with them the app's API controllers) and their Basic authentication.</summary>
    public static IServiceCollection AddVoiceWebhooks(this IServiceCollection services)
    {
        services.AddOptions<VoiceWebhookOptions>().BindConfiguration(VoiceWebhookOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VoiceWebhookOptions>, VoiceWebhookOptionsValidator>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, VoiceWebhookAuthenticationHandler>(VoiceWebhookAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(VoiceWebhookAuthenticationHandler.PolicyName, policy => policy
            .AddAuthenticationSchemes(VoiceWebhookAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser());
        services.AddProblemDetails();
        services.AddControllers().ConfigureApiBehaviorOptions(api =>
        {
            var defaultResponse = api.InvalidModelStateResponseFactory;
            api.InvalidModelStateResponseFactory = context =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(VoiceWebhookExtensions));
                var fields = string.Join(", ", context.ModelState.Where(entry => entry.Value?.Errors.Count > 0).Select(entry => entry.Key));
                InvalidRequest(logger, context.HttpContext.Request.Path, fields);
                RejectedRequests.MarkLogged(context.HttpContext);
                return defaultResponse(context);
            };
        });
        return services;
    }

    public static WebApplication MapVoiceWebhooks(this WebApplication app)
    {
        app.UseWhen(RejectedRequests.IsGuarded, webhooks => webhooks.UseMiddleware<RejectedRequests>());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapControllers();
        return app;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Rejected a malformed request to {Path} (invalid: {Fields})")]
    private static partial void InvalidRequest(ILogger logger, string path, string fields);
}
