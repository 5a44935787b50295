using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Security;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the reverse proxies (a tunnel, a load balancer) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the app believes. Loopback is always trusted (a tunnel client on the same machine); anything
/// else must be listed, because a header from an untrusted sender would let any client pick its own address and so
/// its own rate-limit bucket.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

public sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var failures = new List<string>();
        foreach (var proxy in options.KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _)))
        {
            failures.Add($"{TrustedProxyOptions.SectionName}:KnownProxies holds '{proxy}', which is not an IP address. " +
                         HowToSet($"{TrustedProxyOptions.SectionName}:KnownProxies:0", "10.0.0.5"));
        }
        foreach (var network in options.KnownNetworks.Where(network => !System.Net.IPNetwork.TryParse(network, out _)))
        {
            failures.Add($"{TrustedProxyOptions.SectionName}:KnownNetworks holds '{network}', which is not a network in CIDR form. " +
                         HowToSet($"{TrustedProxyOptions.SectionName}:KnownNetworks:0", "10.0.0.0/8"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class TrustedProxyExtensions
{
    /// <summary>
    /// The options <c>UseForwardedHeaders</c> reads, first in the pipeline: the client's address (per-client rate limits,
    /// logs) and scheme (HTTPS redirection, HSTS) are the ones a trusted proxy reports, not the proxy's own.
    /// </summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults (loopback) stay; the configured proxies are added to them.
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in trusted.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }
}
