using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;

namespace HelloWorld.Blazor.Scaleout;

public static class ScaleoutExtensions
{
    /// <summary>
    /// With <c>ConnectionStrings:redis</c> set (the .NET Aspire name, so an AppHost's reference sets it), everything the
    /// instances must share lives in Redis: the session id, the calls and their participants, the session's places, the
    /// money-spending rate limits, the <c>/connectionInfo</c> leases and the Data Protection keys (circuits and
    /// antiforgery tokens are protected with them). Unset, nothing is registered here and <c>AddConference</c> and
    /// <c>AddAppApi</c> keep everything in this process. Call it before them: they add only what is missing.
    /// </summary>
    public static IHostApplicationBuilder AddScaleout(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }
        var services = builder.Services;
        services.AddSingleton(_ => RedisConnection.Connect(connectionString));
        // The readiness check asks through this connection instead of opening its own.
        services.AddSingleton(sp => sp.GetRequiredService<RedisConnection>().Multiplexer);
        // The first hosted service to start: it connects, so an unreachable Redis fails the start, naming the setting.
        services.AddSingleton<RedisAppInstances>();
        services.AddSingleton<IAppInstances>(sp => sp.GetRequiredService<RedisAppInstances>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisAppInstances>());
        services.AddSingleton<ISessionTracker, RedisSessionTracker>();
        services.AddSingleton<ICallStore, RedisCallStore>();
        services.AddSingleton<ICallParticipants, RedisCallParticipants>();
        services.AddSingleton<IParticipantLedger, RedisParticipantLedger>();
        services.AddSingleton<IRateLimits, RedisRateLimits>();
        services.AddSingleton<ILeaseStore, RedisLeaseStore>();

        services.AddDataProtection().SetApplicationName("HelloWorld.Blazor");
        services.AddOptions<KeyManagementOptions>().Configure<RedisConnection>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.Database, RedisConnection.Key("data-protection-keys")));
        return builder;
    }
}
