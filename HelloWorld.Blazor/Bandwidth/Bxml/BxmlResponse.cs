using System.Text;
using System.Xml;

namespace HelloWorld.Blazor.Bandwidth.Bxml;

/// <summary>
/// Writes BXML documents (<c>&lt;Response&gt;</c> with verbs) through <see cref="XmlWriter"/>, so every attribute and text is
/// escaped. Characters XML cannot carry at all (most control characters) become U+FFFD rather than breaking the document.
/// </summary>
public static class BxmlResponse
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = false,
        Indent = false,
    };

    public static string Write(params IEnumerable<BxmlVerb> verbs)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Response");
            foreach (var verb in verbs)
            {
                verb.WriteTo(writer);
            }
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }
        var cleaned = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                cleaned.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                cleaned.Append(text[i]).Append(text[++i]);
            }
            else
            {
                cleaned.Append('\uFFFD');
            }
        }
        return cleaned.ToString();
    }
}

/// <summary>One BXML verb, written into a <c>Response</c> by <see cref="BxmlResponse.Write"/>.</summary>
public sealed class BxmlVerb
{
    public const string DefaultVoice = "julie";

    private readonly Action<XmlWriter> _write;

    private BxmlVerb(Action<XmlWriter> write) => _write = write;

    public static BxmlVerb SpeakSentence(string sentence, string voice = DefaultVoice) => new(writer =>
    {
        writer.WriteStartElement("SpeakSentence");
        writer.WriteAttributeString("voice", BxmlResponse.Clean(voice));
        writer.WriteString(BxmlResponse.Clean(sentence));
        writer.WriteEndElement();
    });

    public static BxmlVerb Hangup() => new(writer =>
    {
        writer.WriteStartElement("Hangup");
        writer.WriteEndElement();
    });

    /// <summary>
    /// Moves the call into the WebRTC session as the participant whose device token this is, as Bandwidth's own SDK
    /// writes it: <c>uui="CALLID;encoding=base64,TOKEN;encoding=jwt"</c>, where CALLID is the Voice call id without its
    /// first character and its dashes; only <c>uui="TOKEN;encoding=jwt"</c> when there is no call id. With
    /// <paramref name="callbacks"/>, Bandwidth reports how the transfer went (see <see cref="TransferCallbacks"/>).
    /// </summary>
    public static BxmlVerb TransferToWebRtc(string sipUri, string deviceToken, string? callId = null, TransferCallbacks? callbacks = null) => new(writer =>
    {
        var token = $"{deviceToken};encoding=jwt";
        var uui = string.IsNullOrEmpty(callId) ? token : $"{UuiCallId(callId)};encoding=base64,{token}";
        writer.WriteStartElement("Transfer");
        if (callbacks is not null)
        {
            Attribute(writer, "transferCompleteUrl", callbacks.CompleteUrl);
            Attribute(writer, "transferCompleteMethod", "POST");
            Credentials(writer, callbacks);
        }
        writer.WriteStartElement("SipUri");
        writer.WriteAttributeString("uui", BxmlResponse.Clean(uui));
        if (callbacks is not null)
        {
            Attribute(writer, "transferAnswerUrl", callbacks.AnswerUrl);
            Attribute(writer, "transferAnswerMethod", "POST");
            Attribute(writer, "transferDisconnectUrl", callbacks.DisconnectUrl);
            Attribute(writer, "transferDisconnectMethod", "POST");
            Credentials(writer, callbacks);
        }
        writer.WriteString(BxmlResponse.Clean(sipUri));
        writer.WriteEndElement();
        writer.WriteEndElement();
    });

    private static void Credentials(XmlWriter writer, TransferCallbacks callbacks)
    {
        if (callbacks.Username is not null && callbacks.Password is not null)
        {
            Attribute(writer, "username", callbacks.Username);
            Attribute(writer, "password", callbacks.Password);
        }
    }

    private static void Attribute(XmlWriter writer, string name, string value) => writer.WriteAttributeString(name, BxmlResponse.Clean(value));

    /// <summary><c>c-15ac29a2-1331029c-...</c> → <c>15ac29a21331029c...</c></summary>
    public static string UuiCallId(string callId) => callId[1..].Replace("-", "", StringComparison.Ordinal);

    internal void WriteTo(XmlWriter writer) => _write(writer);
}

/// <summary>
/// Where Bandwidth reports how a <c>&lt;Transfer&gt;</c> into the WebRTC session went, all by POST. The attributes sit where
/// Bandwidth's BXML reference puts them: <c>transferCompleteUrl</c> (and its method and credentials) on
/// <c>&lt;Transfer&gt;</c>; <c>transferAnswerUrl</c> and <c>transferDisconnectUrl</c> (and theirs) on <c>&lt;SipUri&gt;</c>.
/// </summary>
/// <param name="AnswerUrl">transferAnswer: the leg into the session answered, so the phone is in the call.</param>
/// <param name="CompleteUrl">transferComplete: that leg ended; the answer is the BXML the phone's call runs next.</param>
/// <param name="DisconnectUrl">transferDisconnect: that leg ended, with its cause.</param>
/// <param name="Username">The webhook credentials, when configured; Bandwidth presents them after a 401 challenge.</param>
public sealed record TransferCallbacks(string AnswerUrl, string CompleteUrl, string DisconnectUrl, string? Username = null, string? Password = null)
{
    /// <summary>Without the password: a record's generated text would print it wherever this is logged.</summary>
    public override string ToString() => $"TransferCallbacks {{ AnswerUrl = {AnswerUrl}, CompleteUrl = {CompleteUrl}, DisconnectUrl = {DisconnectUrl}, Username = {Username} }}";
}
