// Drives Bandwidth's browser SDK for the call page. Every export is one step the component asks for; the SDK object,
// the MediaStreams and the audio elements' sources stay here, .NET keeps only ids and metadata.
import BandwidthRtc from "../../lib/bandwidth-webrtc/bandwidth-webrtc.js";
import { createToneQueue } from "../Call/DtmfKeypad.razor.js";
import { createHearing } from "../Call/LevelMeter.razor.js";
import { createRingback } from "../Call/CallPhoneButton.razor.js";
import { stopReconnecting, watchSignaling } from "../Call/CallStatusBanner.razor.js";

// Moments of the join for the page timing (bench/PageTiming) and the browser's performance panel.
performance.mark("helloworld:sdk-loaded");

// Chromium's first Intl call loads its time zone data (up to hundreds of ms): paid while the circuit starts, not mid-join.
let zone = null;
(globalThis.requestIdleCallback ?? setTimeout)(timeZone);

// The SDK's connect() resolves once its WebSocket opens and never rejects (it retries forever): a page needs an answer.
const connectTimeoutMs = 15000;

export function createClient(dotNet) {
  performance.mark("helloworld:client-created");
  const client = {
    rtc: new BandwidthRtc(),
    dotNet,
    streams: new Map(),
    // The audio elements streams were attached to: paused while the app is out of reach, pointed at the chosen speaker.
    elements: new Set(),
    published: null,
    micEnabled: true,
    speakerId: null,
    // Each publish gets a new generation; level events of a stream replaced by a new microphone are dropped.
    generation: 0,
    closed: false,
    // True while the circuit is down: the app cannot see or steer the call, so the page neither plays nor sends.
    suspended: false,
    audio: null,
  };
  client.tones = createToneQueue((tone) => client.rtc.sendDtmf(tone), () => dtmfSenders(client),
    (message) => notify(client, "OnToneFailed", message));
  client.hearing = createHearing(() => audioContext(client), (level) => notify(client, "OnHeardLevel", level));
  client.ringback = createRingback(() => audioContext(client));
  client.rtc.onStreamAvailable((stream) => {
    client.streams.set(stream.endpointId, stream.mediaStream);
    client.hearing.add(stream.endpointId, stream.mediaStream);
    notify(client, "OnStreamAvailable", {
      endpointId: stream.endpointId,
      participantId: stream.participantId ?? null,
      alias: stream.alias ?? null,
      mediaTypes: stream.mediaTypes ?? [],
    });
  });
  client.rtc.onStreamUnavailable((endpointId) => {
    client.streams.delete(endpointId);
    client.hearing.remove(endpointId);
    notify(client, "OnStreamUnavailable", endpointId);
  });
  watchCircuit(client);
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
    performance.mark("helloworld:joined");
    watchSignaling(client.rtc, (connected) => notify(client, "OnSignalingChanged", connected));
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
  if (client.suspended) {
    client.rtc.setMicEnabled(false);
  }
  performance.mark("helloworld:published");
  return { error: null, message: null };
}

export async function unpublish(client) {
  client.tones.clear(); // the tones ride on the published stream's sender
  if (client.published) {
    const published = client.published;
    client.published = null;
    await client.rtc.unpublish(published);
  }
}

export function setMicEnabled(client, enabled) {
  client.micEnabled = enabled;
  if (!client.suspended) {
    client.rtc.setMicEnabled(enabled);
  }
}

export async function listMicrophones(client) {
  const inputs = await client.rtc.getAudioInputs();
  return inputs.map((input, index) => ({ deviceId: input.deviceId, label: input.label || `Microphone ${index + 1}` }));
}

// Null where the browser cannot choose where audio plays (no HTMLMediaElement.setSinkId): the page then offers no picker.
export async function listSpeakers(client) {
  if (!("setSinkId" in HTMLMediaElement.prototype)) {
    return null;
  }
  const outputs = await client.rtc.getAudioOutputs();
  return outputs.map((output, index) => ({ deviceId: output.deviceId, label: output.label || `Speaker ${index + 1}` }));
}

