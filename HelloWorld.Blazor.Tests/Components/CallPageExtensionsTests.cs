using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Components;

public sealed class CallPageExtensionsTests
{
    /// <summary>The framework keeps a vanished tab's circuit, and its paid participant, 3 minutes; the app one.</summary>
    [Fact]
    public async Task AVanishedTabsCircuit_IsKeptOneMinute_UnlessConfigured()
    {
        await using var app = new AccountModeAppFactory();
        await using var configured = new AccountModeAppFactory();
        configured.Settings["CallPage:DisconnectedCircuitRetention"] = "00:00:20";

        Assert.Equal(TimeSpan.FromMinutes(1), app.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(TimeSpan.FromSeconds(20), configured.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DisconnectedCircuitRetentionPeriod);
    }

    [Fact]
    public async Task ARetentionOutOfRange_StopsTheAppNamingTheSetting()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["CallPage:DisconnectedCircuitRetention"] = "01:00:00";

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("CallPage:DisconnectedCircuitRetention must be above 0 and at most 10 minutes", error.Message);
    }
}
