using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
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
// The relay's hop is measured on its own thread, from the moment ReceiveFrom returned the publisher's datagram (so
// demultiplexing and SRTP unprotect count) to the moment each copy has been rewritten, encrypted and handed back by
// sendto. The end-to-end column is the publisher's send to the subscriber's receive as the fake browsers see it: it also
// holds both fake browsers' own SRTP work and the wake-up of the receiving task. CPU is the relay thread's own (its CPU
// clock, read at the first packet the relay received and once the thread is idle after the last), per received packet.
// A least-squares line through the runs (no subscriber, then each fan-out) splits it into a fixed part (the intercept)
// and a part per copy (the slope): one noisy run then moves the split less than subtracting one run from another would.
// Every figure has a floor measured the same way, in runs alternating with the relay's: a plain UDP forwarder
// (FloorForwarder) whose thread only receives and sends. The kernel's share (the wake-up, recvmsg, and sendto, which on
// loopback also delivers to the subscriber's socket) is in both; the difference is the relay's own work.
// That difference subtracts two noisy lines, so the relay's own work is also measured directly, on its thread: for each
// packet, ReceiveFrom returning to the packet handled, minus the time inside each SendTo (MediaServer.Meter, by
// Stopwatch), the median over the run; a line through the runs again splits it. This is the figure the goal is read on.

const int PacketsPerRun = 2000;
const int WarmUpPackets = 500;
const int PacketInterval = 5; // ms: faster than real audio (20 ms) to gather samples quickly; the per-packet work is the same
const int AudioPacketsPerSecond = 50;
const double GoalFixed = 10; // µs of the relay's own work per received packet (issue 16)
const double GoalPerCopy = 5; // µs per copy
var srtpOnly = args is ["--srtp"];
int[] fanOuts = args.Length > 0 && !srtpOnly ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [1, 10, 50];

