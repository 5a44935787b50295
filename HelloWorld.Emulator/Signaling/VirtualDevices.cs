using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// Where the emulator's own devices join WebRTC, and so where their publish permissions are enforced, as the device
/// endpoint enforces a browser's: a phone whose participant may not publish AUDIO joins without publishing.
/// </summary>
internal sealed partial class VirtualDevices(
    DeviceHub hub, IMediaRelay relay, IOptions<EmulatorOptions> options, TimeProvider clock, ILoggerFactory loggers, ILogger<VirtualDevices> logger)
    : IVirtualDevices
{
    public IVirtualDevice ConnectPhone(EmulatedParticipant participant, string phoneNumber)
    {
        var publish = participant.MayPublish(PublishPermission.Audio);
        if (!publish)
        {
            Log.AudioNotPermitted(logger, phoneNumber, participant.Id, string.Join(",", participant.PublishPermissions));
        }
        return new PhoneDevice(participant.Id, phoneNumber, options.Value.SimulatePhoneAudio, publish, hub, relay, clock, loggers.CreateLogger<PhoneDevice>());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9710, Level = LogLevel.Warning,
            Message = "Phone {Number} joins as participant {ParticipantId} without publishing its voice: the participant's publish permissions ({Permissions}) do not include AUDIO")]
        public static partial void AudioNotPermitted(ILogger logger, string number, string participantId, string permissions);
    }
}
