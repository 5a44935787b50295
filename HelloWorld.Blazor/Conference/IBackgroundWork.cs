namespace HelloWorld.Blazor.Conference;

/// <summary>
/// A service whose work outlives the requests that start it (participants joined or deleted after a webhook was
/// answered, participants deleted when their lifetime ends). At shutdown, <see cref="ConferenceCleanup"/> drains every
/// one of them before it deletes what is left, so no participant is created behind its back or deleted twice.
/// </summary>
public interface IBackgroundWork
{
    /// <summary>
    /// Completes once the work under way is over. Work that would only start later (a lifetime that has not run out) is
    /// not started any more: the shutdown sweep deletes those participants itself.
    /// </summary>
    Task DrainAsync(CancellationToken cancellationToken);
}
