using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

public enum ParticipantRefusal
{
    /// <summary>The session holds <see cref="ParticipantOptions.MaxPerSession"/> participants already (or Bandwidth said it is full).</summary>
    SessionFull,

    /// <summary>The client holds <see cref="ParticipantOptions.MaxPerClient"/> participants already.</summary>
    ClientLimit,
}

/// <summary>
/// No participant was created, and nothing was spent: the session is full, or the client holds as many participants as
/// it may. <see cref="Exception.Message"/> is fit to show a user.
/// </summary>
public sealed class ParticipantRefusedException(ParticipantRefusal reason, string message) : Exception(message)
{
    public ParticipantRefusal Reason { get; } = reason;

    /// <summary>"The call is full (20 of 20)."</summary>
    public static ParticipantRefusedException SessionFull(int inUse, int max) =>
        new(ParticipantRefusal.SessionFull, $"The call is full ({inUse} of {max}).");

    public static ParticipantRefusedException ClientLimit(int maxPerClient) =>
        new(ParticipantRefusal.ClientLimit,
            $"You are in this call {maxPerClient} times already (tabs and devices from your address count together); leave in one of them to join here.");
}

/// <summary>
/// The session's places, for the page: how full it is, and a push when that changes, so a page refused with
/// <see cref="ParticipantRefusal.SessionFull"/> can wait for a place and join then, without polling.
/// </summary>
public interface ISessionCapacity
{
    CapacitySnapshot Current { get; }

    /// <summary>Places held by participants created for <paramref name="client"/> (page tabs and <c>/connectionInfo</c>).</summary>
    int HeldBy(ClientAddress client);

    /// <summary>
    /// <paramref name="onChanged"/> runs after every change (a place taken or freed), off the caller's thread context.
    /// Dispose the result to stop.
    /// </summary>
    IDisposable Subscribe(Func<Task> onChanged);
}
