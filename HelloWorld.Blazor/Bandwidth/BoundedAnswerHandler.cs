using System.Buffers;
using System.Net;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// Reads every answer from Bandwidth into memory, but never more than <see cref="MaxAnswerBytes"/>: a broken or hostile
/// endpoint that sends 50 MB costs the app 1 MB and an error, not its memory. Sits inside the resilience pipeline, so the
/// attempt timeout covers reading the body too.
/// </summary>
internal sealed class BoundedAnswerHandler : DelegatingHandler
{
    /// <summary>Bandwidth's real answers are a few hundred bytes; a session's participant list stays far below this.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var original = response.Content;
            var (body, tooLarge) = await ReadAtMostAsync(original, cancellationToken).ConfigureAwait(false);
            if (tooLarge)
            {
                throw new BandwidthAnswerTooLargeException(response.StatusCode, body);
            }
            var buffered = new ByteArrayContent(body);
            foreach (var header in original.Headers.Where(header => !header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = buffered;
            original.Dispose();
            return response;
        }
        catch
        {
            // Disposing an unread body closes its connection rather than draining the rest of it.
            response.Dispose();
            throw;
        }
    }

    /// <returns>The body, or its first <see cref="MaxAnswerBytes"/> bytes when it is longer (then <c>TooLarge</c>).</returns>
    private static async Task<(byte[] Body, bool TooLarge)> ReadAtMostAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is 0)
        {
            return ([], false);
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var body = new MemoryStream(capacity: (int)Math.Min(content.Headers.ContentLength ?? 4096, MaxAnswerBytes));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var room = MaxAnswerBytes - (int)body.Length;
                if (read > room)
                {
                    body.Write(chunk, 0, room);
                    return (body.ToArray(), true);
                }
                body.Write(chunk, 0, read);
            }
            return (body.ToArray(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

/// <summary>
/// Bandwidth's answer was longer than <see cref="BoundedAnswerHandler.MaxAnswerBytes"/>: the client reports it as
/// Bandwidth's error. Keeps the answer's start, where the id of something Bandwidth created may still be read.
/// </summary>
internal sealed class BandwidthAnswerTooLargeException(HttpStatusCode statusCode, byte[] start)
    : IOException($"Bandwidth's answer is larger than {BoundedAnswerHandler.MaxAnswerBytes / 1024 / 1024} MB.")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public byte[] Start { get; } = start;
}