export async function setSpeaker(client, deviceId) {
  client.speakerId = deviceId;
  await Promise.all([...liveElements(client)].map((element) => element.setSinkId(deviceId)));
  await client.audio?.setSinkId?.(deviceId === "default" ? "" : deviceId);
}

// Queued, not sent at once: see createToneQueue.
export function sendDtmf(client, tone) {
  client.tones.send(tone);
}

export function setRingback(client, ringing) {
  client.ringback.set(ringing && !client.suspended);
  client.ringbackWanted = ringing;
}

export function attachStream(client, element, endpointId) {
  const stream = client.streams.get(endpointId) ?? null;
  if (element.srcObject !== stream) {
    element.srcObject = stream;
  }
  client.elements.add(element);
  if (client.speakerId && element.setSinkId) {
    element.setSinkId(client.speakerId).catch(() => {}); // a speaker unplugged since: the element keeps the default
  }
  if (!client.suspended) {
    // Autoplay may be refused until the user interacts with the page; the element's own controls then start it.
    element.play?.().catch(() => {});
  }
}

export function timeZone() {
  return (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC");
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
  client.tones.clear();
  client.hearing.stop();
  client.ringback.set(false);
  client.audio?.close().catch(() => {});
  client.unwatchCircuit?.();
  if (!client.rtc.delegate) {
    return; // connect() never got as far as choosing a protocol, so the SDK opened no socket and has nothing to close
  }
  stopReconnecting(client.rtc);
  client.rtc.disconnect();
}

// One AudioContext for what the page plays and measures itself (ringback, the level of what you hear), made when first
// needed. A page that holds the microphone may start audio without a click, so it is not left suspended.
function audioContext(client) {
  if (!client.audio) {
    client.audio = new AudioContext();
    if (client.speakerId && client.audio.setSinkId) {
      client.audio.setSinkId(client.speakerId === "default" ? "" : client.speakerId).catch(() => {});
    }
    client.audio.resume().catch(() => {});
  }
  return client.audio;
}

// While Blazor's circuit is down (ReconnectModal.razor.js shows why), nothing the person does reaches the app and nothing
// the app learns reaches the page. So the call is put on hold here: remote audio paused, the microphone and the tones
// stopped; all of it resumes when the circuit comes back.
function watchCircuit(client) {
  const dialog = document.getElementById("components-reconnect-modal");
  if (!dialog) {
    return;
  }
  const changed = (event) => (event.detail.state === "hide" ? resume(client) : suspend(client));
  dialog.addEventListener("components-reconnect-state-changed", changed);
  client.unwatchCircuit = () => dialog.removeEventListener("components-reconnect-state-changed", changed);
}

function suspend(client) {
  if (client.suspended || client.closed) {
    return;
  }
  client.suspended = true;
  client.tones.clear();
  client.ringback.set(false);
  liveElements(client).forEach((element) => element.pause());
  if (client.rtc.delegate) {
    client.rtc.setMicEnabled(false);
  }
}

function resume(client) {
  if (!client.suspended || client.closed) {
    return;
  }
  client.suspended = false;
  liveElements(client).forEach((element) => element.play?.().catch(() => {}));
  if (client.rtc.delegate) {
    client.rtc.setMicEnabled(client.micEnabled);
  }
  client.ringback.set(!!client.ringbackWanted);
}

// The RTCDTMFSenders the SDK's sendDtmf inserts into: one per published stream, kept by the V3 BandwidthRtc (the
// delegate) in localDtmfSenders (v3/bandwidthRtc.js). The SDK offers no way to see whether a tone has started; the
// senders say so themselves. An SDK laid out otherwise leaves the queue to its timer.
function dtmfSenders(client) {
  const senders = client.rtc.delegate?.localDtmfSenders;
  return senders instanceof Map ? [...senders.values()].filter((sender) => sender instanceof RTCDTMFSender) : [];
}

function liveElements(client) {
  for (const element of client.elements) {
    if (!element.isConnected) {
      client.elements.delete(element); // its stream left the page
    }
  }
  return client.elements;
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
