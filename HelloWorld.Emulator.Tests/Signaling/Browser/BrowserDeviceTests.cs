using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Signaling.Sdp;
using HelloWorld.Emulator.Tests.Media.Transport;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Signaling.Browser;

/// <summary>
/// A browser device's media end to end: two pages, the SDK's signaling over the device WebSocket and each page's peer
/// connections over loopback UDP (DTLS, SRTP), with consent time simulated so that a connection can lapse on purpose.
/// </summary>
public sealed partial class BrowserDeviceTests : IAsyncLifetime
{
    private const string MicrophoneStream = RecordedSdp.MicrophoneStream;
    private const uint MicrophoneSsrc = 349040612;
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _clock = new();
    private EmulatorHost _emulator = null!;
    private string _session = null!;
    private Page _publisher = null!;
    private Page _listener = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(
            options => options.MediaConsentTimeout = ConsentTimeout,
            services => services.AddSingleton<TimeProvider>(_clock));
        _session = await _emulator.CreateSessionAsync();
        var media = _emulator.Services.GetRequiredService<IMediaServer>();
        _publisher = new Page(await DeviceClient.ConnectAsync(_emulator.BaseUrl, (await _emulator.JoinAsync(_session)).Token), new BrowserPeer(media.CandidateEndPoint));
        _listener = new Page(await DeviceClient.ConnectAsync(_emulator.BaseUrl, (await _emulator.JoinAsync(_session)).Token), new BrowserPeer(media.CandidateEndPoint));
        _listener.AnswerEveryOffer();
    }

    public async Task DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _listener.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task APublishersPcmu_AtAPayloadTypeOfItsOwn_ReachesTheListener_AtTheTypeTheListenerAnswered()
    {
        await _publisher.PublishAsync(pcmuPayloadType: 107);

        var heard = await _publisher.SendUntilHeardAsync(_listener, payloadType: 107);

        Assert.Equal(SubscribeOffer.PcmuPayloadType, RtpPacket.PayloadType(heard));
    }

    [Fact]
    public async Task AfterThePublishingConnectionLostConsent_AnIceRestartWithTheSameCertificate_CarriesTheStreamAgain()
    {
        await _publisher.PublishAsync();
        await _publisher.SendUntilHeardAsync(_listener);

        // Only the publisher falls silent: the listener's checks go on.
        _clock.Advance(ConsentTimeout - TimeSpan.FromSeconds(10));
        await _listener.RenewConsentAsync();
        _clock.Advance(TimeSpan.FromSeconds(15));
        await _listener.AnsweredOfferAsync(offer => Audio(offer).Msid is null, "the stream withdrawn");

        // The SDK restarts ICE on its publishing connection: a new offer with new credentials, the same certificate.
        _publisher.Peer.RestartIce();
        await _publisher.PublishAsync();
        await _listener.AnsweredOfferAsync(offer => Audio(offer).Msid?.StreamId == MicrophoneStream, "the stream offered again");

        Assert.NotNull(await _publisher.SendUntilHeardAsync(_listener));
    }

    [Fact]
    public async Task AfterTheReceivingConnectionLostConsent_AFreshOfferRestartsIce_AndEveryStreamFlowsAgain()
    {
        await _publisher.PublishAsync();
        var before = await _publisher.SendUntilHeardAsync(_listener);
        var offered = _listener.AnsweredOffers.Count;
        var previous = _listener.AnsweredOffers[^1];

        // Only the listener falls silent: the publisher's checks go on.
        _clock.Advance(ConsentTimeout - TimeSpan.FromSeconds(10));
        await _publisher.RenewConsentAsync();
        _clock.Advance(TimeSpan.FromSeconds(15));
        var restart = await _listener.AnsweredOfferAsync(_ => _listener.AnsweredOffers.Count > offered, "the restart that follows the lost consent");

        Assert.True((int)restart["sdpRevision"]! > (int)previous["sdpRevision"]!);
        var (oldSdp, newSdp) = (Sdp(previous), Sdp(restart));
        Assert.Equal(oldSdp.Media.Select(m => (m.Kind, m.Mid)), newSdp.Media.Select(m => (m.Kind, m.Mid))); // never removed or reordered
        Assert.NotEqual(oldSdp.Media[0].Attribute("ice-ufrag"), newSdp.Media[0].Attribute("ice-ufrag")); // an ICE restart
        Assert.Equal(MicrophoneStream, Audio(restart).Msid?.StreamId);
        var newSsrc = Assert.Single(Audio(restart).Ssrcs.Distinct());
        Assert.NotEqual(RtpPacket.Ssrc(before), newSsrc);

        var after = await _publisher.SendUntilHeardAsync(_listener, ssrc: newSsrc);
        Assert.Equal(newSsrc, RtpPacket.Ssrc(after));
    }

    private static SessionDescription Sdp(JsonObject offer) => SessionDescription.Parse((string)offer["sdpOffer"]!);

    private static MediaDescription Audio(JsonObject offer) => Sdp(offer).Media.Single(m => m.Kind == "audio");

    [GeneratedRegex("a=ice-ufrag:.*")]
    private static partial Regex IceUfrag();

    [GeneratedRegex("a=ice-pwd:.*")]
    private static partial Regex IcePassword();

    [GeneratedRegex("a=fingerprint:sha-256 .*")]
    private static partial Regex Fingerprint();

    /// <summary>One page: the SDK's signaling and one peer connection's media (publishing or receiving, never both here).</summary>
    private sealed class Page(DeviceClient device, BrowserPeer peer) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<JsonObject> _answered = [];
        private (string Ufrag, string Password) _emulatorIce;
        private Task? _handshake;
        private Task? _answering;
        private ushort _sequence = 1000;

        public BrowserPeer Peer => peer;

        public IReadOnlyList<JsonObject> AnsweredOffers
        {
            get
            {
                lock (_answered)
                {
                    return [.. _answered];
                }
            }
        }

        /// <summary>offerSdp as the SDK sends it after publish(), with this page's credentials; then checks and handshakes.</summary>
        public async Task PublishAsync(byte pcmuPayloadType = 0)
        {
            var sdp = RecordedSdp.PublishOffer;
            sdp = IceUfrag().Replace(sdp, $"a=ice-ufrag:{peer.Ufrag}");
            sdp = IcePassword().Replace(sdp, $"a=ice-pwd:{peer.Password}");
            sdp = Fingerprint().Replace(sdp, $"a=fingerprint:sha-256 {peer.Fingerprint}");
            if (pcmuPayloadType != 0)
            {
                sdp = sdp.Replace(" 111 63 9 0 8 13 110 126", $" 111 63 9 {pcmuPayloadType} 8 13 110 126", StringComparison.Ordinal)
                    .Replace("a=rtpmap:0 PCMU/8000", $"a=rtpmap:{pcmuPayloadType} PCMU/8000", StringComparison.Ordinal);
            }
            var response = await device.CallAsync("offerSdp", new JsonObject
            {
                ["sdpOffer"] = sdp,
                ["mediaMetadata"] = new JsonObject { ["mediaStreams"] = new JsonObject { [MicrophoneStream] = new JsonObject { ["alias"] = "microphone" } } },
            });
            var answer = SessionDescription.Parse((string)response["result"]!["sdpAnswer"]!);
            _emulatorIce = (answer.Media[0].Attribute("ice-ufrag")!, answer.Media[0].Attribute("ice-pwd")!);
            Assert.True(await peer.CheckAsync(_emulatorIce.Ufrag, _emulatorIce.Password), "the publishing check was answered");
            _handshake ??= peer.ConnectAsDtlsClientAsync(answer.Media[0].Attribute("fingerprint")!["sha-256 ".Length..]);
            await _handshake.WaitAsync(Patience);
        }

        public async Task RenewConsentAsync() => Assert.True(await peer.CheckAsync(_emulatorIce.Ufrag, _emulatorIce.Password), "consent renewed");

        /// <summary>Answers every sdpOffer as the SDK does, restarting ICE when the emulator did, then checks and handshakes.</summary>
        public void AnswerEveryOffer() => _answering = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var notification = await device.NextOfferAsync(TimeSpan.FromSeconds(1));
                if (notification?["params"] is not JsonObject offer || (string?)notification["method"] != "sdpOffer")
                {
                    continue;
                }
                var sdp = Sdp(offer);
                var ice = (sdp.Media[0].Attribute("ice-ufrag")!, sdp.Media[0].Attribute("ice-pwd")!);
                if (_emulatorIce.Ufrag is not null && ice.Item1 != _emulatorIce.Ufrag)
                {
                    peer.RestartIce(); // an answerer changes its credentials too
                }
                _emulatorIce = ice;
                var answer = sdp.ToString()
                    .Replace("a=sendonly", "a=recvonly", StringComparison.Ordinal)
                    .Replace("a=setup:actpass", "a=setup:passive", StringComparison.Ordinal)
                    .Replace("a=ice-lite\r\n", "", StringComparison.Ordinal);
                answer = IceUfrag().Replace(answer, $"a=ice-ufrag:{peer.Ufrag}");
                answer = IcePassword().Replace(answer, $"a=ice-pwd:{peer.Password}");
                answer = Fingerprint().Replace(answer, $"a=fingerprint:sha-256 {peer.Fingerprint}");
                _handshake ??= peer.AcceptAsDtlsServerAsync(sdp.Media[0].Attribute("fingerprint")!["sha-256 ".Length..]);
                await device.CallAsync("answerSdp", new JsonObject { ["sdpAnswer"] = answer });
                await peer.CheckAsync(ice.Item1, ice.Item2);
                lock (_answered)
                {
                    _answered.Add(offer);
                }
            }
        });

        public async Task<JsonObject> AnsweredOfferAsync(Func<JsonObject, bool> condition, string what) =>
            (await Eventually.HoldsAsync(() => AnsweredOffers.LastOrDefault(), offer => offer is not null && condition(offer), $"the last answered offer to show {what}", Patience))!;

        /// <summary>Sends microphone packets every 20 ms until <paramref name="listener"/> receives one (of <paramref name="ssrc"/>, if given).</summary>
        public async Task<byte[]> SendUntilHeardAsync(Page listener, byte payloadType = 0, uint? ssrc = null)
        {
            var deadline = DateTime.UtcNow + Patience;
            listener.Peer.DiscardReceived();
            while (DateTime.UtcNow < deadline)
            {
                var packet = new byte[RtpPacket.HeaderLength + 160];
                RtpPacket.WriteHeader(packet, payloadType, marker: false, _sequence, _sequence * 160u, MicrophoneSsrc);
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(RtpPacket.HeaderLength), _sequence++);
                peer.SendRtp(packet);
                if (await listener.Peer.ReceiveRtpAsync(TimeSpan.FromMilliseconds(20)) is { } heard && (ssrc is null || RtpPacket.Ssrc(heard) == ssrc))
                {
                    return heard;
                }
            }
            throw new Xunit.Sdk.XunitException("The listener heard nothing of the publisher.");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_answering is not null)
            {
                await _answering.WaitAsync(TimeSpan.FromSeconds(5));
            }
            await device.DisposeAsync();
            await peer.DisposeAsync();
        }
    }
}
