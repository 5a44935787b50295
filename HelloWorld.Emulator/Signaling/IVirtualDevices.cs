using HelloWorld.Emulator.WebRtc;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// Devices that join WebRTC from inside the emulator: a simulated phone whose call was transferred into a session
/// connects as its participant, publishes audio and receives what that participant is subscribed to, like a browser would.
/// </summary>
internal interface IVirtualDevices
{
    /// <summary>
    /// Connects a simulated phone as <paramref name="participant"/>; dispose the result to hang it up. The phone publishes
    /// its voice only if the participant may publish AUDIO; otherwise it joins to listen.
    /// </summary>
    IVirtualDevice ConnectPhone(EmulatedParticipant participant, string phoneNumber);
}

internal interface IVirtualDevice : IAsyncDisposable
{
    string ParticipantId { get; }

    /// <summary>When on, the phone sends what it hears back into the session instead of its own tone.</summary>
    bool Echo { get; set; }

    /// <summary>What the phone has heard so far.</summary>
    VirtualDeviceStats Stats { get; }
}

/// <param name="PacketsReceived">RTP packets that reached the phone from the session.</param>
/// <param name="PacketsSent">RTP packets the phone published.</param>
/// <param name="ReceivedLevel">Recent received audio level 0..1 for PCMU, <c>null</c> when nothing decodable arrived.</param>
/// <param name="DtmfDigits">RFC 4733 digits heard, in order.</param>
internal sealed record VirtualDeviceStats(long PacketsReceived, long PacketsSent, double? ReceivedLevel, string DtmfDigits);
