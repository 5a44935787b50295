// The keypad's tones, one after the other. The SDK's sendDtmf hands its argument to RTCDTMFSender.insertDTMF (with the
// browser's tone duration and gap), and insertDTMF replaces whatever tones still wait in the sender's buffer: a key
// pressed before the previous tone has started would drop it. So the page keeps its own queue and gives the SDK the next
// digit only once the sender has taken the previous one out of its buffer to play it (the sender's tonechange event).
// Timers alone do not do: the browser starts each tone on its own schedule, later than its duration and gap add up to.
const toneDurationMs = 100;
const interToneGapMs = 70;

// How long to wait for a sender to take a tone before sending the next anyway: a sender that never says so (none
// published, or one the page cannot see) must not hold the queue forever.
const patienceMs = 4 * (toneDurationMs + interToneGapMs);

/**
 * @param sendTone sends one digit through the SDK
 * @param senders the RTCDTMFSenders the SDK inserts into, to see when they have taken a tone; [] when unknown
 * @param failed told when a tone cannot be sent; the ones waiting after it are dropped
 */
export function createToneQueue(sendTone, senders, failed) {
  const waiting = [];
  let sending = false;
  let stopWaiting = null;

  function next() {
    const tone = waiting.shift();
    if (tone === undefined) {
      sending = false;
      return;
    }
    sending = true;
    const watched = senders();
    try {
      sendTone(tone);
    } catch (error) {
      waiting.length = 0;
      sending = false;
      failed(String(error?.message ?? error));
      return;
    }
    stopWaiting = untilTaken(watched, () => {
      stopWaiting = null;
      next();
    });
  }

  return {
    send(tone) {
      if (!/^[0-9*#]$/.test(tone)) {
        throw new Error(`"${tone}" is not a keypad tone.`);
      }
      waiting.push(tone);
      if (!sending) {
        next();
      }
    },
    clear() {
      waiting.length = 0;
      stopWaiting?.();
      stopWaiting = null;
      sending = false;
    },
  };
}

// Calls taken() once every sender's buffer is empty again: the tone just inserted has started to play.
function untilTaken(senders, taken) {
  let timer = null;
  const check = () => {
    if (senders.every((sender) => sender.toneBuffer === "")) {
      done();
      taken();
    }
  };
  const done = () => {
    clearTimeout(timer);
    senders.forEach((sender) => sender.removeEventListener("tonechange", check));
  };
  senders.forEach((sender) => sender.addEventListener("tonechange", check));
  timer = setTimeout(() => {
    done();
    taken();
  }, senders.length > 0 ? patienceMs : toneDurationMs + interToneGapMs);
  return done;
}
