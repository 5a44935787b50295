using HelloWorld.Emulator.Control;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace HelloWorld.Emulator.Tests.Control;

public sealed class ApiTelemetryTests
{
    private readonly RequestLog _log = new();

    [Fact]
    public async Task ARequestWhoseHandlerThrows_IsLoggedAs500_AndTheExceptionStillReachesTheHost()
    {
        var telemetry = new ApiTelemetry(_log, new FaultInjector(), TimeProvider.System, NullLogger<ApiTelemetry>.Instance);
        var context = Invocation("GET", "/emulator/webrtc/v1/accounts/9900000/sessions/s/participants");

        await Assert.ThrowsAsync<KeyNotFoundException>(async () =>
            await telemetry.InvokeAsync(context, _ => throw new KeyNotFoundException("a bug")));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(("GET", "/emulator/webrtc/v1/accounts/9900000/sessions/s/participants", 500, false),
            (entry.Method, entry.Path, entry.Status, entry.Faulted));
    }

    [Fact]
    public async Task ARequestThatAnswers_IsLoggedWithItsStatus()
    {
        var telemetry = new ApiTelemetry(_log, new FaultInjector(), TimeProvider.System, NullLogger<ApiTelemetry>.Instance);

        await telemetry.InvokeAsync(Invocation("DELETE", "/emulator/webrtc/v1/accounts/9900000/sessions/s"),
            _ => ValueTask.FromResult<object?>(Results.NoContent()));

        Assert.Equal(204, Assert.Single(_log.Entries).Status);
    }

    private static DefaultEndpointFilterInvocationContext Invocation(string method, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        return new DefaultEndpointFilterInvocationContext(http);
    }
}
