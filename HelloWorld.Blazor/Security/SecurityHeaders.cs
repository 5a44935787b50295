using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Components;

namespace HelloWorld.Blazor.Security;

/// <summary>
/// Headers fit for a public deployment. The content security policy allows exactly what Blazor Server and the browser SDK
/// need: scripts from this origin plus the one inline script Blazor writes (the import map, allowed by its hash),
/// WebSockets to this origin (Blazor's circuit, the emulator) or to Bandwidth's device endpoint, inline styles (Blazor's
/// reconnect UI sets them), and nothing else.
/// </summary>
public sealed class SecurityHeaders(IBandwidthEnvironment environment)
{
    public const string BandwidthDeviceEndpoint = "wss://device.webrtc.bandwidth.com";

    private readonly ConcurrentDictionary<ResourceAssetCollection, string> _importMapHashes = new();

    public void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "microphone=(self), camera=(), geolocation=(), payment=()";
        headers.ContentSecurityPolicy = ContentSecurityPolicy(context);
    }

    public string ContentSecurityPolicy(HttpContext context)
    {
        var scripts = "'self'";
        if (context.GetEndpoint()?.Metadata.GetMetadata<ResourceAssetCollection>() is { } assets)
        {
            scripts += $" 'sha256-{_importMapHashes.GetOrAdd(assets, ImportMapHash)}'";
        }
        var sockets = environment.IsEmulator ? "'self'" : $"'self' {BandwidthDeviceEndpoint}";
        return $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
               $"connect-src {sockets}; media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>The hash of the import map exactly as Blazor's <c>ImportMap</c> component writes it into the page.</summary>
    private static string ImportMapHash(ResourceAssetCollection assets) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ImportMapDefinition.FromResourceCollection(assets).ToString())));
}

public static class SecurityExtensions
{
    /// <summary>
    /// Security headers, and which reverse proxies' forwarded headers are believed (what <c>UseForwardedHeaders</c> reads).
    /// </summary>
    public static IServiceCollection AddWebSecurity(this IServiceCollection services) =>
        services.AddSingleton<SecurityHeaders>().AddTrustedProxies();

    /// <summary>
    /// <see cref="SecurityHeaders"/> on every response, set as it starts, so that error pages and responses written by
    /// later middleware (a 401 challenge, a 429) carry them too.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var headers = app.ApplicationServices.GetRequiredService<SecurityHeaders>();
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                headers.Apply(context);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
