using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Media.Srtp;

namespace RelayBench;

/// <summary>
/// The SRTP work alone, off the network, in the manner of a micro-benchmark: each figure is the median over batches of
/// back-to-back operations on one packet size (the relay's: 12-byte header, 160-byte PCMU payload), timed per batch,
/// never per operation. Warm caches make these the floor of what the same work costs inside the relay, where each
/// packet arrives after milliseconds of sleep.
/// </summary>
internal static class SrtpParts
{
    private const int Batches = 21;
    private const int OperationsPerBatch = 2000;
    private const int PayloadLength = 160;

    public static void Print()
    {
        var key = RandomNumberGenerator.GetBytes(SrtpContext.KeyLength);
        var salt = RandomNumberGenerator.GetBytes(SrtpContext.SaltLength);
        using var sender = new SrtpContext(key, salt);
        using var receiver = new SrtpContext(key, salt);
        var plain = new byte[RtpPacket.HeaderLength + PayloadLength];
        var packets = new byte[OperationsPerBatch][];
        for (var i = 0; i < packets.Length; i++)
        {
            packets[i] = new byte[plain.Length + SrtpContext.AuthTagLength];
        }
        ushort sequence = 0;

        var protect = Median(() =>
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var packet in packets)
            {
                RtpPacket.WriteHeader(plain, 0, marker: false, ++sequence, sequence * 160u, 0xCAFEBABE);
                plain.CopyTo(packet, 0);
                sender.ProtectRtp(packet, plain.Length);
            }
            return Stopwatch.GetElapsedTime(started);
        });
        // Each batch unprotects the packets the previous protect left (fresh indexes, so the replay window accepts them).
        var unprotect = Median(() =>
        {
            foreach (var packet in packets)
            {
                RtpPacket.WriteHeader(plain, 0, marker: false, ++sequence, sequence * 160u, 0xCAFEBABE);
                plain.CopyTo(packet, 0);
                sender.ProtectRtp(packet, plain.Length);
            }
            var started = Stopwatch.GetTimestamp();
            foreach (var packet in packets)
            {
                if (receiver.UnprotectRtp(packet, packet.Length) != plain.Length)
                {
                    throw new InvalidOperationException("The benchmark's own packet failed to unprotect.");
                }
            }
            return Stopwatch.GetElapsedTime(started);
        });
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), ++sequence);
            plain.CopyTo(packets[0], 0);
            receiver.UnprotectRtp(packets[0], sender.ProtectRtp(packets[0], plain.Length));
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SRTP alone, warm (median of {Batches} batches of {OperationsPerBatch}, {PayloadLength}-byte payload): protect {protect:0.00} µs, unprotect {unprotect:0.00} µs per packet; {allocated / 1000.0:0} bytes allocated per protect + unprotect"));
    }

    private static double Median(Func<TimeSpan> batch)
    {
        batch(); // JIT and first use of the native contexts
        var perOperation = Enumerable.Range(0, Batches).Select(_ => batch().TotalMicroseconds / OperationsPerBatch).Order().ToArray();
        return perOperation[Batches / 2];
    }
}
