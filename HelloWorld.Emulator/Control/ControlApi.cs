using System.Text.Json;
using HelloWorld.Emulator.Http;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// The emulator's own API, for tests, the load tool and the phone simulator (documented in CONTROL-API.md): the calls and
/// what happened to them, the sessions and their streams, the API request log, fault injection, and the simulated phones.
/// </summary>
internal static partial class ControlApi
{
    public static void Map(RouteGroupBuilder control)
    {
        control.AddEndpointFilter(LogRefusalsAsync);

        control.MapGet("/phones", (IOptions<EmulatorOptions> options) =>
            ApiResults.Ok(new { applicationPhoneNumber = options.Value.ApplicationPhoneNumber, phones = options.Value.PhoneNumbers }));

        control.MapGet("/calls", (CallEngine engine) => ApiResults.Ok(engine.Calls.Select(CallView.Of)));
        control.MapGet("/calls/{callId}", (string callId, CallEngine engine) =>
            engine.Find(callId) is { } call ? ApiResults.Ok(CallView.Of(call)) : CallNotFound(callId));
        control.MapPost("/calls", DialInAsync);
        control.MapPost("/calls/{callId}/answer", (string callId, CallEngine engine) => Act(engine, callId, engine.Answer(callId)));
        control.MapPost("/calls/{callId}/decline", (string callId, CallEngine engine) => Act(engine, callId, engine.Decline(callId)));
        control.MapPost("/calls/{callId}/hangup", (string callId, CallEngine engine) => Act(engine, callId, engine.HangUp(callId)));
        control.MapPost("/calls/{callId}/echo", SetEchoAsync);

        control.MapGet("/sessions", Sessions);
        control.MapPost("/streams/{streamId}/forwarding", SetForwardingAsync);
        control.MapPost("/devices/{participantId}/drop", DropDeviceAsync);

        control.MapGet("/requests", (RequestLog log, long? since) =>
            ApiResults.Ok(log.Entries.Where(entry => since is null || entry.Sequence > since)));
        control.MapDelete("/requests", (RequestLog log) =>
        {
            log.Clear();
            return Results.NoContent();
        });

        control.MapGet("/faults", (FaultInjector faults) => ApiResults.Ok(faults.Faults));
        control.MapPost("/faults", AddFaultAsync);
        control.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });

        control.MapGet("/events", ControlEvents.StreamAsync);
    }

    /// <summary>A tool that sends a bad request learns why from the answer; whoever reads the emulator's log, from this line.</summary>
    private static async ValueTask<object?> LogRefusalsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 and < 500 and var status })
        {
            var request = context.HttpContext.Request;
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ControlApi));
            Log.Refused(logger, request.Method, request.Path, status);
        }
        return result;
    }

    private static async Task<IResult> DialInAsync(HttpRequest request, CallEngine engine, IOptions<EmulatorOptions> options)
    {
        var (body, error) = await ApiResults.ReadAsync<DialInBody>(request);
        if (error is not null || string.IsNullOrWhiteSpace(body?.From))
        {
            return Problem(error ?? "Give the calling phone: {\"from\": \"+1...\"}.");
        }
        // Any E.164 number may dial in (the load tool dials from thousands); it is what the app's webhooks carry as from.
        if (!E164.IsMatch(body.From))
        {
            return Problem($"Invalid from '{body.From}': use an E.164 number such as +19195550123.");
        }
        if (body.To is { } to && to != options.Value.ApplicationPhoneNumber)
        {
            return Problem($"The emulated account has one number, {options.Value.ApplicationPhoneNumber}.");
        }
        var call = engine.DialIn(body.From);
        return Results.Json(CallView.Of(call), ApiResults.Json, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> SetEchoAsync(string callId, HttpRequest request, CallEngine engine)
    {
        var (body, error) = await ApiResults.ReadAsync<EnabledBody>(request);
        if (error is not null || body?.Enabled is not { } enabled)
        {
            return Problem(error ?? "Give {\"enabled\": true} or false.");
        }
        return engine.SetEcho(callId, enabled) ? ApiResults.Ok(CallView.Of(engine.Find(callId)!)) : CallNotFound(callId);
    }

    private static async Task<IResult> SetForwardingAsync(string streamId, HttpRequest request, IStreamDirectory streams)
    {
        var (body, error) = await ApiResults.ReadAsync<EnabledBody>(request);
        if (error is not null || body?.Enabled is not { } enabled)
        {
            return Problem(error ?? "Give {\"enabled\": true} or false.");
        }
        return streams.SetForwarding(streamId, enabled)
            ? ApiResults.Ok(new { streamId, forwarding = enabled })
            : Results.Json(new { error = $"No stream {streamId} is published." }, ApiResults.Json, statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> AddFaultAsync(HttpRequest request, FaultInjector faults)
    {
        var (rule, error) = await ApiResults.ReadAsync<FaultRule>(request);
        if ((error ?? (rule is null ? "A fault needs at least a pathPattern, and a status or a delayMs." : rule.Problem())) is { } problem)
        {
            return Problem(problem);
        }
        return Results.Json(faults.Add(rule!), ApiResults.Json, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>A close code the emulator may send: RFC 6455's defined codes that go on the wire, or an application's (3000-4999).</summary>
    private static bool IsSendableCloseCode(int code) => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    private static async Task<IResult> DropDeviceAsync(string participantId, HttpRequest request, IStreamDirectory devices)
    {
        var (body, error) = await ApiResults.ReadAsync(request, new DropBody(null));
        if (error is not null || body is null || body.CloseCode is { } code && !IsSendableCloseCode(code))
        {
            return Problem(error ?? "closeCode is a WebSocket close code to send (1000-1003, 1007-1014, 3000-4999), or absent to drop without one.");
        }
        return await devices.DropBrowserAsync(participantId, body.CloseCode)
            ? ApiResults.Ok(new { participantId, closeCode = body.CloseCode, dropped = body.CloseCode is null ? "aborted" : "closed" })
            : Results.Json(new { error = $"No browser is connected as participant {participantId}." }, ApiResults.Json,
                statusCode: StatusCodes.Status404NotFound);
    }

    private static IResult Sessions(WebRtcStore store, IStreamDirectory streams)
    {
        var devices = streams.Devices.ToDictionary(device => device.ParticipantId, StringComparer.Ordinal);
        var published = streams.PublishedStreams.ToLookup(stream => stream.ParticipantId, StringComparer.Ordinal);
        object Participant(EmulatedParticipant participant) => new
        {
            id = participant.Id,
            tag = participant.Tag,
            publishPermissions = participant.PublishPermissions,
            sessionId = participant.SessionId,
            subscriptions = new
            {
                sessionId = participant.Subscriptions.SessionId,
                participants = participant.Subscriptions.Participants,
            },
            device = devices.GetValueOrDefault(participant.Id),
            streams = published[participant.Id],
        };
        var participants = store.Participants;
        return ApiResults.Ok(new
        {
            sessions = store.Sessions.Select(session => new
            {
                id = session.Id,
                tag = session.Tag,
                participants = participants.Where(p => p.SessionId == session.Id).Select(Participant),
            }),
            participantsWithoutSession = participants.Where(p => p.SessionId is null).Select(Participant),
        });
    }

    private static IResult Act(CallEngine engine, string callId, bool done) =>
        done ? ApiResults.Ok(CallView.Of(engine.Find(callId)!))
        : engine.Find(callId) is null ? CallNotFound(callId)
        : Results.Json(new { error = $"Call {callId} is not in a state that allows this." }, ApiResults.Json, statusCode: StatusCodes.Status409Conflict);

    private static IResult CallNotFound(string callId) =>
        Results.Json(new { error = $"No call {callId}." }, ApiResults.Json, statusCode: StatusCodes.Status404NotFound);

    private static IResult Problem(string error) =>
        Results.Json(new { error }, ApiResults.Json, statusCode: StatusCodes.Status400BadRequest);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9120, Level = LogLevel.Information, Message = "Control API refused {Method} {Path} with {Status}")]
        public static partial void Refused(ILogger logger, string method, string path, int status);
    }


    private sealed record DialInBody(string? From, string? To);

    private sealed record EnabledBody(bool? Enabled);

    private sealed record DropBody(int? CloseCode);
}

/// <summary>A call as the control API shows it.</summary>
internal sealed record CallView(
    string CallId, string From, string To, CallDirection Direction, string State, string? Cause, string? ErrorMessage,
    DateTimeOffset StartTime, DateTimeOffset? AnswerTime, DateTimeOffset? EndTime, string? ParticipantId, bool Echo,
    IReadOnlyList<string> Heard, IReadOnlyList<WebhookRecord> Webhooks, VirtualDeviceStats? Phone, TransferView? Transfer)
{
    public static CallView Of(EmulatedCall call) => new(
        call.CallId, call.From, call.To, call.Direction, JsonNamingPolicy.CamelCase.ConvertName(call.Phase.ToString()), call.Cause, call.ErrorMessage,
        call.StartTime, call.AnswerTime, call.EndTime, call.ParticipantId, call.Echo, call.Heard, call.Webhooks, call.Device?.Stats,
        call.Leg is { } leg ? TransferView.Of(leg) : null);
}

/// <summary>The leg of a call's latest Transfer, as the control API shows it.</summary>
internal sealed record TransferView(
    string CallId, string TransferTo, string TransferCallerId, string State, string? Cause, string? ErrorMessage, DateTimeOffset StartTime,
    DateTimeOffset? AnswerTime, DateTimeOffset? EndTime, string? ParticipantId)
{
    public static TransferView Of(TransferLeg leg) => new(
        leg.CallId, leg.TransferTo, leg.TransferCallerId, leg.State, leg.Cause, leg.ErrorMessage, leg.StartTime, leg.AnswerTime, leg.EndTime,
        leg.ParticipantId);
}
