// The keypad's tones, one after the other. The SDK's sendDtmf hands its argument to RTCDTMFSender.insertDTMF with the
// browser's defaults (a 100 ms tone, 70 ms between tones), and insertDTMF replaces whatever tones are still waiting:
// keys pressed faster than that would drop digits. So the page keeps its own queue and gives the SDK one digit at a
// time, each once the one before has had its tone and its gap.
const toneDurationMs = 100;
const interToneGapMs = 70;

export function createToneQueue(sendTone, failed) {
  const waiting = [];
  let timer = null;

  function next() {
    timer = null;
    const tone = waiting.shift();
    if (tone === undefined) {
      return;
    }
    try {
      sendTone(tone);
    } catch (error) {
      waiting.length = 0;
      failed(String(error?.message ?? error));
      return;
    }
    timer = setTimeout(next, toneDurationMs + interToneGapMs);
  }

  return {
    send(tone) {
      if (!/^[0-9*#]$/.test(tone)) {
        throw new Error(`"${tone}" is not a keypad tone.`);
      }
      waiting.push(tone);
      if (timer === null) {
        next();
      }
    },
    clear() {
      waiting.length = 0;
      clearTimeout(timer);
      timer = null;
    },
  };
}
