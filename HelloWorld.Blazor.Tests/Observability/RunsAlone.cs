namespace HelloWorld.Blazor.Tests.Observability;

/// <summary>
/// Tests that run after every parallel test of this assembly, one at a time. An OpenTelemetry pipeline listens to every
/// activity source and meter of its name in the process, so an exporter would also see the other tests' apps; a health
/// probe's 2 s deadline must not be spent waiting for a core; a container publish loads the machine for minutes.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
