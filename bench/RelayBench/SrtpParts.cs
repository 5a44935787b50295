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
/// never per operation, by the thread's CPU clock (so time the thread spends preempted by other processes does not
/// count). Warm caches make these the floor of what the same work costs inside the relay, where each packet arrives
/// after milliseconds of sleep.
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
        // Two streams: the receiver must see every packet of the one it unprotects, or a gap of half the sequence space
        // (a second of protect batches) leaves it guessing the wrong rollover counter.
        ushort protectedOnly = 0;
        ushort sequence = 0;

        var clock = ThreadCpu.ClockOfCurrentThread();
        var protect = Median(() =>
        {
            // Into one buffer, as the relay protects every copy in its thread's one send buffer.
            var packet = packets[0];
            var started = ThreadCpu.Microseconds(clock);
            for (var i = 0; i < OperationsPerBatch; i++)
            {
                RtpPacket.WriteHeader(plain, 0, marker: false, ++protectedOnly, protectedOnly * 160u, 0x0BADCAFE);
                plain.CopyTo(packet, 0);
                sender.ProtectRtp(packet, plain.Length);
            }
            return ThreadCpu.Microseconds(clock) - started;
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
            var started = ThreadCpu.Microseconds(clock);
            foreach (var packet in packets)
            {
                if (receiver.UnprotectRtp(packet, packet.Length) != plain.Length)
                {
                    throw new InvalidOperationException("The benchmark's own packet failed to unprotect.");
                }
            }
            return ThreadCpu.Microseconds(clock) - started;
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
        PrintCold(sender, receiver, plain, packets[0], sequence);
        PrintPlatformCalls(clock, key);
    }

    /// <summary>
    /// Protect and unprotect of one packet each after the caches have been emptied, as in the relay, where a packet
    /// finds them taken by milliseconds of other work: what a packet's state and code cost to fetch from memory. Each is
    /// timed alone by <see cref="Stopwatch"/> (the clock's code is warm: it ran just before), the median over the packets.
    /// </summary>
    private static void PrintCold(SrtpContext sender, SrtpContext receiver, byte[] plain, byte[] packet, ushort sequence)
    {
        const int Packets = 1001;
        // Larger than the last-level cache (32 MiB on the development machine), written at every cache line.
        var evictor = new byte[48 << 20];
        var protect = new double[Packets];
        var unprotect = new double[Packets];
        for (var i = 0; i < Packets; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), ++sequence);
            plain.CopyTo(packet, 0);
            Evict(evictor);
            var started = Stopwatch.GetTimestamp();
            var length = sender.ProtectRtp(packet, plain.Length);
            protect[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            Evict(evictor);
            started = Stopwatch.GetTimestamp();
            var plainLength = receiver.UnprotectRtp(packet, length);
            unprotect[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (plainLength != plain.Length)
            {
                throw new InvalidOperationException("The benchmark's own packet failed to unprotect.");
            }
        }
        Array.Sort(protect);
        Array.Sort(unprotect);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SRTP alone, caches emptied before each operation (median of {Packets}): protect {protect[Packets / 2]:0.00} µs, unprotect {unprotect[Packets / 2]:0.00} µs per packet"));
    }

    private static void Evict(byte[] evictor)
    {
        for (var i = 0; i < evictor.Length; i += 64)
        {
            evictor[i]++;
        }
    }

    /// <summary>The ways SRTP's AES and HMAC can be computed, for one packet: what chose AesCounterMode's and SrtpContext's.</summary>
    private static void PrintPlatformCalls(int clock, byte[] key)
    {
        const int Blocks = (PayloadLength + 15) / 16;
        var counters = new byte[Blocks * 16];
        var keyStream = new byte[Blocks * 16];
        var authenticated = new byte[RtpPacket.HeaderLength + PayloadLength + 4]; // the packet and the rollover counter
        var hmac = new byte[20];
        using var aes = Aes.Create();
        aes.Key = key;
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        using var encryptor = aes.CreateEncryptor();
        using var auth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, RandomNumberGenerator.GetBytes(20));

        var transform = Median(() => Time(clock, () => encryptor.TransformBlock(counters, 0, counters.Length, keyStream, 0)));
        var oneShot = Median(() => Time(clock, () => aes.EncryptEcb(counters, keyStream, PaddingMode.None)));
        var oneUpdate = Median(() => Time(clock, () =>
        {
            auth.AppendData(authenticated);
            auth.GetHashAndReset(hmac);
        }));
        var authKey = RandomNumberGenerator.GetBytes(20);
        var hmacOneShot = Median(() => Time(clock, () => HMACSHA1.TryHashData(authKey, authenticated, hmac, out _)));
        var managedHmac = new HmacSha1(authKey);
        var managed = Median(() => Time(clock, () => managedHmac.Compute(authenticated, hmac)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  HMAC-SHA1 of {authenticated.Length} bytes (one packet's tag): by a kept IncrementalHash {oneUpdate:0.00} µs, by HMACSHA1.TryHashData {hmacOneShot:0.00} µs, by HmacSha1 (managed, pads hashed once; SRTP's) {managed:0.00} µs"));
        var aesLine = string.Create(CultureInfo.InvariantCulture,
            $"  AES of {Blocks} counter blocks (one packet's key stream): by a kept ICryptoTransform {transform:0.00} µs, by Aes.EncryptEcb {oneShot:0.00} µs");
        if (HardwareAes128.IsSupported)
        {
            var hardware = new HardwareAes128(key);
            var iv = new byte[16];
            var hardwareTime = Median(() => Time(clock, () => hardware.Apply(iv, keyStream, xor: false)));
            aesLine += string.Create(CultureInfo.InvariantCulture, $", by HardwareAes128 (AES-NI; SRTP's here) {hardwareTime:0.00} µs");
        }
        Console.WriteLine(aesLine);
    }

    private static double Time(int clock, Action operation)
    {
        var started = ThreadCpu.Microseconds(clock);
        for (var i = 0; i < OperationsPerBatch; i++)
        {
            operation();
        }
        return ThreadCpu.Microseconds(clock) - started;
    }

    /// <param name="batch">Runs one batch; returns the microseconds of CPU it took.</param>
    private static double Median(Func<double> batch)
    {
        // A second of batches first: tiered compilation replaces the first code only after its calls have been counted and
        // a background compile has run, and a batch measured before that measures unoptimised code.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(1))
        {
            batch();
        }
        var perOperation = Enumerable.Range(0, Batches).Select(_ => batch() / OperationsPerBatch).Order().ToArray();
        return perOperation[Batches / 2];
    }
}
