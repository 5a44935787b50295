using System.Text.RegularExpressions;

namespace HelloWorld.Emulator;

/// <summary>
/// Phone numbers as Bandwidth writes them: a plus, a leading digit 1-9, at most 15 digits in all. Anchored with <c>\z</c>:
/// <c>$</c> also matches before a final newline, which let <c>+19195550123\n</c> through.
/// </summary>
internal static partial class E164
{
    public static bool IsMatch(string? number) => number is not null && Pattern().IsMatch(number);

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex Pattern();
}
