// The phone simulator: one simulated phone at a time, live from the emulator's control API (server-sent events).
// Everything shown comes from the server and goes through textContent, never innerHTML.
const api = "control";
const $ = (id) => document.getElementById(id);
let applicationNumber = "";
let myNumber = localStorage.getItem("emulator-phone") ?? "";
let calls = [];

async function request(path, options) {
  const response = await fetch(`${api}/${path}`, { headers: { "Content-Type": "application/json" }, ...options });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  }
  return response.status === 204 ? null : response.json();
}

async function start() {
  const phones = await request("phones");
  applicationNumber = phones.applicationPhoneNumber;
  $("app-number").textContent = applicationNumber;
  const select = $("my-number");
  for (const number of phones.phones) {
    const option = document.createElement("option");
    option.value = number;
    option.textContent = number;
    select.append(option);
  }
  if (!phones.phones.includes(myNumber)) {
    myNumber = phones.phones[0];
  }
  select.value = myNumber;
  select.addEventListener("change", () => {
    myNumber = select.value;
    localStorage.setItem("emulator-phone", myNumber);
    render();
  });

  $("dial").addEventListener("click", () => act(() => request("calls", { method: "POST", body: JSON.stringify({ from: myNumber }) })));
  $("answer").addEventListener("click", () => act(() => request(`calls/${current().callId}/answer`, { method: "POST" })));
  $("decline").addEventListener("click", () => act(() => request(`calls/${current().callId}/decline`, { method: "POST" })));
  $("hangup").addEventListener("click", () => act(() => request(`calls/${current().callId}/hangup`, { method: "POST" })));
  $("echo").addEventListener("change", (event) =>
    act(() => request(`calls/${current().callId}/echo`, { method: "POST", body: JSON.stringify({ enabled: event.target.checked }) })));

  const events = new EventSource(`${api}/events`);
  const refresh = () => refreshCalls().catch(showError);
  events.addEventListener("changed", refresh);
  events.addEventListener("tick", refresh);
  events.onerror = () => setStatus("Reconnecting to the emulator…", "");
  setInterval(renderDuration, 1000);
}

async function refreshCalls() {
  calls = await request("calls");
  render();
}

async function act(action) {
  try {
    await action();
    await refreshCalls();
  } catch (error) {
    showError(error);
  }
}

const mine = () => calls.filter((call) => (call.direction === "inbound" ? call.from : call.to) === myNumber);
const current = () => mine().filter((call) => call.state !== "completed").at(-1);

function render() {
  const call = current();
  const ringing = call?.state === "ringing";
  const incoming = ringing && call.direction === "outbound";
  $("dial").hidden = !!call;
  $("answer").hidden = !incoming;
  $("decline").hidden = !incoming;
  $("hangup").hidden = !call || incoming;
  $("echo").checked = !!call?.echo;
  $("echo").disabled = !call;

  if (!call) {
    setStatus("Idle", "");
    $("peer").textContent = `Dial ${applicationNumber} to join the call`;
  } else if (incoming) {
    setStatus("Incoming call…", "ringing");
    $("peer").textContent = `from ${call.from}`;
  } else if (ringing) {
    setStatus("Calling…", "ringing");
    $("peer").textContent = `to ${call.to}`;
  } else {
    setStatus(call.state === "transferred" ? "In the call" : "Connected", "");
    $("peer").textContent = call.direction === "inbound" ? `to ${call.to}` : `from ${call.from}`;
  }

  const heard = $("heard");
  heard.replaceChildren(...(call?.heard ?? []).map((sentence) => {
    const item = document.createElement("li");
    item.textContent = sentence;
    return item;
  }));

  const audio = call?.phone;
  $("audio").hidden = !audio;
  if (audio) {
    const level = audio.receivedLevel ?? 0;
    $("level-bar").style.width = `${Math.min(100, Math.round(level * 300))}%`;
    $("audio-text").textContent = audio.receivedLevel == null
      ? `Hearing nothing (${audio.packetsReceived} packets so far, ${audio.packetsSent} sent)`
      : `Hearing the call: level ${level.toFixed(3)}, ${audio.packetsReceived} packets received, ${audio.packetsSent} sent`;
    $("digits").textContent = audio.dtmfDigits ? `Keypad tones heard: ${audio.dtmfDigits}` : "";
  }

  $("log").replaceChildren(...mine().slice(-20).reverse().map((entry) => {
    const item = document.createElement("li");
    const peer = entry.direction === "inbound" ? `to ${entry.to}` : `from ${entry.from}`;
    const end = entry.state === "completed" ? ` · ended (${entry.cause}${entry.errorMessage ? `: ${entry.errorMessage}` : ""})` : ` · ${entry.state}`;
    item.textContent = `${new Date(entry.startTime).toLocaleTimeString()} · ${entry.direction === "inbound" ? "dialed" : "received"} ${peer}${end}`;
    return item;
  }));
  renderDuration();
}

function renderDuration() {
  const call = current();
  const since = call?.answerTime ?? null;
  if (!since) {
    $("duration").textContent = "";
    return;
  }
  const seconds = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
  $("duration").textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function setStatus(text, css) {
  $("status").textContent = text;
  $("status").className = `status ${css}`;
}

function showError(error) {
  setStatus(`Error: ${error.message}`, "");
}

start().then(refreshCalls).catch(showError);
