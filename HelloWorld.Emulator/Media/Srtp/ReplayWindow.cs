namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>RFC 3711 §3.3.2: accepts each index once, and none older than 64 behind the highest.</summary>
internal struct ReplayWindow
{
    public const int Size = 64;

    private ulong _seen;

    public ulong Highest { get; private set; }

    public readonly bool MayAccept(ulong index)
    {
        if (index > Highest)
        {
            return true;
        }
        var behind = Highest - index;
        return behind < Size && (_seen & (1UL << (int)behind)) == 0;
    }

    public void Accept(ulong index, bool first)
    {
        if (first)
        {
            Highest = index;
            _seen = 1;
        }
        else if (index > Highest)
        {
            var ahead = index - Highest;
            _seen = ahead >= Size ? 1 : (_seen << (int)ahead) | 1;
            Highest = index;
        }
        else
        {
            _seen |= 1UL << (int)(Highest - index);
        }
    }
}
