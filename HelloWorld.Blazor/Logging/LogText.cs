using System.Globalization;
using System.Text;

namespace HelloWorld.Blazor.Logging;

/// <summary>
/// Makes text that came from outside (a webhook's field, a header, what the browser sent, Bandwidth's error text) safe to
/// put in a log line: a newline in a caller's number must not start a forged log line, and an escape sequence must not
/// repaint an operator's terminal. Pass every such value through <see cref="Escape"/> at the call site of the log method.
/// </summary>
public static class LogText
{
    /// <summary>Longer text is cut here (with a note of how much was left out), so one value cannot flood a log.</summary>
    public const int DefaultMaxLength = 256;

    /// <summary>
    /// The text with every control character written as an escape (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\u001b</c>, and
    /// the Unicode line and paragraph separators), the backslash doubled so an escape cannot be faked, and cut to
    /// <paramref name="maxLength"/> characters. <c>null</c> becomes <c>(none)</c>.
    /// </summary>
    public static string Escape(string? text, int maxLength = DefaultMaxLength)
    {
        if (text is null)
        {
            return "(none)";
        }
        var cut = text.Length > maxLength;
        var shown = cut ? text.AsSpan(0, maxLength) : text.AsSpan();
        if (!cut && !NeedsEscaping(shown))
        {
            return text;
        }
        var escaped = new StringBuilder(shown.Length + 16);
        foreach (var character in shown)
        {
            switch (character)
            {
                case '\\':
                    escaped.Append(@"\\");
                    break;
                case '\n':
                    escaped.Append(@"\n");
                    break;
                case '\r':
                    escaped.Append(@"\r");
                    break;
                case '\t':
                    escaped.Append(@"\t");
                    break;
                default:
                    if (IsUnsafe(character))
                    {
                        escaped.Append(@"\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        escaped.Append(character);
                    }
                    break;
            }
        }
        if (cut)
        {
            escaped.Append("…(").Append((text.Length - maxLength).ToString(CultureInfo.InvariantCulture)).Append(" more characters)");
        }
        return escaped.ToString();
    }

    private static bool NeedsEscaping(ReadOnlySpan<char> text)
    {
        foreach (var character in text)
        {
            if (character == '\\' || IsUnsafe(character))
            {
                return true;
            }
        }
        return false;
    }

    // C0 and C1 controls and DEL, the line and paragraph separators some viewers break lines at, and the bidirectional
    // overrides that make a line read differently from what it holds.
    private static bool IsUnsafe(char character) =>
        char.IsControl(character) || character is '\u2028' or '\u2029' || character is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
}
