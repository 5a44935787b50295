using System.Buffers.Binary;
using System.Security.Cryptography;
using HelloWorld.Emulator.Media.Srtp;

namespace HelloWorld.Emulator.Tests.Media.Srtp;

public sealed class SrtpContextTests
{
    private static readonly byte[] MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void KeyDerivation_MatchesRfc3711AppendixB3()
    {
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 0, 16)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 1, 20)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 2, 14)));
    }

    [Fact]
    public void AesCounterMode_MatchesRfc3711AppendixB2()
    {
        using var cipher = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"), 48);
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var keystream = new byte[48];

        cipher.KeyStream(iv, keystream);

        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0",
            Convert.ToHexString(keystream));
    }

    /// <summary>
    /// libsrtp's known-answer packet for AES_CM_128_HMAC_SHA1_80 (srtp_driver.c, srtp_validate): the same master key and
    /// salt as RFC 3711 B.3, SSRC CAFEBABE, sequence 0x1234, sixteen bytes of AB; encrypted payload and tag as libsrtp makes them.
    /// </summary>
    [Fact]
    public void Rtp_ProtectsAndUnprotects_LibsrtpsKnownAnswerPacket()
    {
        var plain = Convert.FromHexString("800F1234DECAFBADCAFEBABE" + "ABABABABABABABABABABABABABABABAB");
        const string Expected = "800F1234DECAFBADCAFEBABE" + "4E55DC4CE79978D88CA4D215949D2402" + "B78D6ACC99EA179B8DBB";
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var buffer = new byte[2048];
        plain.CopyTo(buffer, 0);

        var length = sender.ProtectRtp(buffer, plain.Length);

        Assert.Equal(Expected, Convert.ToHexString(buffer, 0, length));
        var received = Convert.FromHexString(Expected);
        Assert.Equal(plain.Length, receiver.UnprotectRtp(received, received.Length));
        Assert.Equal(Convert.ToHexString(plain), Convert.ToHexString(received, 0, plain.Length));
    }

    [Fact]
    public void Rtp_RoundTrips_AndIsEncrypted()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var plain = Rtp(ssrc: 0xCAFEBABE, sequence: 1000, payload: 160);
        var buffer = new byte[2048];
        plain.CopyTo(buffer, 0);

        var protectedLength = sender.ProtectRtp(buffer, plain.Length);

        Assert.Equal(plain.Length + 10, protectedLength);
        Assert.True(buffer.AsSpan(0, 12).SequenceEqual(plain.AsSpan(0, 12)));
        Assert.False(buffer.AsSpan(12, 160).SequenceEqual(plain.AsSpan(12, 160)));
        Assert.Equal(plain.Length, receiver.UnprotectRtp(buffer, protectedLength));
        Assert.True(buffer.AsSpan(0, plain.Length).SequenceEqual(plain));
    }

    [Fact]
    public void Rtp_WithAnyBitChanged_IsRejected()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var buffer = new byte[2048];
        var length = sender.ProtectRtp(buffer, Rtp(1, 1, 40).CopyToBuffer(buffer));

        buffer[20] ^= 0x01;

        Assert.Equal(-1, receiver.UnprotectRtp(buffer, length));
    }

    [Fact]
    public void Rtp_UnderAnotherKey_IsRejected()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var stranger = new SrtpContext(RandomNumberGenerator.GetBytes(16), MasterSalt);
        var buffer = new byte[2048];
        var length = sender.ProtectRtp(buffer, Rtp(1, 1, 40).CopyToBuffer(buffer));

        Assert.Equal(-1, stranger.UnprotectRtp(buffer, length));
    }

    [Fact]
    public void Rtp_Replayed_IsRejected_ButLateWithinTheWindowIsAcceptedOnce()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var packets = Enumerable.Range(1, 10).Select(sequence => Protect(sender, Rtp(7, (ushort)sequence, 20))).ToList();

        foreach (var packet in packets.Where((_, i) => i != 4))
        {
            Assert.True(Unprotect(receiver, packet) > 0);
        }

        Assert.True(Unprotect(receiver, packets[4]) > 0, "a late packet inside the window");
        Assert.Equal(-1, Unprotect(receiver, packets[4]));
        Assert.Equal(-1, Unprotect(receiver, packets[9]));
    }

    [Fact]
    public void Rtp_TooOldForTheWindow_IsRejected()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var old = Protect(sender, Rtp(7, 1, 20));
        var fresh = Protect(sender, Rtp(7, 1 + ReplayWindow.Size + 5, 20));

        Assert.True(Unprotect(receiver, fresh) > 0);
        Assert.Equal(-1, Unprotect(receiver, old));
    }

    [Fact]
    public void Rtp_AcrossTheSequenceNumberWrap_KeepsDecrypting()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);

        foreach (var sequence in new ushort[] { 65533, 65534, 65535, 0, 1, 2 })
        {
            var plain = Rtp(9, sequence, 32);
            var packet = Protect(sender, plain);
            var length = receiver.UnprotectRtp(packet, packet.Length);
            Assert.Equal(plain.Length, length);
            Assert.True(packet.AsSpan(0, length).SequenceEqual(plain), $"sequence {sequence}");
        }
    }

    [Fact]
    public void Rtp_SentOutOfOrderAcrossTheWrap_IsUnprotectedByTheReceiver_LatePacketIncluded()
    {
        // A relay forwards in arrival order: 65534 arrives after 0 and was numbered before the wrap.
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);

        foreach (var sequence in new ushort[] { 65533, 65535, 0, 65534, 1, 2, 3 })
        {
            var plain = Rtp(9, sequence, 32);
            var packet = Protect(sender, plain);
            var length = receiver.UnprotectRtp(packet, packet.Length);
            Assert.True(length == plain.Length, $"the receiver rejected sequence {sequence}");
            Assert.True(packet.AsSpan(0, length).SequenceEqual(plain), $"sequence {sequence} decrypted wrongly");
        }
    }

    [Theory]
    [InlineData(0u, (ushort)100, (ushort)101, 0u)]
    [InlineData(0u, (ushort)65500, (ushort)10, 1u)]
    [InlineData(1u, (ushort)10, (ushort)65500, 0u)]
    [InlineData(5u, (ushort)40000, (ushort)39000, 5u)]
    public void RolloverCounter_IsEstimatedAsRfc3711AppendixA(uint roc, ushort highest, ushort sequence, uint expected) =>
        Assert.Equal(expected, SrtpContext.EstimateRolloverCounter(roc, highest, sequence));

    [Fact]
    public void Rtcp_RoundTrips_AndIsReplayProtected()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var report = new byte[28];
        report[0] = 0x80;
        report[1] = 200; // sender report
        BinaryPrimitives.WriteUInt16BigEndian(report.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(4), 0x11223344);
        RandomNumberGenerator.Fill(report.AsSpan(8));
        var buffer = new byte[2048];
        report.CopyTo(buffer, 0);

        var length = sender.ProtectRtcp(buffer, report.Length);
        var copy = buffer[..length];

        Assert.Equal(report.Length + 14, length);
        Assert.Equal(report.Length, receiver.UnprotectRtcp(buffer, length));
        Assert.True(buffer.AsSpan(0, report.Length).SequenceEqual(report));
        Assert.Equal(-1, receiver.UnprotectRtcp(copy, length));
    }

    [Fact]
    public void OnceDisposed_EveryPacketIsRefused_WithoutThrowing()
    {
        // A connection disposes its old keys while the receive thread may still be using them.
        var sender = new SrtpContext(MasterKey, MasterSalt);
        var receiver = new SrtpContext(MasterKey, MasterSalt);
        var packet = Protect(sender, Rtp(7, 1, 20));
        var plain = new byte[64];
        var plainLength = Rtp(7, 2, 20).CopyToBuffer(plain);

        receiver.Dispose();
        sender.Dispose();

        Assert.Equal(-1, Unprotect(receiver, packet));
        Assert.Equal(-1, sender.ProtectRtp(plain, plainLength));
        Assert.Equal(-1, sender.ProtectRtcp(new byte[64], 28));
        Assert.Equal(-1, receiver.UnprotectRtcp(new byte[64], 42));
    }

    [Fact]
    public void Protect_DoesNotAllocatePerPacket()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var buffer = new byte[2048];
        var plain = Rtp(3, 1, 160);
        for (var warmUp = 0; warmUp < 10; warmUp++)
        {
            RoundTrip((ushort)warmUp);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10; i < 1010; i++)
        {
            RoundTrip((ushort)i);
        }

        // Under a byte a packet: one packet's smallest allocation is 24 bytes, while the runtime may allocate once on this
        // thread as tiered compilation swaps in the optimised code during the loop (it did, under a loaded machine).
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"1000 round trips allocated {allocated} bytes");

        void RoundTrip(ushort sequence)
        {
            plain.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequence);
            var length = sender.ProtectRtp(buffer, plain.Length);
            receiver.UnprotectRtp(buffer, length);
        }
    }

    [Fact]
    public void Rtp_AcrossTheSequenceRollover_IsEncryptedAndSignedUnderTheNextRolloverCounter()
    {
        // Worked out here from RFC 3711 alone: the key stream's IV carries the 48-bit index ROC·2^16 + SEQ (§4.1.1),
        // and the tag covers the packet followed by the ROC (§4.2). Sequence 0 after 65535 is ROC 1.
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        var encryptionKey = SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 0, 16);
        var authenticationKey = SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 1, 20);
        var salt = SrtpContext.DeriveSessionKey(MasterKey, MasterSalt, 2, 14);

        foreach (var (sequence, rolloverCounter) in new[] { ((ushort)65535, 0u), ((ushort)0, 1u), ((ushort)1, 1u) })
        {
            var plain = Rtp(0xCAFEBABE, sequence, payload: 41);
            var packet = Protect(sender, plain);

            var index = ((ulong)rolloverCounter << 16) | sequence;
            var iv = new byte[16];
            salt.CopyTo(iv, 0);
            BinaryPrimitives.WriteUInt32BigEndian(iv.AsSpan(4), BinaryPrimitives.ReadUInt32BigEndian(iv.AsSpan(4)) ^ 0xCAFEBABE);
            for (var i = 0; i < 6; i++)
            {
                iv[8 + i] ^= (byte)(index >> (40 - 8 * i));
            }
            var counterBlocks = new byte[48];
            for (var block = 0; block < 3; block++)
            {
                iv.CopyTo(counterBlocks, block * 16);
                counterBlocks[block * 16 + 15] = (byte)block;
            }
            using var aes = Aes.Create();
            aes.Key = encryptionKey;
            var keyStream = aes.EncryptEcb(counterBlocks, PaddingMode.None);
            var ciphertext = plain.Skip(12).Select((b, i) => (byte)(b ^ keyStream[i])).ToArray();
            Assert.Equal(Convert.ToHexString(ciphertext), Convert.ToHexString(packet, 12, 41));

            var rolloverCounterBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rolloverCounterBytes, rolloverCounter);
            var tag = HMACSHA1.HashData(authenticationKey, packet.AsSpan(0, plain.Length).ToArray().Concat(rolloverCounterBytes).ToArray());
            Assert.Equal(Convert.ToHexString(tag, 0, 10), Convert.ToHexString(packet, plain.Length, 10));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(9)]
    public void Rtp_WithAByteOfItsTagChanged_IsRefusedAndLeftAsItWas_AndTheGenuineOneStillPasses(int tagByte)
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        var genuine = Protect(sender, Rtp(7, 1, 40));
        var forged = (byte[])genuine.Clone();
        forged[^(10 - tagByte)] ^= 0x80;
        var offered = (byte[])forged.Clone();

        Assert.Equal(-1, receiver.UnprotectRtp(offered, offered.Length));

        Assert.Equal(Convert.ToHexString(forged), Convert.ToHexString(offered));
        Assert.Equal(52, Unprotect(receiver, genuine));
    }

    [Fact]
    public void Rtp_ForgedFarAhead_DoesNotMoveTheReplayWindow()
    {
        // Were a forged packet to move the window, every genuine packet after it would be "too old".
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        using var receiver = new SrtpContext(MasterKey, MasterSalt);
        Assert.True(Unprotect(receiver, Protect(sender, Rtp(7, 10, 20))) > 0);
        var forged = Protect(sender, Rtp(7, 10 + 1000, 20));
        forged[^1] ^= 0x01;

        Assert.Equal(-1, Unprotect(receiver, forged));

        Assert.True(Unprotect(receiver, Protect(sender, Rtp(7, 11, 20))) > 0);
    }

    [Fact]
    public void Rtcp_WithAnyPartChanged_IsRefused()
    {
        using var sender = new SrtpContext(MasterKey, MasterSalt);
        var report = new byte[28];
        report[0] = 0x80;
        report[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(report.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(4), 0x11223344);
        var buffer = new byte[64];
        report.CopyTo(buffer, 0);
        var length = sender.ProtectRtcp(buffer, report.Length);

        foreach (var changed in new[] { 10, report.Length + 1, length - 1 }) // payload, SRTCP index, tag
        {
            using var receiver = new SrtpContext(MasterKey, MasterSalt);
            var copy = buffer[..length];
            copy[changed] ^= 0x04;
            Assert.Equal(-1, receiver.UnprotectRtcp(copy, length));
        }
    }

    [Fact]
    public void ALengthBeyondTheBuffer_IsRefusedWithoutThrowing()
    {
        using var context = new SrtpContext(MasterKey, MasterSalt);
        var buffer = new byte[40];
        Rtp(7, 1, 20).CopyTo(buffer, 0);

        Assert.Equal(-1, context.UnprotectRtp(buffer, 50));
        Assert.Equal(-1, context.UnprotectRtcp(buffer, 50));
        Assert.Equal(-1, context.ProtectRtp(buffer, 45));
    }

    private static byte[] Rtp(uint ssrc, ushort sequence, int payload)
    {
        var packet = new byte[12 + payload];
        packet[0] = 0x80;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sequence * 160u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 0; i < payload; i++)
        {
            packet[12 + i] = (byte)(i * 7);
        }
        return packet;
    }

    private static byte[] Protect(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + 10];
        plain.CopyTo(buffer, 0);
        context.ProtectRtp(buffer, plain.Length);
        return buffer;
    }

    /// <summary>Unprotects a copy, so the same captured packet can be offered again (as a replay).</summary>
    private static int Unprotect(SrtpContext context, byte[] packet) => context.UnprotectRtp((byte[])packet.Clone(), packet.Length);
}

internal static class PacketExtensions
{
    public static int CopyToBuffer(this byte[] packet, byte[] buffer)
    {
        packet.CopyTo(buffer, 0);
        return packet.Length;
    }
}
