using Microsoft.AspNetCore.Mvc;

namespace FloorServer.Design;

/// <summary>
/// The design floor: what answering a dial-in costs through the owner's given design and nothing else. The floor server's
/// work (createParticipant, addParticipantToSession, the app's Transfer BXML; the transfer webhooks answered; the
/// participant deleted on disconnect), but every webhook through an MVC controller bound as the app's are
/// (<see cref="DesignWebhooksController"/>), and the API calls through RestSharp over an IHttpClientFactory client with the
/// app's Polly resilience pipeline (<see cref="DesignWebRtcApi"/>, <see cref="DesignResilience"/>). No logging, no
/// authentication, no telemetry, no conference: what the app adds beyond this is its own work, not the design's.
/// </summary>
/// <remarks>
/// The host is the floor server's (a slim builder, its project's default GC and tiering), so the design floor ÷ floor
/// server ratio is the given design's pieces alone; the app's host, GC and tiering settings fall on its side of app ÷
/// design floor.
/// </remarks>
internal static class DesignFloor
{
    public const string PhoneTag = "design-floor-phone";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(DesignSettings.From(builder.Configuration.GetSection("Floor")));
        // The app's controllers: MVC with System.Text.Json, the webhook bodies' generated JSON first in the resolver chain
        // (HelloWorld.Blazor/Webhooks/VoiceWebhookExtensions.cs), problem details for refusals (Http/HttpExtensions.cs).
        builder.Services.AddProblemDetails();
        builder.Services.AddControllers();
        builder.Services.Configure<JsonOptions>(json => json.JsonSerializerOptions.TypeInfoResolverChain.Insert(0, DesignWebhookJson.Default));
        // The app's client (HelloWorld.Blazor/Bandwidth/BandwidthServiceCollectionExtensions.cs): long-lived connections,
        // no factory logging handlers, the resilience pipeline; its telemetry and answer-bounding handlers are its own.
        builder.Services.AddHttpClient(DesignWebRtcApi.ClientName)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddDesignResilience();
        builder.Services.AddSingleton<DesignWebRtcApi>();
        builder.Services.AddSingleton<DesignCalls>();

        var app = builder.Build();
        // Created before the server listens, as the floor server's.
        await app.Services.GetRequiredService<DesignWebRtcApi>().CreateSessionAsync();
        app.MapControllers();
        await app.RunAsync();
    }
}

/// <summary>The floor server's settings (<c>Floor:*</c>), and the app's Transfer BXML written from them as the floor server writes it.</summary>
public sealed class DesignSettings(string webRtcApiBaseUrl, string accountId, string username, string password, string transferSipUri, string callbackBaseUrl)
{
    private const string XmlDeclaration = """<?xml version="1.0" encoding="utf-8"?>""";

    private readonly string _transferOpen =
        $"{XmlDeclaration}<Response><Transfer transferCompleteUrl=\"{callbackBaseUrl}/transferComplete\" transferCompleteMethod=\"POST\"><SipUri uui=\"";

    private readonly string _sipUriRest =
        $"\" transferAnswerUrl=\"{callbackBaseUrl}/transferAnswer\" transferAnswerMethod=\"POST\" " +
        $"transferDisconnectUrl=\"{callbackBaseUrl}/transferDisconnect\" transferDisconnectMethod=\"POST\">{transferSipUri}</SipUri></Transfer></Response>";

    public string WebRtcApiBaseUrl { get; } = webRtcApiBaseUrl;

    public string AccountId { get; } = accountId;

    public string Username { get; } = username;

    public string Password { get; } = password;

    public static string Empty { get; } = XmlDeclaration + "<Response />";

    public static string Hangup { get; } = XmlDeclaration + "<Response><Hangup /></Response>";

    public static DesignSettings From(IConfigurationSection floor)
    {
        string Setting(string name) => floor[name] is { Length: > 0 } value ? value : throw new InvalidOperationException($"Set Floor:{name}.");
        return new(Setting("WebRtcApiBaseUrl").TrimEnd('/'), Setting("AccountId"), Setting("Username"), Setting("Password"),
            Setting("TransferSipUri"), Setting("CallbackBaseUrl").TrimEnd('/'));
    }

    /// <summary>The Transfer into the session; call ids and JWTs hold nothing XML would escape.</summary>
    public string Transfer(string callId, string token) =>
        $"{_transferOpen}{callId[1..].Replace("-", "", StringComparison.Ordinal)};encoding=base64,{token};encoding=jwt{_sipUriRest}";
}
