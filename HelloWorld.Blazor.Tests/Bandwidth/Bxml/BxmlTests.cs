using System.Xml.Linq;
using HelloWorld.Blazor.Bandwidth.Bxml;

namespace HelloWorld.Blazor.Tests.Bandwidth.Bxml;

public sealed class BxmlTests
{
    private const string SipUri = "sip:sipx.webrtc.bandwidth.com:5060";
    private const string CallId = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85";
    private const string Token = "eyJhbGciOiJIUzI1NiJ9.eyJ2IjoiVjMifQ.sig";

    [Fact]
    public void Transfer_WithACallId_CarriesTheCallIdAndTheToken()
    {
        var bxml = BxmlResponse.Write(BxmlVerb.TransferToWebRtc(SipUri, Token, CallId));

        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Response><Transfer><SipUri uui="15ac29a21331029c2cb04a07b215b22865662d85;encoding=base64,eyJhbGciOiJIUzI1NiJ9.eyJ2IjoiVjMifQ.sig;encoding=jwt">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer></Response>""",
            bxml);
    }

    [Fact]
    public void Transfer_WithoutACallId_CarriesOnlyTheToken()
    {
        var bxml = BxmlResponse.Write(BxmlVerb.TransferToWebRtc(SipUri, Token));

        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Response><Transfer><SipUri uui="eyJhbGciOiJIUzI1NiJ9.eyJ2IjoiVjMifQ.sig;encoding=jwt">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer></Response>""",
            bxml);
    }

    [Fact]
    public void Transfer_WithCallbacks_AsksForTransferCompleteOnTheTransfer_AndTransferAnswerAndDisconnectOnTheSipUri_AllByPostWithCredentials()
    {
        var callbacks = new TransferCallbacks("https://app.example.com/transferAnswer", "https://app.example.com/transferComplete",
            "https://app.example.com/transferDisconnect", "hook-user", "hook-password");

        var transfer = XDocument.Parse(BxmlResponse.Write(BxmlVerb.TransferToWebRtc(SipUri, Token, CallId, callbacks))).Root!.Element("Transfer")!;

        Assert.Equal(
            ["transferCompleteUrl=https://app.example.com/transferComplete", "transferCompleteMethod=POST", "username=hook-user", "password=hook-password"],
            transfer.Attributes().Select(a => $"{a.Name}={a.Value}"));
        var sipUri = transfer.Element("SipUri")!;
        Assert.Equal(
            ["uui", "transferAnswerUrl=https://app.example.com/transferAnswer", "transferAnswerMethod=POST",
             "transferDisconnectUrl=https://app.example.com/transferDisconnect", "transferDisconnectMethod=POST", "username=hook-user", "password=hook-password"],
            sipUri.Attributes().Select(a => a.Name == "uui" ? "uui" : $"{a.Name}={a.Value}"));
        Assert.Equal(SipUri, sipUri.Value);
    }

    [Fact]
    public void Transfer_WithCallbacksButNoCredentials_NamesNone()
    {
        var callbacks = new TransferCallbacks("http://127.0.0.1:5000/transferAnswer", "http://127.0.0.1:5000/transferComplete", "http://127.0.0.1:5000/transferDisconnect");

        var bxml = BxmlResponse.Write(BxmlVerb.TransferToWebRtc(SipUri, Token, CallId, callbacks));

        Assert.DoesNotContain("username", bxml);
        Assert.DoesNotContain("password", bxml);
        Assert.Contains("transferCompleteUrl=\"http://127.0.0.1:5000/transferComplete\"", bxml);
    }

    [Fact]
    public void TransferCallbacks_AsText_HideThePassword() =>
        Assert.DoesNotContain("hook-password", new TransferCallbacks("a", "b", "c", "hook-user", "hook-password").ToString());

    [Fact]
    public void AnsweredCall_HearsTheSentenceThenTransfers()
    {
        var bxml = BxmlResponse.Write(
            BxmlVerb.SpeakSentence("Thank you. Connecting you to your conference now."),
            BxmlVerb.TransferToWebRtc(SipUri, Token, CallId));

        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Response><SpeakSentence voice="julie">Thank you. Connecting you to your conference now.</SpeakSentence><Transfer><SipUri uui="15ac29a21331029c2cb04a07b215b22865662d85;encoding=base64,eyJhbGciOiJIUzI1NiJ9.eyJ2IjoiVjMifQ.sig;encoding=jwt">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer></Response>""",
            bxml);
    }

    [Fact]
    public void Apology_SpeaksThenHangsUp() =>
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Response><SpeakSentence voice="julie">Sorry.</SpeakSentence><Hangup /></Response>""",
            BxmlResponse.Write(BxmlVerb.SpeakSentence("Sorry."), BxmlVerb.Hangup()));

    [Fact]
    public void MarkupInText_IsEscaped()
    {
        var bxml = BxmlResponse.Write(BxmlVerb.SpeakSentence("""<Hangup/> & "quotes" 'apostrophes'"""));

        Assert.Contains("&lt;Hangup/&gt; &amp; \"quotes\" 'apostrophes'", bxml);
        Assert.Equal("""<Hangup/> & "quotes" 'apostrophes'""", XDocument.Parse(bxml).Root!.Element("SpeakSentence")!.Value);
    }

    [Fact]
    public void MarkupInAnAttribute_IsEscaped()
    {
        var bxml = BxmlResponse.Write(BxmlVerb.TransferToWebRtc(SipUri, "\"/><Hangup/><x a=\""));

        var uui = XDocument.Parse(bxml).Root!.Element("Transfer")!.Element("SipUri")!.Attribute("uui")!.Value;
        Assert.Equal("\"/><Hangup/><x a=\";encoding=jwt", uui);
        Assert.Null(XDocument.Parse(bxml).Root!.Element("Hangup"));
    }

    [Fact]
    public void ControlCharacters_BecomeReplacementCharacters_SoTheDocumentStaysWellFormed()
    {
        var bxml = BxmlResponse.Write(BxmlVerb.SpeakSentence("bell\u0007 null\u0000 tab\t emoji 😀"));

        Assert.Equal("bell\uFFFD null\uFFFD tab\t emoji 😀", XDocument.Parse(bxml).Root!.Element("SpeakSentence")!.Value);
    }

    [Fact]
    public void UuiCallId_DropsTheFirstCharacterAndTheDashes() =>
        Assert.Equal("15ac29a21331029c2cb04a07b215b22865662d85", BxmlVerb.UuiCallId(CallId));
}
