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
        "Transfer" => new Transfer([.. element.Elements("SipUri").Select(ReadSipUri)], [.. element.Elements("PhoneNumber").Select(number => number.Value.Trim())])
        {
            TransferCallerId = (string?)element.Attribute("transferCallerId"),
            Complete = Webhook(element, "transferCompleteUrl", "transferCompleteMethod", "username", "password"),
            CompleteFallback = Webhook(element, "transferCompleteFallbackUrl", "transferCompleteFallbackMethod", "fallbackUsername", "fallbackPassword"),
            Tag = (string?)element.Attribute("tag"),
        },
        var unknown => throw new InvalidBxmlException($"The emulator does not execute <{unknown}>."),
    };

    /// <summary>Bandwidth's SipUri attributes: the uui, and the transferAnswer and transferDisconnect webhooks of its leg.</summary>
    private static SipUri ReadSipUri(XElement uri) => new(uri.Value.Trim(), (string?)uri.Attribute("uui"))
    {
        Answer = Webhook(uri, "transferAnswerUrl", "transferAnswerMethod", "username", "password"),
        AnswerFallback = Webhook(uri, "transferAnswerFallbackUrl", "transferAnswerFallbackMethod", "fallbackUsername", "fallbackPassword"),
        // The SipUri's username and password serve both its transferAnswerUrl and its transferDisconnectUrl.
        Disconnect = Webhook(uri, "transferDisconnectUrl", "transferDisconnectMethod", "username", "password"),
        Tag = (string?)uri.Attribute("tag"),
    };

    /// <summary>
    /// A webhook a verb names: its URL (absolute http(s), or relative to the URL the BXML came from), its method (GET or
    /// POST, POST by default) and the credentials to present when challenged. <c>null</c> without a URL.
    /// </summary>
    private static WebhookTarget? Webhook(XElement element, string url, string method, string username, string password)
    {
        if ((string?)element.Attribute(url) is not { } address)
        {
            return null;
        }
        var isHttp = Uri.TryCreate(address, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https";
        if (address.Length is 0 or > 2048 || (!isHttp && !Uri.TryCreate(address, UriKind.Relative, out _)))
        {
            throw new InvalidBxmlException($"<{element.Name.LocalName}> {url} must be an http or https URL, or a relative one.");
        }
        var verb = (string?)element.Attribute(method) ?? "POST";
        if (verb is not ("GET" or "POST"))
        {
            throw new InvalidBxmlException($"<{element.Name.LocalName}> {method} must be GET or POST, not '{verb}'.");
        }
        return new WebhookTarget(address, verb, (string?)element.Attribute(username), (string?)element.Attribute(password));
    }
}

internal sealed record SpeakSentence(string Text) : BxmlVerb;

internal sealed record Pause(TimeSpan Duration) : BxmlVerb;

internal sealed record Hangup : BxmlVerb;

/// <summary>
/// <c>&lt;Transfer&gt;</c> and what Bandwidth's BXML reference puts on it: the caller id of the new leg, the
/// transferComplete webhook (sent when the new leg ends, its BXML run on this call) and a tag for later webhooks.
/// </summary>
internal sealed record Transfer(IReadOnlyList<SipUri> SipUris, IReadOnlyList<string> PhoneNumbers) : BxmlVerb
{
    public string? TransferCallerId { get; init; }

    public WebhookTarget? Complete { get; init; }

    public WebhookTarget? CompleteFallback { get; init; }

    public string? Tag { get; init; }
}

/// <summary>A SIP destination of a Transfer, with the webhooks of the leg to it: transferAnswer (synchronous) and transferDisconnect.</summary>
internal sealed record SipUri(string Uri, string? Uui)
{
    public WebhookTarget? Answer { get; init; }

    public WebhookTarget? AnswerFallback { get; init; }

    public WebhookTarget? Disconnect { get; init; }

    public string? Tag { get; init; }

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
