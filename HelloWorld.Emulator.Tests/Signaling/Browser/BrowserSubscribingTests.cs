using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Signaling.Sdp;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.Signaling.Browser;

/// <summary>
/// A browser device's subscribe side against a media plane that only records (<see cref="RecordingMedia"/>), so a test
/// can stop the device in the middle of applying an answer and close it there.
/// </summary>
public sealed class BrowserSubscribingTests : IAsyncLifetime
{
    private readonly RecordingMedia _media = new();
    private EmulatorHost _emulator = null!;
    private string _session = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(services: services =>
        {
            services.AddSingleton<IMediaServer>(_media);
            services.AddSingleton<IMediaRelay>(_media);
        });
        _session = await _emulator.CreateSessionAsync();
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task AnAnswerAppliedWhileTheDeviceCloses_LeavesTheRelayForwardingNothingToItsClosedConnection()
    {
        await using var publisher = await DeviceClient.ConnectAsync(_emulator.BaseUrl, (await _emulator.JoinAsync(_session)).Token);
        var listener = await DeviceClient.ConnectAsync(_emulator.BaseUrl, (await _emulator.JoinAsync(_session)).Token);
        await publisher.OfferAsync(RecordedSdp.PublishOffer);
        var offer = SessionDescription.Parse((string)(await listener.NextOfferAsync())!["params"]!["sdpOffer"]!);
        var receiving = Assert.Single(_media.Connections, connection => connection.Role == MediaConnectionRole.Subscribe);
        receiving.Hold();

        // The answer is taken; applying it stops at the connection, before the relay hears of it. The device closes meanwhile.
        await listener.AnswerAsync(offer);
        await receiving.Updating.WaitAsync(TimeSpan.FromSeconds(10));
        await listener.DisposeAsync();
        await Eventually.HoldsAsync(() => receiving.Disposed, disposed => disposed, "the closed device to dispose its receiving connection");
        receiving.Release();

        await Eventually.HoldsAsync(() => _media.SinksOf(receiving), sinks => _media.EverSunk(receiving) && sinks.Count == 0,
            "the answer to be applied and nothing left forwarded to the closed connection");
        Assert.DoesNotContain(_emulator.Logs.GetSnapshot(), line => line.Id.Id == 9611); // SyncFailed
    }
}