Console.WriteLine($"Relay benchmark: {PacketsPerRun} packets of 160 bytes (PCMU, 20 ms) per run, one every {PacketInterval} ms, over loopback UDP");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
SrtpParts.Print();
if (srtpOnly)
{
    return 0;
}
// JIT, tiered compilation and fresh socket buffers make a first run slower: it is run and thrown away.
await MeasureRelayAsync(subscriberCount: 10, WarmUpPackets);
await FloorForwarder.MeasureAsync(subscriberCount: 10, WarmUpPackets, PacketInterval);
var runs = new List<(int Subscribers, RelayRun Relay, RelayRun Floor)>();
foreach (var subscribers in fanOuts.Prepend(0))
{
    var floor = await FloorForwarder.MeasureAsync(subscribers, PacketsPerRun, PacketInterval);
    runs.Add((subscribers, await MeasureRelayAsync(subscribers, PacketsPerRun), floor));
}
var (fixedCpu, cpuPerCopy) = LeastSquares(runs.Select(r => ((double)r.Subscribers, r.Relay.CpuPerPacket)).ToList());
var (floorFixed, floorPerCopy) = LeastSquares(runs.Select(r => ((double)r.Subscribers, r.Floor.CpuPerPacket)).ToList());

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Relay CPU per received packet ≈ {fixedCpu:0.0} µs fixed (receive, demultiplex, SRTP unprotect, relay lookup) + {cpuPerCopy:0.00} µs per copy (rewrite, SRTP protect, sendto); a line through the runs with 0, {string.Join(", ", fanOuts)} subscribers"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Floor (a plain UDP forwarder's thread, the same way) ≈ {floorFixed:0.0} µs fixed (wake-up, recvmsg) + {floorPerCopy:0.00} µs per copy (sendto, loopback delivery)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Relay's own work above the floor (CPU line minus floor line) ≈ {fixedCpu - floorFixed:0.0} µs fixed + {cpuPerCopy - floorPerCopy:0.00} µs per copy"));
// The direct measure: per packet, ReceiveFrom returning to the packet handled, less the time inside each SendTo; the
// median over the run's packets (a packet whose thread was preempted counts as one outlier, not as its milliseconds).
// The floor forwarder drives the same probe around no work of its own: what it reads is the probe's cost, taken off.
var (measuredFixed, measuredPerCopy) = LeastSquares(runs.Select(r => ((double)r.Subscribers, r.Relay.OwnWork.P50)).ToList());
var (probeFixed, probePerCopy) = LeastSquares(runs.Select(r => ((double)r.Subscribers, r.Floor.OwnWork.P50)).ToList());
var (ownFixed, ownPerCopy) = (measuredFixed - probeFixed, measuredPerCopy - probePerCopy);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Relay's own work, measured directly on its thread (ReceiveFrom returning → packet handled, its SendTo calls left out; median per packet) ≈ {measuredFixed:0.00} µs fixed + {measuredPerCopy:0.00} µs per copy, less the probe's own cost (the floor's reading) {probeFixed:0.00} + {probePerCopy:0.00} µs = {ownFixed:0.00} µs fixed + {ownPerCopy:0.00} µs per copy"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Goal (issue 16: the relay's own work ≤ {GoalFixed} µs fixed per received packet and ≤ {GoalPerCopy} µs per copy, read on the direct measure): fixed {(ownFixed <= GoalFixed ? "PASS" : "FAIL")} ({ownFixed:0.00} µs), per copy {(ownPerCopy <= GoalPerCopy ? "PASS" : "FAIL")} ({ownPerCopy:0.00} µs)"));
Console.WriteLine();
Console.WriteLine("| Subscribers | Copies received | Relay hop (ReceiveFrom → sendto) p50 | p99 | End to end (publisher send → subscriber receive) p50 | p99 | Floor end to end p50 | p99 | Relay CPU per received packet | Floor CPU per received packet | Relay's own work per received packet p50 | p99 | Relay CPU per forwarded stream at 50 pkt/s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (subscribers, run, floor) in runs)
{
    var perStream = subscribers == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{run.CpuPerPacket / subscribers * AudioPacketsPerSecond / 1_000_000 * 100:0.000} % of a core");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {subscribers} | {run.CopiesReceived}/{PacketsPerRun * subscribers} | {run.Hop.P50:0.0} µs | {run.Hop.P99:0.0} µs | {run.EndToEnd.P50:0} µs | {run.EndToEnd.P99:0} µs | {floor.EndToEnd.P50:0} µs | {floor.EndToEnd.P99:0} µs | {run.CpuPerPacket:0.0} µs | {floor.CpuPerPacket:0.0} µs | {run.OwnWork.P50:0.00} µs | {run.OwnWork.P99:0.0} µs | {perStream} |"));
}
return 0;

