using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Emulation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace HelloWorld.Blazor.Tests.Bandwidth.Emulation;

/// <summary>In emulator mode, an app that listens beyond this machine says at start that the emulator is reachable too.</summary>
public sealed class ListeningAddressesTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5270", true)]
    [InlineData("http://[::]:5270", true)]
    [InlineData("http://*:5270", true)]
    [InlineData("http://+:5270", true)]
    [InlineData("http://192.168.1.20:5270", true)]
    [InlineData("http://my-laptop:5270", true)]
    [InlineData("http://127.0.0.1:5270", false)]
    [InlineData("http://127.0.0.2:5270", false)]
    [InlineData("http://[::1]:5270", false)]
    [InlineData("http://localhost:5270", false)]
    public void Reachable_NamesEveryAddressThatIsNotLoopback(string address, bool reachable) =>
        Assert.Equal(reachable ? [address] : [], ListeningAddresses.Reachable([address]));

    [Theory]
    [InlineData("http://0.0.0.0:5270", true)]
    [InlineData("http://127.0.0.1:5270", false)]
    public async Task AtStart_InEmulatorMode_AnAppListeningBeyondThisMachine_WarnsThatTheEmulatorIsReachable(string address, bool warns)
    {
        var logs = new FakeLogCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.AddBandwidth();
        builder.Services.AddSingleton<IServer>(new ListeningOn(address)); // what Kestrel reports, without binding anything
        await using var app = builder.Build();

        await app.StartAsync();
        await app.StopAsync();

        var warning = logs.GetSnapshot().Where(line => line.Id.Id == 1021).ToList();
        Assert.Equal(warns ? 1 : 0, warning.Count);
        if (warns)
        {
            Assert.Equal(LogLevel.Warning, warning[0].Level);
            Assert.Contains(address, warning[0].Message, StringComparison.Ordinal);
            Assert.Contains("Emulator:AllowRemoteControl", warning[0].Message, StringComparison.Ordinal);
        }
    }

    private sealed class ListeningOn : IServer
    {
        public ListeningOn(string address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add(address);
            Features.Set<IServerAddressesFeature>(addresses);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
            Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
