using System.Globalization;
using System.Text;

namespace HelloWorld.Emulator.Signaling.Sdp;

/// <summary>
/// An SDP (RFC 8866) as WebRTC writes it: session lines, then media sections, each a list of typed lines kept in order.
/// Only what negotiation needs is interpreted; everything else round-trips untouched.
/// </summary>
internal sealed class SessionDescription
{
    public List<SdpLine> Lines { get; } = [];

    public List<MediaDescription> Media { get; } = [];

    /// <summary>Parses an SDP; throws <see cref="FormatException"/> for text that is not one.</summary>
    public static SessionDescription Parse(string sdp)
    {
        var description = new SessionDescription();
        MediaDescription? current = null;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != '=')
            {
                throw new FormatException($"Not an SDP line: '{Shorten(line)}'.");
            }
            var parsed = new SdpLine(line[0], line[2..]);
            if (parsed.Type == 'm')
            {
                current = MediaDescription.FromMediaLine(parsed.Value);
                description.Media.Add(current);
            }
            else if (current is null)
            {
                description.Lines.Add(parsed);
            }
            else
            {
                current.Lines.Add(parsed);
            }
        }
        if (description.Lines.Count == 0 || description.Lines[0].Type != 'v')
        {
            throw new FormatException("An SDP starts with a v= line.");
        }
        return description;
    }

    public string? Attribute(string name) => SdpLine.FindAttribute(Lines, name);

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var line in Lines)
        {
            text.Append(line).Append("\r\n");
        }
        foreach (var media in Media)
        {
            text.Append(media);
        }
        return text.ToString();
    }

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "…";
}

/// <summary>One <c>m=</c> section.</summary>
internal sealed class MediaDescription(string kind, int port, string protocol, IReadOnlyList<string> formats)
{
    public string Kind { get; } = kind;

    public int Port { get; } = port;

    public string Protocol { get; } = protocol;

    public IReadOnlyList<string> Formats { get; } = formats;

    public List<SdpLine> Lines { get; } = [];

    public string? Mid => Attribute("mid");

    /// <summary><c>sendonly</c>, <c>recvonly</c>, <c>sendrecv</c> or <c>inactive</c>; SDP's default is <c>sendrecv</c>.</summary>
    public string Direction => Lines.FirstOrDefault(l => l.Type == 'a' && l.Value is "sendonly" or "recvonly" or "sendrecv" or "inactive")?.Value ?? "sendrecv";

    public bool IsRejected => Port == 0;

    /// <summary>The stream and track of <c>a=msid:&lt;stream&gt; &lt;track&gt;</c>, if any.</summary>
    public (string StreamId, string? TrackId)? Msid
    {
        get
        {
            if (Attribute("msid") is not { } msid)
            {
                return null;
            }
            var parts = msid.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 0 ? null : (parts[0], parts.Length > 1 ? parts[1] : null);
        }
    }

    /// <summary>The SSRCs named by <c>a=ssrc:</c> lines, in order, each once.</summary>
    public IReadOnlyList<uint> Ssrcs =>
        [.. Attributes("ssrc").Select(value => value.Split(' ', 2)[0])
            .Select(id => uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc) ? (uint?)ssrc : null)
            .OfType<uint>().Distinct()];

    /// <summary>Payload type → <c>encoding/clock[/channels]</c> from <c>a=rtpmap</c>, for the formats of the m-line.</summary>
    public IReadOnlyList<RtpMap> RtpMaps =>
        [.. Attributes("rtpmap").Select(RtpMap.TryParse).OfType<RtpMap>().Where(map => Formats.Contains(map.PayloadType.ToString(CultureInfo.InvariantCulture)))];

    public string? Attribute(string name) => SdpLine.FindAttribute(Lines, name);

    public IEnumerable<string> Attributes(string name) => SdpLine.FindAttributes(Lines, name);

    public static MediaDescription FromMediaLine(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || !int.TryParse(parts[1].Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"Not an m= line: '{value}'.");
        }
        return new MediaDescription(parts[0], port, parts[2], parts[3..]);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"m={Kind} {Port} {Protocol} {string.Join(' ', Formats)}\r\n");
        foreach (var line in Lines)
        {
            text.Append(line).Append("\r\n");
        }
        return text.ToString();
    }
}

internal sealed record SdpLine(char Type, string Value)
{
    public override string ToString() => $"{Type}={Value}";

    public static string? FindAttribute(IEnumerable<SdpLine> lines, string name) => FindAttributes(lines, name).FirstOrDefault();

    public static IEnumerable<string> FindAttributes(IEnumerable<SdpLine> lines, string name)
    {
        foreach (var line in lines)
        {
            if (line.Type != 'a')
            {
                continue;
            }
            if (line.Value == name)
            {
                yield return string.Empty;
            }
            else if (line.Value.Length > name.Length && line.Value[name.Length] == ':' && line.Value.StartsWith(name, StringComparison.Ordinal))
            {
                yield return line.Value[(name.Length + 1)..];
            }
        }
    }
}

/// <summary><c>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock&gt;[/&lt;channels&gt;]</c></summary>
internal sealed record RtpMap(byte PayloadType, string Encoding, int ClockRate, int Channels)
{
    public static RtpMap? TryParse(string value)
    {
        var parts = value.Split(' ', 2);
        if (parts.Length != 2 || !byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType) || payloadType > 127)
        {
            return null;
        }
        var encoding = parts[1].Split('/');
        if (encoding.Length < 2 || !int.TryParse(encoding[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clock))
        {
            return null;
        }
        var channels = encoding.Length > 2 && int.TryParse(encoding[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 1;
        return new RtpMap(payloadType, encoding[0], clock, channels);
    }

    public bool Is(string encoding, int clockRate) => Encoding.Equals(encoding, StringComparison.OrdinalIgnoreCase) && ClockRate == clockRate;
}
