using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using HelloWorld.Blazor.Security;
using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// An app in account mode points the browser SDK at Bandwidth's own device endpoint, which this machine cannot reach, so
/// its page never gets into the call (and never shows the phones panel). This carries the page's signaling socket, as
/// the browser opened it (so the page's CSP and the SDK are untouched), to the emulator's device endpoint instead: the
/// path and the token's query are kept, only the host changes.
/// </summary>
public sealed class DeviceRelay : IAsyncDisposable
{
    private readonly List<(ClientWebSocket Socket, Task Loops)> _relays = [];
    private readonly CancellationTokenSource _stop = new();

    private DeviceRelay()
    {
    }

    public static async Task<DeviceRelay> RouteAsync(IPage page, string emulatorUrl)
    {
        var relay = new DeviceRelay();
        var device = new Regex("^" + Regex.Escape(SecurityHeaders.BandwidthDeviceEndpoint + "/"));
        await page.RouteWebSocketAsync(device, route => relay.Connect(route, emulatorUrl));
        return relay;
    }

    private void Connect(IWebSocketRoute route, string emulatorUrl)
    {
        var target = new Uri(new Uri(emulatorUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/emulator/device/"),
            route.Url[(SecurityHeaders.BandwidthDeviceEndpoint.Length + 1)..]);
        var socket = new ClientWebSocket();
        var opened = socket.ConnectAsync(target, _stop.Token);
        // One sender per socket, in the order the page sent: a WebSocket takes one send at a time.
        var outgoing = Channel.CreateUnbounded<IWebSocketFrame>(new UnboundedChannelOptions { SingleReader = true });
        route.OnMessage(frame => outgoing.Writer.TryWrite(frame));
        route.OnClose((code, reason) =>
        {
            outgoing.Writer.TryComplete();
            _ = CloseAsync(opened, socket, code, reason);
        });
        lock (_relays)
        {
            _relays.Add((socket, Task.WhenAll(PumpAsync(opened, socket, route), SendAsync(opened, socket, outgoing.Reader))));
        }
    }

    private async Task SendAsync(Task opened, ClientWebSocket socket, ChannelReader<IWebSocketFrame> frames)
    {
        try
        {
            await opened;
            await foreach (var frame in frames.ReadAllAsync(_stop.Token))
            {
                var (bytes, type) = frame.Text is { } text
                    ? (Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text)
                    : (frame.Binary!, WebSocketMessageType.Binary);
                await socket.SendAsync(bytes, type, endOfMessage: true, _stop.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The emulator's side closed (PumpAsync tells the page), or the test is over.
        }
    }

    private async Task PumpAsync(Task opened, ClientWebSocket socket, IWebSocketRoute route)
    {
        try
        {
            await opened;
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await route.CloseAsync(new() { Code = (int?)socket.CloseStatus ?? 1000, Reason = socket.CloseStatusDescription ?? "" });
                    return;
                }
                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                {
                    if (received.MessageType == WebSocketMessageType.Text)
                    {
                        route.Send(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                    }
                    else
                    {
                        route.Send(message.ToArray());
                    }
                    message.SetLength(0);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or PlaywrightException)
        {
            // The emulator refused or dropped the socket, or the test is over: the page sees the socket close, as it
            // would see Bandwidth's endpoint go away.
            try
            {
                await route.CloseAsync(new() { Code = 1011, Reason = "relay closed" });
            }
            catch (PlaywrightException)
            {
                // The page is gone already.
            }
        }
    }

    private static async Task CloseAsync(Task opened, ClientWebSocket socket, int? code, string? reason)
    {
        try
        {
            await opened;
            // 1005 and 1006 describe a close without a frame; they are never sent in one.
            var status = code is null or 1005 or 1006 ? WebSocketCloseStatus.NormalClosure : (WebSocketCloseStatus)code;
            await socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already closed from the emulator's side.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        (ClientWebSocket Socket, Task Loops)[] relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }
        foreach (var (socket, loops) in relays)
        {
            await loops;
            socket.Dispose();
        }
        _stop.Dispose();
    }
}
