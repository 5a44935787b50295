using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The BXML verbs the emulator executes. Anything else, or a document that is not well-formed BXML, fails the call
/// with <c>invalid-bxml</c> as Bandwidth does.
/// </summary>
internal abstract record BxmlVerb
{
    public static IReadOnlyList<BxmlVerb> Parse(string? document)
    {
        if (string.IsNullOrWhiteSpace(document))
        {
            throw new InvalidBxmlException("The answer has no BXML.");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(document) > WebhookSender.MaxBxmlBytes)
        {
            throw new InvalidBxmlException("BXML is limited to 64 KB.");
        }
        XDocument xml;
        try
        {
            xml = XDocument.Parse(document, LoadOptions.None);
        }
        catch (XmlException exception)
        {
            throw new InvalidBxmlException($"Not well-formed XML: {exception.Message}");
        }
        if (xml.Root?.Name.LocalName != "Response")
        {
            throw new InvalidBxmlException("The root element must be <Response>.");
        }
        return [.. xml.Root.Elements().Select(Verb)];
    }

    private static BxmlVerb Verb(XElement element) => element.Name.LocalName switch
    {
        "SpeakSentence" => new SpeakSentence(element.Value.Trim()),
        "Pause" => new Pause(TimeSpan.FromSeconds(double.TryParse((string?)element.Attribute("duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 1)),
        "Hangup" => new Hangup(),
        "Transfer" => new Transfer([.. element.Elements("SipUri").Select(uri => new SipUri(uri.Value.Trim(), (string?)uri.Attribute("uui")))],
            [.. element.Elements("PhoneNumber").Select(number => number.Value.Trim())]),
        var unknown => throw new InvalidBxmlException($"The emulator does not execute <{unknown}>."),
    };
}

internal sealed record SpeakSentence(string Text) : BxmlVerb;

internal sealed record Pause(TimeSpan Duration) : BxmlVerb;

internal sealed record Hangup : BxmlVerb;

internal sealed record Transfer(IReadOnlyList<SipUri> SipUris, IReadOnlyList<string> PhoneNumbers) : BxmlVerb;

internal sealed record SipUri(string Uri, string? Uui)
{
    /// <summary>
    /// The device token in <c>uui</c>: <c>TOKEN;encoding=jwt</c>, optionally after <c>CALLID;encoding=base64,</c>
    /// (the call id without its first character and its dashes).
    /// </summary>
    public (string? Token, string? CallId) ReadUui()
    {
        string? token = null;
        string? callId = null;
        foreach (var part in (Uui ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(';', 2);
            var encoding = pieces.Length == 2 ? pieces[1].Trim() : string.Empty;
            if (encoding.Equals("encoding=jwt", StringComparison.OrdinalIgnoreCase))
            {
                token = pieces[0];
            }
            else if (encoding.Equals("encoding=base64", StringComparison.OrdinalIgnoreCase))
            {
                callId = pieces[0];
            }
        }
        return (token, callId);
    }
}

internal sealed class InvalidBxmlException(string message) : Exception(message);
