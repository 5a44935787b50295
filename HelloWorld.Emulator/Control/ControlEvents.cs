using System.Threading.Channels;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.AspNetCore.Http;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Server-sent events for the phone simulator: <c>changed</c> whenever a call or the sessions change, and a <c>tick</c>
/// each second while a phone is in a call, so its packet counts and level move. Clients refetch what they show.
/// </summary>
internal static class ControlEvents
{
    public static async Task StreamAsync(HttpContext context, CallEngine engine, WebRtcStore store, TimeProvider clock)
    {
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
            await context.Response.WriteAsync("event: changed\ndata: {}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var name in changes.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync($"event: {name}\ndata: {{}}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
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
