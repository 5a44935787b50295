namespace HelloWorld.Emulator.Media.Audio;

/// <summary>G.711 μ-law (PCMU, RTP payload type 0): what every phone network and every browser speaks.</summary>
internal static class Pcmu
{
    public const byte PayloadType = 0;
    public const int ClockRate = 8000;
    public const int SamplesPerFrame = 160; // 20 ms

    private const int Bias = 0x84;
    private const int Clip = 32635;

    private static readonly short[] DecodeTable = CreateDecodeTable();

    public static byte Encode(short sample)
    {
        var sign = sample < 0 ? 0x80 : 0;
        var magnitude = Math.Min(Math.Abs((int)sample), Clip) + Bias;
        var exponent = 7;
        for (var mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }
        var mantissa = (magnitude >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static short Decode(byte encoded) => DecodeTable[encoded];

    private static short[] CreateDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var value = ~i;
            var magnitude = ((((value & 0x0F) << 3) + Bias) << ((value & 0x70) >> 4)) - Bias;
            table[i] = (short)((value & 0x80) != 0 ? -magnitude : magnitude);
        }
        return table;
    }
}
