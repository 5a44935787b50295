namespace HelloWorld.Emulator.Media.Audio;

/// <summary>The loudness of PCMU audio: RMS of the decoded samples, 0 (silence) to 1 (full scale).</summary>
internal static class AudioLevel
{
    public static double OfPcmu(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return 0;
        }
        double sum = 0;
        foreach (var encoded in payload)
        {
            double sample = Pcmu.Decode(encoded) / 32768.0;
            sum += sample * sample;
        }
        return Math.Sqrt(sum / payload.Length);
    }
}
