namespace HelloWorld.Emulator.Control;

/// <summary>
/// Which request paths a fault rule applies to: a plain prefix (<c>/emulator/webrtc/v1/</c>), or a glob matched against
/// the whole path where <c>*</c> stands for any run of characters inside one segment and <c>**</c> for any run across
/// segments (<c>**/participants</c>, <c>/emulator/voice/api/v2/accounts/*/calls</c>). Not a regular expression: forty
/// backtracking expressions made every emulated request take seconds. Matching takes time proportional to the path's
/// length times the pattern's, whatever either holds.
/// </summary>
internal sealed class PathPattern
{
    public const int MaxLength = 256;

    private readonly string _pattern;
    private readonly bool _isGlob;

    private PathPattern(string pattern)
    {
        _pattern = pattern;
        _isGlob = pattern.Contains('*', StringComparison.Ordinal);
    }

    /// <summary>The pattern, or why it is not one (a message for whoever wrote the rule).</summary>
    public static (PathPattern? Pattern, string? Problem) Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (null, "pathPattern is required: a path prefix such as /emulator/webrtc/v1/ or a glob such as **/participants.");
        }
        if (text.Length > MaxLength)
        {
            return (null, $"pathPattern is at most {MaxLength} characters.");
        }
        if (text[0] is not ('/' or '*'))
        {
            return (null, $"pathPattern '{text}' must start with / (a path prefix or glob) or with * (a glob such as **/participants).");
        }
        if (text.IndexOfAny(RegexOnly) >= 0)
        {
            return (null, $"pathPattern '{text}' is a path prefix or a glob (* and **), not a regular expression: " +
                          "write /emulator/webrtc/v1/ for ^/emulator/webrtc/v1/, and **/participants for /participants$.");
        }
        if (text.Contains("***", StringComparison.Ordinal))
        {
            return (null, $"pathPattern '{text}' has more than two * in a row: * is within one segment, ** across segments.");
        }
        return (new PathPattern(text), null);
    }

    /// <summary>Characters a path glob never needs and a regular expression often has; refused so an old regex rule fails loudly.</summary>
    private static readonly char[] RegexOnly = ['^', '$', '(', ')', '[', ']', '{', '}', '|', '+', '\\', '?'];

    public bool IsMatch(string path) => _isGlob ? GlobMatches(path) : path.StartsWith(_pattern, StringComparison.Ordinal);

    /// <summary>
    /// Dynamic programming over (pattern position, path position), one row at a time: no backtracking, so no input makes
    /// it slow. <c>matched[j]</c> says whether the pattern read so far matches the first <c>j</c> characters of the path.
    /// </summary>
    private bool GlobMatches(string path)
    {
        var matched = new bool[path.Length + 1];
        matched[0] = true;
        var i = 0;
        while (i < _pattern.Length)
        {
            if (_pattern[i] == '*')
            {
                var crossesSegments = i + 1 < _pattern.Length && _pattern[i + 1] == '*';
                // A star extends any match it follows over the characters it may stand for.
                for (var j = 1; j <= path.Length; j++)
                {
                    matched[j] |= matched[j - 1] && (crossesSegments || path[j - 1] != '/');
                }
                i += crossesSegments ? 2 : 1;
                continue;
            }
            for (var j = path.Length; j >= 1; j--)
            {
                matched[j] = matched[j - 1] && path[j - 1] == _pattern[i];
            }
            matched[0] = false;
            i++;
        }
        return matched[path.Length];
    }

    public override string ToString() => _pattern;
}
