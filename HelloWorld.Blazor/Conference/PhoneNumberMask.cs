namespace HelloWorld.Blazor.Conference;

/// <summary>
/// How a tab shows a phone number of a call it did not place: enough to tell calls apart, not enough to reveal whose
/// phone it is. Exactly:
/// <list type="bullet">
/// <item>fewer than 8 digits (short codes, "anonymous", SIP addresses, empty): <c>•••••</c> alone;</item>
/// <item>otherwise <c>•••••</c> and the last four digits, after <c>+</c> and the first digit when the text is E.164 with
/// 10 or more digits (<c>+19195550123</c> → <c>+1•••••0123</c>), after a bare <c>+</c> for shorter E.164
/// (<c>+12345678</c> → <c>+•••••5678</c>), and after nothing when it is not E.164 (<c>19195550123</c> → <c>•••••0123</c>).</item>
/// </list>
/// The dots are always five, whatever the length; no text other than digits is ever shown, so a webhook's invented
/// <c>from</c> cannot reach another visitor's page.
/// </summary>
public static class PhoneNumberMask
{
    public const string Hidden = "•••••";

    public static string Mask(string? number)
    {
        var digits = string.Concat((number ?? "").Where(char.IsAsciiDigit));
        if (digits.Length < 8)
        {
            return Hidden;
        }
        var isE164 = number![0] == '+' && digits.Length == number.Length - 1;
        var prefix = !isE164 ? "" : digits.Length >= 10 ? "+" + digits[0] : "+";
        return prefix + Hidden + digits[^4..];
    }
}
