using HelloWorld.Emulator.Media.Relay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Signaling;

internal sealed class VirtualDevices(DeviceHub hub, IMediaRelay relay, IOptions<EmulatorOptions> options, TimeProvider clock, ILoggerFactory loggers)
    : IVirtualDevices
{
    public IVirtualDevice ConnectPhone(string participantId, string phoneNumber) =>
        new PhoneDevice(participantId, phoneNumber, options.Value.SimulatePhoneAudio, hub, relay, clock, loggers.CreateLogger<PhoneDevice>());
}
