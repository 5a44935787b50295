using HelloWorld.Emulator.Media.Relay;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

internal sealed class VirtualDevices(DeviceHub hub, IMediaRelay relay, TimeProvider clock, ILoggerFactory loggers) : IVirtualDevices
{
    public IVirtualDevice ConnectPhone(string participantId, string phoneNumber) =>
        new PhoneDevice(participantId, phoneNumber, hub, relay, clock, loggers.CreateLogger<PhoneDevice>());
}