static async Task<RelayRun> MeasureRelayAsync(int subscriberCount, int packets)
{
    // The bench checks connectivity once; consent must not lapse while many handshakes and a run take their time.
    var options = Options.Create(new EmulatorOptions { MediaConsentTimeout = TimeSpan.FromHours(1) });
    using var server = new MediaServer(options, TimeProvider.System, NullLoggerFactory.Instance);
    var relay = new MediaRelay(TimeProvider.System, NullLogger<MediaRelay>.Instance);

    using var publisher = new FakeBrowser();
    var publishing = server.CreateConnection(MediaConnectionRole.Publish, publisher.Ufrag, publisher.Fingerprint);
    await publisher.ConnectAsync(server, publishing, MediaConnectionRole.Publish);
    await ConnectedAsync(publishing);

    // Registered before the relay's own handler, so it runs first, on the relay's thread; it names the thread's CPU clock
    // at the first packet and then leaves, so that every later packet finds only the relay's handler.
    var received = 0;
    var relayClock = 0;
    var cpuAtFirst = 0.0;
    MediaPacketHandler? first = null;
    first = (_, _) =>
    {
        relayClock = ThreadCpu.ClockOfCurrentThread();
        cpuAtFirst = ThreadCpu.Microseconds(relayClock);
        received = 1;
        publishing.RtpReceived -= first;
    };
    publishing.RtpReceived += first;
    relay.AddSource("stream", publishing, ssrc: 4242);
    var subscribers = new List<FakeBrowser>();
    for (var i = 0; i < subscriberCount; i++)
    {
        var browser = new FakeBrowser();
        var subscribing = server.CreateConnection(MediaConnectionRole.Subscribe, browser.Ufrag, browser.Fingerprint);
        await browser.ConnectAsync(server, subscribing, MediaConnectionRole.Subscribe);
        await ConnectedAsync(subscribing);
        relay.AddSink("stream", subscribing, (uint)(1000 + i), new Dictionary<byte, byte> { [0] = 0 });
        subscribers.Add(browser);
    }

    using var done = new CancellationTokenSource();
    var latencies = new List<double>();
    var receivers = subscribers.Select(browser => Task.Run(async () =>
    {
        var mine = new List<double>();
        try
        {
            while (mine.Count < packets)
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

    // Attached while the receive thread is idle: every handshake is over, and no packet has been sent yet.
    var meter = new ReceiveThreadMeter(packets, packets * Math.Max(1, subscriberCount));
    server.Meter = meter;
    var rtp = new byte[RtpPacket.HeaderLength + 160];
    for (ushort sequence = 1; sequence <= packets; sequence++)
    {
        RtpPacket.WriteHeader(rtp, 0, marker: false, sequence, sequence * 160u, 4242);
        BinaryPrimitives.WriteInt64BigEndian(rtp.AsSpan(RtpPacket.HeaderLength), Stopwatch.GetTimestamp());
        publisher.Send(rtp, rtp.Length, server.CandidateEndPoint);
        await Task.Delay(PacketInterval);
    }
    done.CancelAfter(TimeSpan.FromSeconds(2));
    await Task.WhenAll(receivers);
    // The last packet has long been handled and the thread waits in ReceiveFrom: its CPU clock now is its CPU clock at
    // the end of the last packet it received, whichever that was.
    await Task.Delay(100);
    var cpuAtLast = received > 0 ? ThreadCpu.Microseconds(relayClock) : double.NaN;
    server.Meter = null;
    subscribers.ForEach(browser => browser.Dispose());
    // From the first packet's handler to the end of the last: the remaining work of the first and all of the others.
    var cpuPerPacket = meter.Count > 1 ? (cpuAtLast - cpuAtFirst) / (meter.Count - 1) : double.NaN;
    // Only the datagrams that were the publisher's packets, each forwarded to every subscriber (not a stray DTLS record).
    var ownWork = meter.Datagrams().Where(d => d.Sends == subscriberCount).Select(d => d.Microseconds).ToList();
    return new RelayRun(latencies.Count, Percentiles.Of([.. meter.Hops()]), Percentiles.Of(latencies), cpuPerPacket, Percentiles.Of(ownWork));
}
static (double Intercept, double Slope) LeastSquares(IReadOnlyList<(double X, double Y)> points)
{
    var meanX = points.Average(p => p.X);
    var meanY = points.Average(p => p.Y);
    var slope = points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / points.Sum(p => (p.X - meanX) * (p.X - meanX));
    return (meanY - slope * meanX, slope);
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

/// <param name="OwnWork">The receiving thread's own work per received packet, its system calls left out (µs).</param>
internal sealed record RelayRun(int CopiesReceived, Percentiles Hop, Percentiles EndToEnd, double CpuPerPacket, Percentiles OwnWork);

internal sealed record Percentiles(double P50, double P99)
{
    public static Percentiles Of(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? new(double.NaN, double.NaN) : new(sorted[(int)(sorted.Length * 0.50)], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]);
    }
}

/// <summary>
/// A thread's CPU time from its POSIX CPU clock (Linux, glibc): the relay thread names its clock once, and the clock can
/// then be read from any thread, so the relay thread pays nothing per packet for being measured.
/// </summary>
internal static partial class ThreadCpu
{
    public static int ClockOfCurrentThread() =>
        GetCpuClockId(Self(), out var clock) == 0 ? clock : throw new InvalidOperationException("pthread_getcpuclockid failed.");

    public static double Microseconds(int clock) =>
        GetTime(clock, out var time) == 0 ? time.Seconds * 1_000_000.0 + time.Nanoseconds / 1_000.0 : double.NaN;

    [LibraryImport("libc", EntryPoint = "pthread_self")]
    private static partial nint Self();

    [LibraryImport("libc", EntryPoint = "pthread_getcpuclockid")]
    private static partial int GetCpuClockId(nint thread, out int clock);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int GetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
