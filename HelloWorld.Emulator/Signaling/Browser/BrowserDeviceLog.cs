using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>The browser device's log lines, whichever part writes them, under the device's category.</summary>
internal static partial class BrowserDeviceLog
{
    [LoggerMessage(EventId = 9601, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} connected")]
    public static partial void Connected(ILogger logger, string participantId);

    [LoggerMessage(EventId = 9602, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} disconnected")]
    public static partial void Disconnected(ILogger logger, string participantId);

    [LoggerMessage(EventId = 9603, Level = LogLevel.Information, Message = "Device of participant {ParticipantId} closing: {Reason}")]
    public static partial void Closing(ILogger logger, string participantId, string reason);

    [LoggerMessage(EventId = 9604, Level = LogLevel.Information, Message = "Participant {ParticipantId} left")]
    public static partial void Left(ILogger logger, string participantId);

    [LoggerMessage(EventId = 9605, Level = LogLevel.Warning, Message = "Participant {ParticipantId}: {Method} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string participantId, string method, string reason);

    [LoggerMessage(EventId = 9606, Level = LogLevel.Information, Message = "Participant {ParticipantId}: rejected {MediaLines} (audio only, within its publish permissions)")]
    public static partial void Rejected(ILogger logger, string participantId, string mediaLines);

    [LoggerMessage(EventId = 9607, Level = LogLevel.Debug, Message = "Participant {ParticipantId} sent {Count} diagnostics entries")]
    public static partial void Diagnostics(ILogger logger, string participantId, int count);

    [LoggerMessage(EventId = 9608, Level = LogLevel.Warning, Message = "Participant {ParticipantId} did not answer an sdpOffer in time; offering again")]
    public static partial void NoAnswer(ILogger logger, string participantId);

    [LoggerMessage(EventId = 9609, Level = LogLevel.Debug, Message = "Participant {ParticipantId} applied sdpOffer revision {Revision}: receives {Streams} stream(s)")]
    public static partial void Answered(ILogger logger, string participantId, int revision, int streams);

    [LoggerMessage(EventId = 9610, Level = LogLevel.Warning, Message = "Participant {ParticipantId}: media consent lost on its {Direction} connection")]
    public static partial void MediaLost(ILogger logger, string participantId, string direction);

    [LoggerMessage(EventId = 9611, Level = LogLevel.Error, Message = "Participant {ParticipantId}: could not update what it receives")]
    public static partial void SyncFailed(ILogger logger, string participantId, Exception exception);

    [LoggerMessage(EventId = 9612, Level = LogLevel.Information, Message = "Participant {ParticipantId}: signaling dropped by the control API (close code {CloseCode})")]
    public static partial void Dropped(ILogger logger, string participantId, string closeCode);
}
