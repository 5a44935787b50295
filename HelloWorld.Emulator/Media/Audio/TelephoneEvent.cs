namespace HelloWorld.Emulator.Media.Audio;

/// <summary>RFC 4733 telephone-events: the DTMF digits the SDK's <c>sendDtmf</c> puts into the call.</summary>
internal static class TelephoneEvent
{
    private const string Digits = "0123456789*#ABCD";

    /// <summary>The digit of an event payload, and whether this packet ends the event (E bit).</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out char digit, out bool end)
    {
        digit = default;
        end = false;
        if (payload.Length < 4 || payload[0] >= Digits.Length)
        {
            return false;
        }
        digit = Digits[payload[0]];
        end = (payload[1] & 0x80) != 0;
        return true;
    }
}
