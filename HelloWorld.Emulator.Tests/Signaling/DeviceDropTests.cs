using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Signaling;

/// <summary>
/// The control API drops a browser's signaling as a network would, so a page's reconnection can be tested; the device
/// endpoint lets the SDK back in with the same token while its participant exists and the token is valid, and refuses it after.
/// </summary>
public sealed class DeviceDropTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private string _session = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _session = await _emulator.CreateSessionAsync();
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Drop_WithoutACloseCode_EndsTheConnectionWithoutAHandshake_AndTheSameTokenConnectsAgain()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);
        await device.CallAsync("ping");

        var response = await Drop(id, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("aborted", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["dropped"]);
        await device.WaitClosedAsync();
        Assert.True(device.ClosedWithoutHandshake);
        await Eventually.HoldsAsync(() => Devices.Devices, devices => devices.All(d => d.ParticipantId != id), "the device to be gone");
        await using var again = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);
        Assert.NotNull((await again.CallAsync("ping"))["result"]);
        Assert.Contains(Devices.Devices, d => d.ParticipantId == id && d.Kind == "browser");
    }

    [Fact]
    public async Task Drop_WithACloseCode_ClosesWithThatCode()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);
        await device.CallAsync("ping");

        await Drop(id, 4001);

        await device.WaitClosedAsync();
        Assert.Equal((WebSocketCloseStatus)4001, device.CloseStatus);
        Assert.False(device.ClosedWithoutHandshake);
    }

    [Fact]
    public async Task Drop_OfAParticipantWithNoBrowserConnected_Answers404_AndAnUnsendableCode400()
    {
        var (id, token) = await _emulator.JoinAsync(_session);

        var nobody = await Drop(id, null);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);
        await device.CallAsync("ping");
        var reserved = await Drop(id, 1006);

        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.NotNull((await device.CallAsync("ping"))["result"]); // still connected
    }

    [Fact]
    public async Task AfterADrop_TheTokenOfADeletedParticipant_IsRefusedAtTheUpgrade()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);
        await device.CallAsync("ping");
        await Drop(id, null);
        await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{id}"));

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => DeviceClient.ConnectAsync(_emulator.BaseUrl, token));

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredToken_IsRefusedAtTheUpgrade_EvenForAParticipantThatStillExists()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await EmulatorHost.StartAsync(options => options.DeviceTokenLifetime = TimeSpan.FromMinutes(5),
            services => services.AddSingleton<TimeProvider>(time));
        var (_, token) = await emulator.JoinAsync(await emulator.CreateSessionAsync());
        await (await DeviceClient.ConnectAsync(emulator.BaseUrl, token)).DisposeAsync();

        time.Advance(TimeSpan.FromMinutes(5));

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => DeviceClient.ConnectAsync(emulator.BaseUrl, token));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    private IStreamDirectory Devices => _emulator.Services.GetRequiredService<IStreamDirectory>();

    private Task<HttpResponseMessage> Drop(string participantId, int? closeCode) =>
        _emulator.Api.PostAsync($"/emulator/control/devices/{participantId}/drop",
            closeCode is null ? null : new StringContent($$"""{"closeCode": {{closeCode}}}""", Encoding.UTF8, "application/json"));
}
