using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc;

namespace FloorServer.Design;

/// <summary>
/// The design floor's Voice webhooks, bound as the app's controllers bind theirs (HelloWorld.Blazor/Webhooks:
/// <c>[ApiController]</c> with its validation of the bound record, <c>[Consumes("application/json")]</c>, the same
/// records of voice.yml's fields), answered as the floor server answers them.
/// </summary>
[ApiController]
[Consumes("application/json")]
public sealed class DesignWebhooksController(DesignWebRtcApi api, DesignCalls calls, DesignSettings settings) : ControllerBase
{
    [HttpPost("/incomingCall")]
    public async Task<IActionResult> IncomingCallAsync(InitiateCallback callback, CancellationToken cancellationToken)
    {
        if (callback.CallId is not { Length: > 1 } callId)
        {
            return BadRequest();
        }
        var created = await api.CreateParticipantAsync(cancellationToken);
        await api.AddParticipantToSessionAsync(created.Participant.Id, cancellationToken);
        calls.Participants[callId] = created.Participant.Id;
        return Xml(settings.Transfer(callId, created.Token));
    }

    [HttpPost("/transferAnswer")]
    public IActionResult TransferAnswer(TransferAnswerCallback callback) => Xml(DesignSettings.Empty);

    [HttpPost("/transferComplete")]
    public IActionResult TransferComplete(TransferCompleteCallback callback) => Xml(DesignSettings.Hangup);

    [HttpPost("/transferDisconnect")]
    public IActionResult TransferDisconnect(TransferDisconnectCallback callback) => NoContent();

    /// <summary>As the app does on disconnect: answer at once, delete the call's participant in the background.</summary>
    [HttpPost("/callStatus")]
    public IActionResult CallStatus(DisconnectCallback callback)
    {
        if (callback.EventType == "disconnect" && callback.CallId is { } callId && calls.Participants.TryRemove(callId, out var participantId))
        {
            _ = api.DeleteParticipantAsync(participantId);
        }
        return NoContent();
    }

    private ContentResult Xml(string bxml) => Content(bxml, "application/xml; charset=utf-8");
}

/// <summary>The participant of each call in the session, to delete when it hangs up.</summary>
public sealed class DesignCalls
{
    public ConcurrentDictionary<string, string> Participants { get; } = new(StringComparer.Ordinal);
}
