using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using HelloWorld.Emulator;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Media.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RelayBench;

// The emulator's relay under load, over real loopback UDP with SRTP: one publisher fanned out to 1, 10 and 50 subscribers.
// The relay's added latency per hop is measured on its own thread, from the moment a packet is decrypted to the moment
// each copy has been rewritten, encrypted and handed to the socket. End-to-end latency (publisher's send to subscriber's
// receive) is shown beside it, with a plain UDP forwarder as the floor. CPU is the relay thread's own (getrusage
// RUSAGE_THREAD, read on that thread), per forwarded copy and per stream at a real audio rate (50 packets/s).

const int PacketsPerRun = 2000;
const int PacketInterval = 5; // ms: faster than real audio (20 ms) to gather samples quickly; the per-packet work is the same
const int AudioPacketsPerSecond = 50;
int[] fanOuts = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [1, 10, 50];

Console.WriteLine($"Relay benchmark: {PacketsPerRun} packets of 160 bytes (PCMU, 20 ms) per run, one every {PacketInterval} ms, over loopback UDP");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var baseline = await MeasureBaselineAsync();
Console.WriteLine($"Floor: a plain UDP forwarder on loopback, no crypto, end to end p50 {baseline.P50:0} µs, p99 {baseline.P99:0} µs");
Console.WriteLine();
Console.WriteLine("| Subscribers | Copies received | Relay receive→send p50 | Relay receive→send p99 | End-to-end p50 | End-to-end p99 | Relay CPU per copy | CPU per stream at 50 pkt/s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var subscribers in fanOuts)
{
    var run = await MeasureRelayAsync(subscribers);
    var perCopy = run.CpuMicroseconds / (PacketsPerRun * (double)subscribers);
    var perStream = perCopy * AudioPacketsPerSecond / 1_000_000 * 100; // % of one core
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {subscribers} | {run.Received} | {run.Hop.P50:0.0} µs | {run.Hop.P99:0.0} µs | {run.EndToEnd.P50:0} µs | {run.EndToEnd.P99:0} µs | {perCopy:0.0} µs | {perStream:0.000} % of a core |"));
}
return 0;

static async Task<RelayRun> MeasureRelayAsync(int subscriberCount)
{
    var options = Options.Create(new EmulatorOptions());
    using var server = new MediaServer(options, TimeProvider.System, NullLoggerFactory.Instance);
    var relay = new MediaRelay(TimeProvider.System, NullLogger<MediaRelay>.Instance);

    using var publisher = new FakeBrowser();
    var publishing = server.CreateConnection(MediaConnectionRole.Publish, publisher.Ufrag, publisher.Fingerprint);
    await publisher.ConnectAsync(server, publishing, MediaConnectionRole.Publish);
    await ConnectedAsync(publishing);

    // Registered before the relay's own handler, so it runs first: the moment the packet is decrypted.
    long decryptedAt = 0;
    var hops = new List<double>(PacketsPerRun * subscriberCount);
    var cpu = new double[2];
    publishing.RtpReceived += (_, packet) =>
    {
        decryptedAt = Stopwatch.GetTimestamp();
        var sequence = RtpPacket.SequenceNumber(packet);
        if (sequence == 1)
        {
            cpu[0] = ThreadCpu.Microseconds();
        }
        else if (sequence == PacketsPerRun)
        {
            cpu[1] = ThreadCpu.Microseconds();
        }
    };
    relay.AddSource("stream", publishing, ssrc: 4242);
    var subscribers = new List<FakeBrowser>();
    for (var i = 0; i < subscriberCount; i++)
    {
        var browser = new FakeBrowser();
        var subscribing = server.CreateConnection(MediaConnectionRole.Subscribe, browser.Ufrag, browser.Fingerprint);
        await browser.ConnectAsync(server, subscribing, MediaConnectionRole.Subscribe);
        await ConnectedAsync(subscribing);
        relay.AddSink("stream", new TimedConnection(subscribing, () => hops.Add(Stopwatch.GetElapsedTime(decryptedAt).TotalMicroseconds)),
            (uint)(1000 + i), new Dictionary<byte, byte> { [0] = 0 });
        subscribers.Add(browser);
    }


    using var done = new CancellationTokenSource();
    var latencies = new List<double>();
    var receivers = subscribers.Select(browser => Task.Run(async () =>
    {
        var mine = new List<double>();
        try
        {
            while (mine.Count < PacketsPerRun)
            {
                var (packet, at) = await browser.ReceiveAsync(done.Token);
                var sent = BinaryPrimitives.ReadInt64BigEndian(packet.AsSpan(RtpPacket.HeaderLength));
                mine.Add(Stopwatch.GetElapsedTime(sent, at).TotalMicroseconds);
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

    var rtp = new byte[RtpPacket.HeaderLength + 160];
    for (ushort sequence = 1; sequence <= PacketsPerRun; sequence++)
    {
        RtpPacket.WriteHeader(rtp, 0, marker: false, sequence, sequence * 160u, 4242);
        BinaryPrimitives.WriteInt64BigEndian(rtp.AsSpan(RtpPacket.HeaderLength), Stopwatch.GetTimestamp());
        publisher.Send(rtp, rtp.Length, server.CandidateEndPoint);
        await Task.Delay(PacketInterval);
    }
    done.CancelAfter(TimeSpan.FromSeconds(2));
    await Task.WhenAll(receivers);
    subscribers.ForEach(browser => browser.Dispose());
    return new RelayRun(latencies.Count, Percentiles.Of(hops), Percentiles.Of(latencies), cpu[1] - cpu[0]);
}

static async Task ConnectedAsync(IMediaConnection connection)
{
    var deadline = DateTime.UtcNow.AddSeconds(10);
    while (connection.State != MediaConnectionState.Connected)
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException("The DTLS handshake did not complete.");
        }
        await Task.Delay(5);
    }
}

static async Task<Percentiles> MeasureBaselineAsync()
{
    // Warmed up like the relay runs are (their handshakes): the first few hundred sends on a fresh socket are slower.
    using var forwarder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    var target = (IPEndPoint)receiver.Client.LocalEndPoint!;
    var forwarding = new Thread(() =>
    {
        var from = new IPEndPoint(IPAddress.Any, 0);
        for (var i = 0; i < PacketsPerRun; i++)
        {
            forwarder.Send(forwarder.Receive(ref from), target);
        }
    }) { IsBackground = true };
    forwarding.Start();
    var latencies = new List<double>();
    var packet = new byte[RtpPacket.HeaderLength + 160];
    for (var i = -200; i < PacketsPerRun - 200; i++)
    {
        BinaryPrimitives.WriteInt64BigEndian(packet.AsSpan(RtpPacket.HeaderLength), Stopwatch.GetTimestamp());
        sender.Send(packet, (IPEndPoint)forwarder.Client.LocalEndPoint!);
        var received = await receiver.ReceiveAsync();
        var at = Stopwatch.GetTimestamp();
        if (i >= 0)
        {
            latencies.Add(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64BigEndian(received.Buffer.AsSpan(RtpPacket.HeaderLength)), at).TotalMicroseconds);
        }
        await Task.Delay(PacketInterval);
    }
    return Percentiles.Of(latencies);
}

internal sealed record RelayRun(int Received, Percentiles Hop, Percentiles EndToEnd, double CpuMicroseconds);

/// <summary>A subscriber's connection that notes when each copy has been handed to the socket (on the relay's thread).</summary>
internal sealed class TimedConnection(IMediaConnection inner, Action sent) : IMediaConnection
{
    public string LocalIceUfrag => inner.LocalIceUfrag;

    public string LocalIcePassword => inner.LocalIcePassword;

    public MediaConnectionState State => inner.State;

    public event Action<IMediaConnection, MediaConnectionState>? StateChanged
    {
        add => inner.StateChanged += value;
        remove => inner.StateChanged -= value;
    }

    public event MediaPacketHandler? RtpReceived
    {
        add => inner.RtpReceived += value;
        remove => inner.RtpReceived -= value;
    }

    public event MediaPacketHandler? RtcpReceived
    {
        add => inner.RtcpReceived += value;
        remove => inner.RtcpReceived -= value;
    }

    public void UpdateRemote(string? remoteIceUfrag, string? remoteFingerprint) => inner.UpdateRemote(remoteIceUfrag, remoteFingerprint);

    public void RestartIce() => inner.RestartIce();

    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket)
    {
        var result = inner.TrySendRtp(rtpPacket);
        sent();
        return result;
    }

    public bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket) => inner.TrySendRtcp(rtcpPacket);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

internal sealed record Percentiles(double P50, double P99)
{
    public static Percentiles Of(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? new(double.NaN, double.NaN) : new(sorted[(int)(sorted.Length * 0.50)], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]);
    }
}

/// <summary>CPU time of the calling thread, in microseconds (Linux getrusage RUSAGE_THREAD).</summary>
internal static partial class ThreadCpu
{
    private const int RusageThread = 1;

    public static double Microseconds()
    {
        Span<long> usage = stackalloc long[18]; // struct rusage: ru_utime and ru_stime (timeval: seconds, microseconds), then 14 longs
        return GetRusage(RusageThread, ref MemoryMarshal.GetReference(usage)) != 0
            ? double.NaN
            : (usage[0] + usage[2]) * 1_000_000.0 + usage[1] + usage[3];
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, ref long usage);
}
