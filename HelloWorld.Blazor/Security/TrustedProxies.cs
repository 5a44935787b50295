using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Security;

/// <summary>
/// The <c>ForwardedHeaders</c> section: the reverse proxies (a tunnel, a load balancer) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the app believes. Loopback is trusted unless <see cref="TrustLoopback"/> is off; anything
/// else must be listed, because a header from an untrusted sender would let any client pick its own address and so
/// its own share of the per-client ceilings and limits.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>
    /// Believe loopback (an HTTP tunnel client on this machine, such as ngrok or cloudflared, which sets
    /// <c>X-Forwarded-For</c> itself). Turn it off behind a raw TCP tunnel (<c>ssh -R</c>, bore): it passes on whatever
    /// header a client sends, so every client could claim a new address.
    /// </summary>
    public bool TrustLoopback { get; set; } = true;

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
            if (!trusted.Value.TrustLoopback)
            {
                // The defaults are loopback (127.0.0.0/8 and ::1).
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
            }
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in trusted.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
            if (forwarded.KnownProxies.Count == 0 && forwarded.KnownIPNetworks.Count == 0)
            {
                // Empty lists do not mean "trust nobody" to UseForwardedHeaders: it then believes every sender.
                forwarded.ForwardedHeaders = ForwardedHeaders.None;
            }
        });
        return services;
    }
}
