using System.Net.WebSockets;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Signaling.Browser;
using HelloWorld.Emulator.Signaling.Sdp;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.Signaling;

/// <summary>The device endpoint as the browser SDK meets it: JSON-RPC 2.0 over a WebSocket, the V3 methods, pushed offers.</summary>
public sealed class DeviceProtocolTests : IAsyncLifetime
{
    private const string MicrophoneStream = RecordedSdp.MicrophoneStream;
    private EmulatorHost _emulator = null!;
    private string _session = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _session = await _emulator.CreateSessionAsync();
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task Connect_WithABadToken_IsRefused(string token) =>
        await Assert.ThrowsAsync<WebSocketException>(() => DeviceClient.ConnectAsync(_emulator.BaseUrl, token));

    [Fact]
    public async Task Connect_WithTheTokenOfADeletedParticipant_IsRefused()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{id}"));

        await Assert.ThrowsAsync<WebSocketException>(() => DeviceClient.ConnectAsync(_emulator.BaseUrl, token));
    }

    [Fact]
    public async Task Connect_NeverWritesTheDeviceTokenFromTheUrlToTheLog_AtAnyLevel()
    {
        var (_, token) = await _emulator.JoinAsync(_session);

        await using (var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token))
        {
            await device.CallAsync("ping");
        }
        await Assert.ThrowsAsync<WebSocketException>(() => DeviceClient.ConnectAsync(_emulator.BaseUrl, token + "x"));

        var lines = _emulator.Logs.GetSnapshot();
        Assert.Contains(lines, line => line.Category == typeof(BrowserDevice).FullName); // the collector does see the connection
        Assert.DoesNotContain(lines, line => line.Message.Contains(token, StringComparison.Ordinal) ||
            (line.StructuredState ?? []).Any(pair => pair.Value?.Contains(token, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Publish_AnswersTheOffer_WithStreamMetadataKeyedByTheMediaStream()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);

        var preferences = await device.CallAsync("setMediaPreferences", new JsonObject { ["protocol"] = "WEBRTC" });
        var answer = await device.OfferAsync(RecordedSdp.PublishOffer);

        Assert.Equal("{}", preferences["result"]!.ToJsonString());
        var result = answer["result"]!;
        var metadata = result["streamMetadata"]![MicrophoneStream]!;
        Assert.Equal(id, (string?)metadata["participantId"]);
        Assert.Equal(["AUDIO"], metadata["mediaTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("microphone", (string?)metadata["alias"]);
        Assert.Equal((string?)result["endpointId"], (string?)metadata["endpointId"]);
        Assert.Contains("a=recvonly", (string)result["sdpAnswer"]!);
    }

    [Fact]
    public async Task Publish_ByAnAudioOnlyParticipant_OfAudioAndVideo_AcceptsTheAudio_AndRefusesTheVideo()
    {
        var (id, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);

        var answer = await device.OfferAsync(RecordedSdp.PublishOfferWithVideo);

        var sdp = SessionDescription.Parse((string)answer["result"]!["sdpAnswer"]!);
        Assert.False(sdp.Media.Single(m => m.Kind == "audio").IsRejected);
        Assert.True(sdp.Media.Single(m => m.Kind == "video").IsRejected);
        Assert.Equal(["AUDIO"], answer["result"]!["streamMetadata"]![MicrophoneStream]!["mediaTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Contains(_emulator.Logs.GetSnapshot(), line => line.Message == $"Participant {id} may not publish VIDEO: its video m-line (mid 2) is rejected");
    }

    [Fact]
    public async Task Publish_ByAParticipantWithoutAudioPermission_RefusesTheAudio_AndPublishesNothing()
    {
        var (id, token) = await _emulator.JoinAsync(_session, permissions: "[]");
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);

        var answer = await device.OfferAsync(RecordedSdp.PublishOffer);

        var sdp = SessionDescription.Parse((string)answer["result"]!["sdpAnswer"]!);
        Assert.True(sdp.Media.Single(m => m.Kind == "audio").IsRejected);
        Assert.Empty(answer["result"]!["streamMetadata"]!.AsObject());
        Assert.DoesNotContain(_emulator.Services.GetRequiredService<IStreamDirectory>().PublishedStreams, stream => stream.ParticipantId == id);
        Assert.Contains(_emulator.Logs.GetSnapshot(), line => line.Message == $"Participant {id} may not publish AUDIO: its audio m-line (mid 1) is rejected");
    }

    [Fact]
    public async Task AnotherParticipantsStream_IsOfferedWithARisingRevision_AndWithdrawnWhenItsParticipantIsDeleted()
    {
        var (publisherId, publisherToken) = await _emulator.JoinAsync(_session);
        var (_, listenerToken) = await _emulator.JoinAsync(_session);
        await using var publisher = await DeviceClient.ConnectAsync(_emulator.BaseUrl, publisherToken);
        await using var listener = await DeviceClient.ConnectAsync(_emulator.BaseUrl, listenerToken);
        await publisher.OfferAsync(RecordedSdp.PublishOffer);

        var announced = (await listener.NextOfferAsync())!["params"]!;
        Assert.True((int)announced["sdpRevision"]! > 0);
        Assert.Equal(publisherId, (string?)announced["streamMetadata"]![MicrophoneStream]!["participantId"]);
        var offer = SessionDescription.Parse((string)announced["sdpOffer"]!);
        var audio = offer.Media.Single(m => m.Kind == "audio");
        Assert.Equal("sendonly", audio.Direction);
        Assert.Equal(MicrophoneStream, audio.Msid?.StreamId);
        Assert.Equal("actpass", audio.Attribute("setup"));
        Assert.Equal("{}", (await listener.AnswerAsync(offer))["result"]!.ToJsonString());

        await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{publisherId}"));

        var withdrawn = (await listener.NextOfferAsync())!["params"]!;
        Assert.True((int)withdrawn["sdpRevision"]! > (int)announced["sdpRevision"]!);
        Assert.Empty(withdrawn["streamMetadata"]!.AsObject());
        var freed = SessionDescription.Parse((string)withdrawn["sdpOffer"]!).Media.Single(m => m.Kind == "audio");
        Assert.Equal("inactive", freed.Direction);
        Assert.Null(freed.Msid);
        Assert.Equal(audio.Mid, freed.Mid); // m-lines are never removed or reordered
        await publisher.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, publisher.CloseStatus);
    }

    [Fact]
    public async Task IceRestart_ReOffers_ChangeNothingForOthers()
    {
        var (_, publisherToken) = await _emulator.JoinAsync(_session);
        var (_, listenerToken) = await _emulator.JoinAsync(_session);
        await using var publisher = await DeviceClient.ConnectAsync(_emulator.BaseUrl, publisherToken);
        await using var listener = await DeviceClient.ConnectAsync(_emulator.BaseUrl, listenerToken);
        var first = await publisher.OfferAsync(RecordedSdp.PublishOffer);
        await listener.AnswerAsync(SessionDescription.Parse((string)(await listener.NextOfferAsync())!["params"]!["sdpOffer"]!));

        var restarted = RecordedSdp.PublishOffer.Replace("ice-ufrag:x64b", "ice-ufrag:r3st", StringComparison.Ordinal)
            .Replace("ice-pwd:x3gQEfxHqX101Ugf8ZFWUmNy", "ice-pwd:NewPasswordForTheRestart0", StringComparison.Ordinal);
        var second = await publisher.OfferAsync(restarted);
        var third = await publisher.OfferAsync(restarted);

        Assert.Null(await listener.NextOfferAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal((string?)first["result"]!["endpointId"], (string?)third["result"]!["endpointId"]);
        Assert.Equal(MicrophoneStream, second["result"]!["streamMetadata"]!.AsObject().Single().Key);
    }

    [Fact]
    public async Task UnknownMethods_AndFramesThatAreNotJson_GetJsonRpcErrors_AndTheConnectionGoesOn()
    {
        var (_, token) = await _emulator.JoinAsync(_session);
        await using var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);

        var unknown = await device.CallAsync("teleport");
        var badParams = await device.CallAsync("offerSdp", new JsonObject { ["sdpOffer"] = 42 });
        await device.SendTextAsync("{this is not json");
        var ping = await device.CallAsync("ping");

        Assert.Equal(-32601, (int)unknown["error"]!["code"]!);
        Assert.Equal(-32602, (int)badParams["error"]!["code"]!);
        Assert.Equal("{}", ping["result"]!.ToJsonString());
    }

    [Fact]
    public async Task Leave_ClosesTheConnectionNormally()
    {
        var (_, token) = await _emulator.JoinAsync(_session);
        var device = await DeviceClient.ConnectAsync(_emulator.BaseUrl, token);

        await device.NotifyAsync("leave");

        await device.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, device.CloseStatus);
        await device.DisposeAsync();
    }
}
