// Drives Bandwidth's browser SDK for the call page. Every export is one step the component asks for; the SDK object,
// the MediaStreams and the audio elements' sources stay here, .NET keeps only ids and metadata.
import BandwidthRtc from "../../lib/bandwidth-webrtc/bandwidth-webrtc.js";

// The SDK's connect() resolves when its WebSocket opens and never rejects: it retries forever (see stopReconnecting).
// A page needs an answer.
const connectTimeoutMs = 15000;

export function createClient(dotNet) {
  const client = {
    rtc: new BandwidthRtc(),
    dotNet,
    streams: new Map(),
    published: null,
    // Each publish gets a new generation; level events of a stream replaced by a new microphone are dropped.
    generation: 0,
    closed: false,
  };
  client.rtc.onStreamAvailable((stream) => {
    client.streams.set(stream.endpointId, stream.mediaStream);
    notify(client, "OnStreamAvailable", {
      endpointId: stream.endpointId,
      participantId: stream.participantId ?? null,
      alias: stream.alias ?? null,
      mediaTypes: stream.mediaTypes ?? [],
    });
  });
  client.rtc.onStreamUnavailable((endpointId) => {
    client.streams.delete(endpointId);
    notify(client, "OnStreamUnavailable", endpointId);
  });
  return client;
}

export async function connect(client, deviceToken, websocketUrl) {
  const options = websocketUrl ? { websocketUrl } : undefined;
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("Bandwidth's WebRTC service did not answer in time.")), connectTimeoutMs);
  });
  try {
    await Promise.race([client.rtc.connect({ deviceToken }, options), timedOut]);
  } catch (error) {
    stop(client);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

// Returns { error: null } or { error: "microphone-denied" | "microphone-missing" | "microphone-busy" | "failed", message }.
export async function publish(client, constraints) {
  const generation = ++client.generation;
  let mediaStream;
  try {
    // The module takes the microphone itself instead of handing publish() the constraints, so that it holds the
    // tracks: a client disconnected while the browser was still asking for the microphone, or a publish that failed
    // half way, must not leave the microphone on.
    mediaStream = await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    return { error: publishErrorKind(error), message: messageOf(error) };
  }
  if (client.closed) {
    stopTracks(mediaStream);
    return { error: "failed", message: "The page left the call before the microphone started." };
  }
  try {
    client.published = await client.rtc.publish(mediaStream, (level) => {
      if (generation === client.generation) {
        notify(client, "OnAudioLevel", level);
      }
    });
  } catch (error) {
    stopTracks(mediaStream);
    return { error: "failed", message: messageOf(error) };
  }
  if (client.closed) {
    stopTracks(mediaStream);
    return { error: "failed", message: "The page left the call before the microphone started." };
  }
  return { error: null, message: null };
}

export async function unpublish(client) {
  if (client.published) {
    const published = client.published;
    client.published = null;
    await client.rtc.unpublish(published);
  }
}

export function setMicEnabled(client, enabled) {
  client.rtc.setMicEnabled(enabled);
}

export async function listMicrophones(client) {
  const inputs = await client.rtc.getAudioInputs();
  return inputs.map((input, index) => ({ deviceId: input.deviceId, label: input.label || `Microphone ${index + 1}` }));
}

export function sendDtmf(client, tones) {
  client.rtc.sendDtmf(tones);
}

export function attachStream(client, element, endpointId) {
  const stream = client.streams.get(endpointId) ?? null;
  if (element.srcObject !== stream) {
    element.srcObject = stream;
  }
  // Autoplay may be refused until the user interacts with the page; the element's own controls then start it.
  element.play?.().catch(() => {});
}

export function disconnect(client) {
  stop(client);
}

function stop(client) {
  if (client.closed) {
    return;
  }
  client.closed = true;
  client.generation++;
  client.streams.clear();
  if (!client.rtc.delegate) {
    return; // connect() never got as far as choosing a protocol, so the SDK opened no socket and has nothing to close
  }
  stopReconnecting(client.rtc);
  client.rtc.disconnect();
}

// The SDK opens its socket with rpc-websockets' max_reconnects 0, which means "retry every second, forever" whenever the
// socket closes with any code but 1000 (v3/signaling.js; rpc-websockets lib/client.cjs). The SDK's disconnect() does not
// end that loop: between two attempts the client has no socket, its close() throws, and the timer goes on connecting
// with the token of a participant the server has already deleted; every "Try again" would start one more such loop.
// The path is BandwidthRtc.delegate (the V3 BandwidthRtc) → .signaling (Signaling) → .ws (the rpc-websockets Client).
function stopReconnecting(rtc) {
  const signaling = rtc.delegate.signaling;
  const socket = signaling?.ws;
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

function notify(client, method, argument) {
  if (!client.closed) {
    // The circuit may be gone by the time an SDK event fires; there is nobody left to tell.
    client.dotNet.invokeMethodAsync(method, argument).catch(() => {});
  }
}

function stopTracks(mediaStream) {
  mediaStream.getTracks().forEach((track) => track.stop());
}

function messageOf(error) {
  return String(error?.message ?? error);
}

function publishErrorKind(error) {
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "microphone-denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "microphone-missing";
    case "NotReadableError":
    case "AbortError":
      return "microphone-busy";
    default:
      return "failed";
  }
}
