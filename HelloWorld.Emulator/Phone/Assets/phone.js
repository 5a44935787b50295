// The phone simulator: every simulated phone at once, live from the emulator's control API (server-sent events), so a
// call rings where it can be seen whichever phone it is for. Everything shown comes from the server and goes through
// textContent, never innerHTML. Changes that matter are said once through the page's polite live region.
const api = "control";
const $ = (id) => document.getElementById(id);
let applicationNumber = "";
let phones = [];
let calls = [];
const cards = new Map();
const said = new Map(); // what the live region last said of each phone, so that each change is said once

async function request(path, options) {
  const response = await fetch(`${api}/${path}`, { headers: { "Content-Type": "application/json" }, ...options });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error ?? `The emulator answered ${response.status} ${response.statusText}.`);
  }
  return response.status === 204 ? null : response.json();
}

async function start() {
  const answer = await request("phones");
  applicationNumber = answer.applicationPhoneNumber;
  phones = answer.phones;
  const template = $("phone-template");
  for (const number of phones) {
    const card = template.content.firstElementChild.cloneNode(true);
    card.dataset.number = number;
    card.setAttribute("aria-label", `Phone ${number}`);
    card.querySelector(".number").textContent = `Phone ${number}`;
    card.querySelector(".app-number").textContent = applicationNumber;
    card.querySelector(".heard").setAttribute("aria-label", `What was said to ${number}`);
    const callOf = () => current(number);
    card.querySelector(".dial").addEventListener("click", () => act(() => request("calls", { method: "POST", body: JSON.stringify({ from: number }) })));
    card.querySelector(".answer").addEventListener("click", () => act(() => request(`calls/${callOf().callId}/answer`, { method: "POST" })));
    card.querySelector(".decline").addEventListener("click", () => act(() => request(`calls/${callOf().callId}/decline`, { method: "POST" })));
    card.querySelector(".hangup").addEventListener("click", () => act(() => request(`calls/${callOf().callId}/hangup`, { method: "POST" })));
    card.querySelector(".echo-toggle").addEventListener("change", (event) =>
      act(() => request(`calls/${callOf().callId}/echo`, { method: "POST", body: JSON.stringify({ enabled: event.target.checked }) })));
    $("phones").append(card);
    cards.set(number, card);
  }

  const events = new EventSource(`${api}/events`);
  const refresh = () => refreshCalls().catch(showError);
  events.addEventListener("changed", refresh);
  events.addEventListener("tick", refresh);
  events.onerror = () => showError(new Error("Reconnecting to the emulator…"));
  setInterval(renderDurations, 1000);
}

async function refreshCalls() {
  calls = await request("calls");
  $("error").hidden = true;
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

const numberOf = (call) => (call.direction === "inbound" ? call.from : call.to);
const current = (number) => calls.filter((call) => numberOf(call) === number && call.state !== "completed").at(-1);

function render() {
  const news = [];
  for (const [number, card] of cards) {
    const text = renderPhone(number, card, current(number));
    if (text) {
      news.push(text);
    }
  }
  if (news.length > 0) {
    $("announcer").replaceChildren(...news.map((text) => Object.assign(document.createElement("span"), { textContent: text + " " })));
  }
  $("log").replaceChildren(...calls.slice(-20).reverse().map((entry) => {
    const item = document.createElement("li");
    const what = entry.direction === "inbound" ? `${entry.from} dialed ${entry.to}` : `${entry.to} received a call from ${entry.from}`;
    const end = entry.state === "completed" ? ` · ended (${entry.cause}${entry.errorMessage ? `: ${entry.errorMessage}` : ""})` : ` · ${entry.state}`;
    item.textContent = `${new Date(entry.startTime).toLocaleTimeString()} · ${what}${end}`;
    return item;
  }));
  renderDurations();
}

function renderPhone(number, card, call) {
  const ringing = call?.state === "ringing";
  const incoming = ringing && call.direction === "outbound";
  const find = (selector) => card.querySelector(selector);
  find(".dial").hidden = !!call;
  find(".answer").hidden = !incoming;
  find(".decline").hidden = !incoming;
  find(".hangup").hidden = !call || incoming;
  find(".echo-toggle").checked = !!call?.echo;
  find(".echo-toggle").disabled = !call;
  card.classList.toggle("ringing", incoming);

  let status;
  if (!call) {
    status = ["Idle", "", `Dial ${applicationNumber} to join the call`];
  } else if (incoming) {
    status = ["Incoming call…", "ringing", `from ${call.from}`];
  } else if (ringing) {
    status = ["Calling…", "ringing", `to ${call.to}`];
  } else {
    status = [call.state === "transferred" ? "In the call" : "Connected", "", call.direction === "inbound" ? `to ${call.to}` : `from ${call.from}`];
  }
  find(".status").textContent = status[0];
  find(".status").className = `status ${status[1]}`;
  find(".peer").textContent = status[2];

  find(".heard").replaceChildren(...(call?.heard ?? []).map((sentence) => {
    const item = document.createElement("li");
    item.textContent = sentence;
    return item;
  }));

  const audio = call?.phone;
  find(".audio").hidden = !audio;
  if (audio) {
    const level = audio.receivedLevel ?? 0;
    find(".level-bar").style.width = `${Math.min(100, Math.round(level * 300))}%`;
    find(".audio-text").textContent = audio.receivedLevel == null
      ? `Hearing nothing (${audio.packetsReceived} packets so far, ${audio.packetsSent} sent)`
      : `Hearing the call: level ${level.toFixed(3)}, ${audio.packetsReceived} packets received, ${audio.packetsSent} sent`;
    find(".digits").textContent = audio.dtmfDigits ? `Keypad tones heard: ${audio.dtmfDigits}` : "";
  }
  return news(number, call, status[0]);
}

// Talk time, from the answer: a call that rings (or rang out) has none.
function renderDurations() {
  for (const [number, card] of cards) {
    const since = current(number)?.answerTime ?? null;
    const duration = card.querySelector(".duration");
    if (!since) {
      duration.textContent = "";
      continue;
    }
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    duration.textContent = `Talk time ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }
}

// What changed for this phone since the last render, in words for the live region; null when nothing did.
function news(number, call, status) {
  const key = call ? `${call.callId}:${status}` : "idle";
  const before = said.get(number);
  said.set(number, key);
  if (before === undefined || before === key) {
    return null; // the first render describes the page, it does not change it
  }
  return key === "idle" ? `Phone ${number}: the call ended.` : `Phone ${number}: ${status.replace("…", "")}.`;
}

function showError(error) {
  $("error").textContent = error.message;
  $("error").hidden = false;
}

start().then(refreshCalls).catch(showError);
