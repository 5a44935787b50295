namespace HelloWorld.Blazor.Components.Call;

/// <summary>The call page's log events, in one list so that their ids stay unique. No event carries a device token.</summary>
internal static partial class CallPageLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Stream {EndpointId} of participant {ParticipantId} is available")]
    public static partial void StreamAvailable(ILogger logger, string endpointId, string participantId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Stream {EndpointId} is gone")]
    public static partial void StreamUnavailable(ILogger logger, string endpointId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Browser participant {ParticipantId} could not connect to Bandwidth: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string participantId, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Browser participant {ParticipantId} could not publish its microphone ({Kind}): {Reason}")]
    public static partial void PublishFailed(ILogger logger, string participantId, string kind, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Browser participant {ParticipantId} could not be deleted: {Reason}")]
    public static partial void LeaveFailed(ILogger logger, string participantId, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "The browser SDK could not be loaded: {Reason}")]
    public static partial void SdkUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "{Failure}: {Reason}")]
    public static partial void SdkCallFailed(ILogger logger, string failure, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "The browser SDK could not be disconnected: {Reason}")]
    public static partial void DisconnectFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "A browser object of the call page could not be released: {Reason}")]
    public static partial void ReleaseFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Browser participant {ParticipantId} lost its connection to Bandwidth; the SDK reconnects")]
    public static partial void SignalingLost(ILogger logger, string participantId);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Browser participant {ParticipantId} did not reconnect to Bandwidth; the page rejoins with a new participant")]
    public static partial void Rejoining(ILogger logger, string participantId);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "The page ignored what the browser sent to {Method}: {Reason}")]
    public static partial void BrowserInputIgnored(ILogger logger, string method, string reason);
}
