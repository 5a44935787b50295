using System.Net;
using HelloWorld.Emulator.Media.Transport;

namespace HelloWorld.Emulator.Tests.Media.Transport;

public sealed class AddressTableTests
{
    private sealed class Peer;

    private static SocketAddress V4(string address, int port) => new IPEndPoint(IPAddress.Parse(address), port).Serialize();

    [Fact]
    public void Find_ReturnsThePeerMappedToTheAddress_AndNothingForAnotherPortOrHost()
    {
        var table = new AddressTable<Peer>();
        var peer = new Peer();

        table.Set(V4("127.0.0.1", 5000), peer);

        Assert.Same(peer, table.Find(V4("127.0.0.1", 5000)));
        Assert.Null(table.Find(V4("127.0.0.1", 5001)));
        Assert.Null(table.Find(V4("127.0.0.2", 5000)));
    }

    [Fact]
    public void Find_TellsIPv6AddressesApart_ByEveryByteOfTheAddress()
    {
        var table = new AddressTable<Peer>();
        var (first, second) = (new Peer(), new Peer());

        table.Set(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 5000).Serialize(), first);
        table.Set(new IPEndPoint(IPAddress.Parse("2001:db8::2"), 5000).Serialize(), second);

        Assert.Same(first, table.Find(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 5000).Serialize()));
        Assert.Same(second, table.Find(new IPEndPoint(IPAddress.Parse("2001:db8::2"), 5000).Serialize()));
        // The address's last bytes sit past the first 16 of the sockaddr: a key that ignored them would confuse these.
        Assert.Null(table.Find(new IPEndPoint(IPAddress.Parse("2001:db8::3"), 5000).Serialize()));
    }

    [Fact]
    public void Set_MovesAnAddressToItsNewPeer()
    {
        var table = new AddressTable<Peer>();
        var (old, current) = (new Peer(), new Peer());

        table.Set(V4("10.0.0.1", 4000), old);
        table.Set(V4("10.0.0.1", 4000), current);

        Assert.Same(current, table.Find(V4("10.0.0.1", 4000)));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Remove_ForgetsTheAddress_OnlyWhenItStillBelongsToThatPeer()
    {
        var table = new AddressTable<Peer>();
        var (leaving, arrived) = (new Peer(), new Peer());
        table.Set(V4("10.0.0.1", 4000), arrived);

        // A connection that lost the address to another one must not take it from the other when it closes.
        Assert.False(table.Remove(V4("10.0.0.1", 4000), leaving));
        Assert.Same(arrived, table.Find(V4("10.0.0.1", 4000)));

        Assert.True(table.Remove(V4("10.0.0.1", 4000), arrived));
        Assert.Null(table.Find(V4("10.0.0.1", 4000)));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void ManyAddresses_AreEachFoundWhileTheTableGrowsAndShrinks()
    {
        var table = new AddressTable<Peer>();
        var peers = Enumerable.Range(0, 300).Select(i => (Address: V4($"10.0.{i / 100}.{i % 100}", 20000 + i % 7), Peer: new Peer())).ToList();

        peers.ForEach(entry => table.Set(entry.Address, entry.Peer));
        foreach (var (address, peer) in peers)
        {
            Assert.Same(peer, table.Find(address));
        }
        foreach (var (address, peer) in peers.Where((_, i) => i % 2 == 0))
        {
            table.Remove(address, peer);
        }

        Assert.Equal(150, table.Count);
        foreach (var (i, (address, peer)) in peers.Index())
        {
            Assert.Equal(i % 2 == 0 ? null : peer, table.Find(address));
        }
    }
}
