using System.Net;
using System.Runtime.InteropServices;

namespace HelloWorld.Emulator.Media.Transport;

/// <summary>
/// Which connection a datagram's source address belongs to: looked up by the media socket's receive thread for every
/// datagram, changed only when ICE learns or loses an address. The addresses' bytes are the keys, held with their values
/// in one array of structs searched by linear probing, so that a lookup reads one or two cache lines of that array. A
/// dictionary keyed by <see cref="SocketAddress"/> reads its tables, a bucket, a node, the key object and the key's
/// buffer, and after the milliseconds between two audio packets each of them comes back from memory (bench/README.md).
/// Readers take no lock: every change builds a new array under the writers' lock and publishes it whole.
/// </summary>
internal sealed class AddressTable<T> where T : class
{
    // IPv6's sockaddr_in6 is 28 bytes, IPv4's 16; the key holds either, zero-padded. The family is in the first bytes, so
    // an IPv4 and an IPv6 address never share a key.
    private const int KeyLength = 32;

    private readonly Lock _gate = new();
    private volatile Entry[] _entries = new Entry[MinimumCapacity];
    private const int MinimumCapacity = 8;

    /// <summary>Addresses mapped now.</summary>
    public int Count { get; private set; }

    /// <summary>The value mapped to <paramref name="address"/>, or null.</summary>
    public T? Find(SocketAddress address)
    {
        if (!Key.TryCreate(address, out var key))
        {
            return null;
        }
        var entries = _entries;
        var mask = entries.Length - 1;
        // At most half the slots are used, so an absent address meets an empty slot within a few probes.
        for (var slot = key.Hash() & mask; ; slot = (slot + 1) & mask)
        {
            ref readonly var entry = ref entries[slot];
            if (entry.Value is null)
            {
                return null;
            }
            if (entry.Key.Equals(key))
            {
                return entry.Value;
            }
        }
    }

    /// <summary>Maps <paramref name="address"/> to <paramref name="value"/>, replacing what it was mapped to.</summary>
    public void Set(SocketAddress address, T value)
    {
        if (!Key.TryCreate(address, out var key))
        {
            throw new ArgumentException($"Only addresses of up to {KeyLength} bytes (IPv4, IPv6) are mapped.", nameof(address));
        }
        lock (_gate)
        {
            Publish([.. Live().Where(entry => !entry.Key.Equals(key)), new Entry(key, value)]);
        }
    }

    /// <summary>Forgets <paramref name="address"/> if it is mapped to <paramref name="value"/>; true when it was.</summary>
    public bool Remove(SocketAddress address, T value)
    {
        if (!Key.TryCreate(address, out var key))
        {
            return false;
        }
        lock (_gate)
        {
            var live = Live().ToList();
            var removed = live.RemoveAll(entry => entry.Key.Equals(key) && ReferenceEquals(entry.Value, value)) > 0;
            if (removed)
            {
                Publish(live);
            }
            return removed;
        }
    }

    private IEnumerable<Entry> Live() => _entries.Where(entry => entry.Value is not null);

    // Called with _gate held.
    private void Publish(IReadOnlyCollection<Entry> live)
    {
        var capacity = MinimumCapacity;
        while (capacity < 2 * live.Count)
        {
            capacity *= 2;
        }
        var entries = new Entry[capacity];
        var mask = capacity - 1;
        foreach (var entry in live)
        {
            var slot = entry.Key.Hash() & mask;
            while (entries[slot].Value is not null)
            {
                slot = (slot + 1) & mask;
            }
            entries[slot] = entry;
        }
        Count = live.Count;
        _entries = entries;
    }

    private readonly record struct Entry(Key Key, T? Value);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Key : IEquatable<Key>
    {
        private readonly ulong _a, _b, _c, _d;

        private Key(ReadOnlySpan<ulong> words) => (_a, _b, _c, _d) = (words[0], words[1], words[2], words[3]);

        public static bool TryCreate(SocketAddress address, out Key key)
        {
            if (address.Size > KeyLength)
            {
                key = default;
                return false;
            }
            Span<ulong> words = stackalloc ulong[KeyLength / sizeof(ulong)];
            words.Clear();
            address.Buffer.Span[..address.Size].CopyTo(MemoryMarshal.AsBytes(words));
            key = new Key(words);
            return true;
        }

        // Not keyed against flooding: only an address that passed an authenticated STUN check is ever mapped, and a
        // lookup of any other stops at the first empty slot of a table kept at most half full.
        public int Hash()
        {
            var mixed = (_a ^ _b * 0x9E3779B97F4A7C15 ^ _c * 0xC2B2AE3D27D4EB4F ^ _d) * 0x9E3779B97F4A7C15;
            return (int)(mixed >> 40);
        }

        public bool Equals(Key other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => Hash();
    }
}
