// The SDK's signaling connection to Bandwidth, which the banner's "Reconnecting…" follows. The SDK (0.12.0-beta.1)
// offers no public event for it, nor a way to end its reconnect loop, so the one internal path it takes is kept here, in
// signalingSocket, and nowhere else: BandwidthRtc.delegate (the V3 BandwidthRtc) → .signaling (Signaling) → .ws, an
// rpc-websockets Client (an EventEmitter: "open", "close"). The browser test that drops a device's signaling fails if
// an SDK laid out otherwise hides it.
export function signalingSocket(rtc) {
  return rtc.delegate?.signaling?.ws ?? null;
}

// Calls changed(false) when the connection drops and changed(true) when the SDK's own reconnect gets back in. Returns
// false when the SDK does not show its socket: the page then cannot tell a drop.
export function watchSignaling(rtc, changed) {
  const socket = signalingSocket(rtc);
  if (typeof socket?.on !== "function") {
    return false;
  }
  let lost = false;
  // Every failed attempt closes again: one drop is told once.
  socket.on("close", () => {
    if (!lost) {
      lost = true;
      changed(false);
    }
  });
  socket.on("open", () => {
    if (lost) {
      lost = false;
      changed(true);
    }
  });
  return true;
}

// The SDK opens its socket with rpc-websockets' max_reconnects 0, which means "retry every second, forever" whenever the
// socket closes with any code but 1000 (v3/signaling.js; rpc-websockets lib/client.cjs). The SDK's disconnect() does not
// end that loop: between two attempts the client has no socket, its close() throws, and the timer goes on connecting
// with the token of a participant the server has already deleted; every "Try again" would start one more such loop.
export function stopReconnecting(rtc) {
  const signaling = rtc.delegate?.signaling;
  const socket = signalingSocket(rtc);
  if (!socket) {
    return;
  }
  socket.setAutoReconnect(false);
  clearTimeout(socket.reconnect_timer_id); // an attempt already scheduled would otherwise still run once
  if (!socket.ready) {
    // Not open, so there is nobody to say "leave" to. Close a socket still in its handshake ourselves and detach the
    // client, so that the SDK's disconnect() skips the socket instead of throwing on it, and goes on to stop the
    // microphone and close the peer connections.
    socket.removeAllListeners();
    if (socket.socket) {
      socket.close(1000);
    }
    signaling.ws = null;
  }
}
