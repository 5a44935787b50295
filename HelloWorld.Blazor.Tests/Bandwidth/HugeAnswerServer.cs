using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace HelloWorld.Blazor.Tests.Bandwidth;

/// <summary>
/// A stand-in for Bandwidth that answers every POST with a body of <see cref="BodyBytes"/> bytes: <see cref="Start"/>
/// followed by padding, streamed from one reused buffer so the server itself holds no copy of it. It counts what it
/// managed to send (a client that stops reading cuts it short) and records every other request.
/// </summary>
public sealed class HugeAnswerServer : IAsyncDisposable
{
    public const long BodyBytes = 50L * 1024 * 1024;

    private readonly WebApplication _app;
    private long _bytesSent;

    private HugeAnswerServer(WebApplication app) => _app = app;

    /// <summary>The body's first bytes: everything after it is padding inside a JSON string that never closes in time.</summary>
    public required string Start { get; init; }

    public string BaseUrl => _app.Urls.First().TrimEnd('/');

    /// <summary>How much of the body went out before the client stopped reading (or all of it).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public ConcurrentQueue<string> OtherRequests { get; } = new();

    public static async Task<HugeAnswerServer> StartAsync(string start, int status = 201)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new HugeAnswerServer(app) { Start = start };
        app.Run(context => server.AnswerAsync(context, status));
        await app.StartAsync();
        return server;
    }

    private async Task AnswerAsync(HttpContext context, int status)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            OtherRequests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = BodyBytes;
        var start = Encoding.UTF8.GetBytes(Start);
        var padding = new byte[64 * 1024];
        Array.Fill(padding, (byte)'x');
        try
        {
            // Once the client has closed the connection, a write may still "succeed" into the void: only what went out
            // before the server saw the connection gone counts.
            var writer = context.Response.BodyWriter;
            var result = await writer.WriteAsync(start, context.RequestAborted);
            Interlocked.Add(ref _bytesSent, start.Length);
            for (var left = BodyBytes - start.Length; left > 0 && !Gone(result, context); left -= padding.Length)
            {
                var chunk = (int)Math.Min(left, padding.Length);
                result = await writer.WriteAsync(padding.AsMemory(0, chunk), context.RequestAborted);
                if (!Gone(result, context))
                {
                    Interlocked.Add(ref _bytesSent, chunk);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The client stopped reading and closed the connection: the point of the exercise.
        }
    }

    private static bool Gone(System.IO.Pipelines.FlushResult result, HttpContext context) =>
        result.IsCompleted || result.IsCanceled || context.RequestAborted.IsCancellationRequested;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
