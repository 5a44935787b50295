using System.Globalization;
using System.Text;

namespace HelloWorld.Emulator.Signaling.Sdp;

/// <summary>Builds SDP text line by line, CRLF-terminated as RFC 8866 requires.</summary>
internal sealed class SdpWriter
{
    private readonly StringBuilder _text = new();

    public SdpWriter Line(string line)
    {
        _text.Append(line).Append("\r\n");
        return this;
    }

    public SdpWriter Line(FormattableString line) => Line(line.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _text.ToString();
}

/// <summary>What the emulator's side of every m-line carries: ICE-lite credentials, the certificate, the one host candidate.</summary>
internal sealed record TransportDescription(string IceUfrag, string IcePassword, string Fingerprint, System.Net.IPEndPoint Candidate, string Setup)
{
    public string Address => Candidate.Address.ToString();

    public int Port => Candidate.Port;

    public void WriteTo(SdpWriter sdp, bool withCandidate)
    {
        sdp.Line($"c=IN IP4 {Address}")
            .Line($"a=ice-ufrag:{IceUfrag}")
            .Line($"a=ice-pwd:{IcePassword}")
            .Line($"a=fingerprint:sha-256 {Fingerprint}")
            .Line($"a=setup:{Setup}");
        if (withCandidate)
        {
            sdp.Line($"a=candidate:1 1 udp 2130706431 {Address} {Port} typ host").Line("a=end-of-candidates");
        }
    }
}
