using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace HelloWorld.Emulator.Media.Ice;

/// <summary>
/// The STUN (RFC 5389) an ICE-lite agent needs: read a Binding request, check its MESSAGE-INTEGRITY (short-term
/// credentials, keyed with the local ICE password) and FINGERPRINT, and write the success response. Also the request
/// side, for whatever plays the browser against the emulator.
/// </summary>
internal static class StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccess = 0x0101;

    private const ushort Username = 0x0006;
    private const ushort MessageIntegrity = 0x0008;
    private const ushort XorMappedAddress = 0x0020;
    private const ushort UseCandidate = 0x0025;
    private const ushort Fingerprint = 0x8028;
    private const uint FingerprintXor = 0x5354554E;
    private const int IntegrityLength = 20;

    /// <summary>A STUN message starts with two zero bits and carries the magic cookie (RFC 7983 puts it at first byte 0-3).</summary>
    public static bool IsStun(ReadOnlySpan<byte> packet) =>
        packet.Length >= HeaderLength && packet[0] < 4 &&
        BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) == MagicCookie &&
        HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) == packet.Length;

    /// <summary>Reads a Binding request's USERNAME (<c>local:remote</c> for ICE) and USE-CANDIDATE; false for anything else.</summary>
    public static bool TryReadBindingRequest(ReadOnlySpan<byte> packet, out string username, out bool useCandidate)
    {
        username = string.Empty;
        useCandidate = false;
        if (!IsStun(packet) || BinaryPrimitives.ReadUInt16BigEndian(packet) != BindingRequest)
        {
            return false;
        }
        var found = false;
        foreach (var (type, offset, length) in Attributes(packet))
        {
            if (type == Username)
            {
                username = Encoding.UTF8.GetString(packet.Slice(offset, length));
                found = true;
            }
            else if (type == UseCandidate)
            {
                useCandidate = true;
            }
        }
        return found;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1 keyed with <paramref name="password"/> over the message up to it, with the
    /// length field covering it) and, when present, FINGERPRINT (CRC-32 of the message up to it, XOR 0x5354554E).
    /// </summary>
    public static bool IsAuthentic(ReadOnlySpan<byte> packet, string password)
    {
        var integrityOffset = -1;
        foreach (var (type, offset, length) in Attributes(packet))
        {
            if (type == MessageIntegrity && length == IntegrityLength)
            {
                integrityOffset = offset - 4;
            }
            else if (type == Fingerprint)
            {
                if (length != 4 || !FingerprintMatches(packet, offset - 4))
                {
                    return false;
                }
            }
        }
        if (integrityOffset < 0)
        {
            return false;
        }
        Span<byte> signed = stackalloc byte[integrityOffset];
        packet[..integrityOffset].CopyTo(signed);
        BinaryPrimitives.WriteUInt16BigEndian(signed[2..], (ushort)(integrityOffset + 4 + IntegrityLength - HeaderLength));
        Span<byte> mac = stackalloc byte[IntegrityLength];
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), signed, mac);
        return CryptographicOperations.FixedTimeEquals(mac, packet.Slice(integrityOffset + 4, IntegrityLength));
    }

    /// <summary>Writes the Binding success response to <paramref name="request"/> into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteBindingSuccess(ReadOnlySpan<byte> request, IPEndPoint mapped, string password, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, BindingSuccess);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], MagicCookie);
        request.Slice(8, 12).CopyTo(destination[8..]);
        var length = HeaderLength;

        // XOR-MAPPED-ADDRESS: the port XORed with the cookie's top half, the address with the cookie (and the transaction id for IPv6).
        var address = mapped.Address.IsIPv4MappedToIPv6 ? mapped.Address.MapToIPv4() : mapped.Address;
        var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = ipv6 ? 16 : 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], XorMappedAddress);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 2)..], (ushort)(4 + addressLength));
        destination[length + 4] = 0;
        destination[length + 5] = ipv6 ? (byte)0x02 : (byte)0x01;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 6)..], (ushort)(mapped.Port ^ (MagicCookie >> 16)));
        var addressBytes = destination.Slice(length + 8, addressLength);
        address.TryWriteBytes(addressBytes, out _);
        for (var i = 0; i < addressLength; i++)
        {
            addressBytes[i] ^= destination[4 + i]; // cookie, then the transaction id: the header's bytes 4..19
        }
        length += 8 + addressLength;

        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length + 4 + IntegrityLength - HeaderLength));
        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], MessageIntegrity);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 2)..], IntegrityLength);
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), destination[..length], destination.Slice(length + 4, IntegrityLength));
        length += 4 + IntegrityLength;

        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length + 8 - HeaderLength));
        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], Fingerprint);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(length + 2)..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(length + 4)..], Crc32.HashToUInt32(destination[..length]) ^ FingerprintXor);
        return length + 8;
    }

    /// <summary>
    /// A Binding request as a browser's ICE agent sends it: USERNAME, USE-CANDIDATE when it nominates, and
    /// MESSAGE-INTEGRITY keyed with the answering side's ICE password. The emulator (ICE-lite) never sends one; tests and
    /// the relay benchmark play the browser with it.
    /// </summary>
    public static byte[] WriteBindingRequest(string username, string password, bool useCandidate)
    {
        var user = Encoding.UTF8.GetBytes(username);
        var padded = (user.Length + 3) & ~3;
        var integrityOffset = HeaderLength + 4 + padded + (useCandidate ? 4 : 0);
        var message = new byte[integrityOffset + 4 + IntegrityLength];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, BindingRequest);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)(message.Length - HeaderLength)); // covers MESSAGE-INTEGRITY, as its HMAC requires
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], MagicCookie);
        RandomNumberGenerator.Fill(span.Slice(8, 12));
        BinaryPrimitives.WriteUInt16BigEndian(span[HeaderLength..], Username);
        BinaryPrimitives.WriteUInt16BigEndian(span[(HeaderLength + 2)..], (ushort)user.Length);
        user.CopyTo(span[(HeaderLength + 4)..]);
        if (useCandidate)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[(integrityOffset - 4)..], UseCandidate); // no value: length 0
        }
        BinaryPrimitives.WriteUInt16BigEndian(span[integrityOffset..], MessageIntegrity);
        BinaryPrimitives.WriteUInt16BigEndian(span[(integrityOffset + 2)..], IntegrityLength);
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), span[..integrityOffset], span.Slice(integrityOffset + 4, IntegrityLength));
        return message;
    }

    /// <summary>Reads XOR-MAPPED-ADDRESS from a response (for tests and diagnostics).</summary>
    public static IPEndPoint? ReadXorMappedAddress(ReadOnlySpan<byte> packet)
    {
        foreach (var (type, offset, length) in Attributes(packet))
        {
            if (type != XorMappedAddress || length < 8)
            {
                continue;
            }
            var port = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) ^ (int)(MagicCookie >> 16);
            var addressLength = packet[offset + 1] == 0x02 ? 16 : 4;
            Span<byte> address = stackalloc byte[addressLength];
            for (var i = 0; i < addressLength; i++)
            {
                address[i] = (byte)(packet[offset + 4 + i] ^ packet[4 + i]);
            }
            return new IPEndPoint(new IPAddress(address), port);
        }
        return null;
    }

    private static bool FingerprintMatches(ReadOnlySpan<byte> packet, int fingerprintOffset)
    {
        Span<byte> covered = stackalloc byte[fingerprintOffset];
        packet[..fingerprintOffset].CopyTo(covered);
        BinaryPrimitives.WriteUInt16BigEndian(covered[2..], (ushort)(fingerprintOffset + 8 - HeaderLength));
        return (Crc32.HashToUInt32(covered) ^ FingerprintXor) == BinaryPrimitives.ReadUInt32BigEndian(packet[(fingerprintOffset + 4)..]);
    }

    /// <summary>(type, value offset, value length) of each attribute, in order; stops at a malformed one.</summary>
    private static List<(ushort Type, int Offset, int Length)> Attributes(ReadOnlySpan<byte> packet)
    {
        var attributes = new List<(ushort, int, int)>(8);
        var end = Math.Min(packet.Length, HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        var position = HeaderLength;
        while (position + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(packet[position..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(position + 2)..]);
            if (position + 4 + length > end)
            {
                break;
            }
            attributes.Add((type, position + 4, length));
            position += 4 + ((length + 3) & ~3);
        }
        return attributes;
    }
}
