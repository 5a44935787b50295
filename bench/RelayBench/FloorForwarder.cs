using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Media.Srtp;
using HelloWorld.Emulator.Media.Transport;

namespace RelayBench;

/// <summary>
/// The floor under the relay: a plain UDP forwarder that does what the relay's thread does with the network and nothing
/// else. One thread blocks in <c>ReceiveFrom</c> on a loopback socket and hands each datagram to every subscriber with
/// <c>SendTo</c>; no demultiplexing, no crypto, no rewriting. It is measured exactly as the relay is (hop, end to end,
/// the thread's CPU clock per received packet), so the relay's figures minus these are the relay's own work.
/// </summary>
internal static class FloorForwarder
{
    // The relay's datagrams: a 12-byte RTP header, 160 bytes of PCMU and the 10-byte SRTP tag.
    private const int DatagramLength = RtpPacket.HeaderLength + 160 + SrtpContext.AuthTagLength;

    public static async Task<RelayRun> MeasureAsync(int subscriberCount, int packets, int packetInterval)
    {
        using var forwarder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        forwarder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var subscribers = Enumerable.Range(0, subscriberCount).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        var targets = subscribers.Select(subscriber => subscriber.Client.LocalEndPoint!.Serialize()).ToList();

        // The relay's meter, driven here by hand exactly as the media server drives it, so both pay the same for being measured.
        var meter = new ReceiveThreadMeter(packets, packets * Math.Max(1, subscriberCount));
        var cpu = double.NaN;
        var forwarding = new Thread(() =>
        {
            var buffer = new byte[2048];
            var from = new SocketAddress(AddressFamily.InterNetwork);
            var clock = 0;
            var cpuAtFirst = 0.0;
            for (var received = 1; received <= packets; received++)
            {
                var length = forwarder.ReceiveFrom(buffer, SocketFlags.None, from);
                meter.Received(Stopwatch.GetTimestamp());
                if (received == 1)
                {
                    clock = ThreadCpu.ClockOfCurrentThread();
                    cpuAtFirst = ThreadCpu.Microseconds(clock);
                }
                foreach (var target in targets)
                {
                    var before = Stopwatch.GetTimestamp();
                    forwarder.SendTo(buffer.AsSpan(0, length), SocketFlags.None, target);
                    meter.Sent(before, Stopwatch.GetTimestamp());
                }
                meter.Handled(Stopwatch.GetTimestamp());
            }
            // As for the relay: from the first packet's handling to the end of the last, over the packets after the first.
            cpu = (ThreadCpu.Microseconds(clock) - cpuAtFirst) / (packets - 1);
        }) { IsBackground = true, Name = "floor-forwarder" };
        forwarding.Start();

        using var done = new CancellationTokenSource();
        var latencies = new List<double>();
        var receivers = subscribers.Select(subscriber => Task.Run(async () =>
        {
            var mine = new List<double>();
            try
            {
                while (mine.Count < packets)
                {
                    var datagram = await subscriber.ReceiveAsync(done.Token);
                    var at = Stopwatch.GetTimestamp();
                    mine.Add(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64BigEndian(datagram.Buffer.AsSpan(RtpPacket.HeaderLength)), at).TotalMicroseconds);
                }
            }
            catch (OperationCanceledException)
            {
            }
            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })).ToList();

        var datagram = new byte[DatagramLength];
        var forwarderAddress = (IPEndPoint)forwarder.LocalEndPoint!;
        for (var i = 0; i < packets; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(datagram.AsSpan(RtpPacket.HeaderLength), Stopwatch.GetTimestamp());
            sender.Send(datagram, forwarderAddress);
            await Task.Delay(packetInterval);
        }
        forwarding.Join(TimeSpan.FromSeconds(5));
        done.CancelAfter(TimeSpan.FromSeconds(2));
        await Task.WhenAll(receivers);
        subscribers.ForEach(subscriber => subscriber.Dispose());
        var ownWork = meter.Datagrams().Select(d => d.Microseconds).ToList();
        return new RelayRun(latencies.Count, Percentiles.Of([.. meter.Hops()]), Percentiles.Of(latencies), cpu, Percentiles.Of(ownWork));
    }
}
