using System.Threading.Channels;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Server-sent events for the phone simulator: <c>changed</c> whenever a call or the sessions change, and a <c>tick</c>
/// each second while a phone is in a call, so its packet counts and level move. Clients refetch what they show.
/// </summary>
internal static class ControlEvents
{
    /// <remarks>The stream ends when the app stops, too: an open simulator would otherwise hold the server's shutdown open.</remarks>
    public static async Task StreamAsync(HttpContext context, CallEngine engine, WebRtcStore store, TimeProvider clock, IHostApplicationLifetime lifetime)
    {
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var changes = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnCall(EmulatedCall _) => changes.Writer.TryWrite("changed");
        void OnStore(WebRtcChange _) => changes.Writer.TryWrite("changed");
        engine.Changed += OnCall;
        store.Changed += OnStore;
        using var ticker = clock.CreateTimer(_ =>
        {
            if (engine.Calls.Any(call => call.Phase == CallPhase.Transferred))
            {
                changes.Writer.TryWrite("tick");
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        try
        {
            await context.Response.WriteAsync("event: changed\ndata: {}\n\n", open.Token);
            await context.Response.Body.FlushAsync(open.Token);
            await foreach (var name in changes.Reader.ReadAllAsync(open.Token))
            {
                await context.Response.WriteAsync($"event: {name}\ndata: {{}}\n\n", open.Token);
                await context.Response.Body.FlushAsync(open.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        finally
        {
            engine.Changed -= OnCall;
            store.Changed -= OnStore;
        }
    }
}
