namespace HelloWorld.Emulator.Media.Audio;

/// <summary>
/// What a simulated phone says: a speech-like pattern (a 440 Hz tone with a syllable-rate envelope, a breath of silence
/// every two seconds) in 20 ms PCMU frames. Audible and easy to detect, yet clearly not silence when measured.
/// </summary>
internal sealed class PhoneVoice(double frequency = 440, double amplitude = 0.3)
{
    private long _sample;

    public void NextFrame(Span<byte> frame)
    {
        for (var i = 0; i < frame.Length; i++, _sample++)
        {
            var seconds = (double)_sample / Pcmu.ClockRate;
            var inPause = seconds % 2.0 >= 1.6;
            var envelope = inPause ? 0 : 0.55 + 0.45 * Math.Sin(2 * Math.PI * 4 * seconds);
            var value = amplitude * envelope * Math.Sin(2 * Math.PI * frequency * seconds);
            frame[i] = Pcmu.Encode((short)(value * short.MaxValue));
        }
    }
}
