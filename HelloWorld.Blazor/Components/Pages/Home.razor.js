// Drives Bandwidth's browser SDK for the call page. Every export is one step the component asks for; the SDK object,
// the MediaStreams and the audio elements' sources stay here, .NET keeps only ids and metadata.
import BandwidthRtc from "../../lib/bandwidth-webrtc/bandwidth-webrtc.js";

// The SDK's connect() resolves when its WebSocket opens and never rejects: it retries forever. A page needs an answer.
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
    stopQuietly(client);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

// Returns { error: null } or { error: "microphone-denied" | "microphone-missing" | "microphone-busy" | "failed", message }.
export async function publish(client, constraints) {
  const generation = ++client.generation;
  try {
    client.published = await client.rtc.publish(constraints, (level) => {
      if (generation === client.generation) {
        notify(client, "OnAudioLevel", level);
      }
    });
    return { error: null, message: null };
  } catch (error) {
    return { error: publishErrorKind(error), message: String(error?.message ?? error) };
  }
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
  stopQuietly(client);
}

function stopQuietly(client) {
  if (client.closed) {
    return;
  }
  client.closed = true;
  client.generation++;
  client.streams.clear();
  try {
    client.rtc.disconnect();
  } catch {
    // Never connected: there is nothing to close.
  }
}

function notify(client, method, argument) {
  if (!client.closed) {
    // The circuit may be gone by the time an SDK event fires; there is nobody left to tell.
    client.dotNet.invokeMethodAsync(method, argument).catch(() => {});
  }
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
