// The level of what the person hears: every remote stream into one analyser, read ten times a second, and reported as
// the SDK reports the microphone's ("silent", "low", "high"), only when it changes, so the circuit carries a few
// messages a second at most. The analyser goes nowhere: the audio elements play the streams, this only listens.
const sampleIntervalMs = 100;
const holdMs = 500; // a level falls back only after this long below it, as the SDK's own detector does
const lowPeak = 0.02;
const highPeak = 0.15;

export function createHearing(audioContext, changed) {
  const sources = new Map();
  let analyser = null;
  let timer = null;
  let level = "silent";
  let heardAt = { low: 0, high: 0 };

  function measure() {
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) {
      peak = Math.max(peak, Math.abs(sample));
    }
    const now = performance.now();
    if (peak >= highPeak) {
      heardAt.high = now;
    }
    if (peak >= lowPeak) {
      heardAt.low = now;
    }
    const current = now - heardAt.high < holdMs ? "high" : now - heardAt.low < holdMs ? "low" : "silent";
    if (current !== level) {
      level = current;
      changed(level);
    }
  }

  return {
    add(id, mediaStream) {
      if (!mediaStream?.getAudioTracks().length) {
        return;
      }
      analyser ??= Object.assign(audioContext().createAnalyser(), { fftSize: 1024 });
      sources.get(id)?.disconnect();
      const source = audioContext().createMediaStreamSource(mediaStream);
      source.connect(analyser);
      sources.set(id, source);
      timer ??= setInterval(measure, sampleIntervalMs);
    },
    remove(id) {
      sources.get(id)?.disconnect();
      sources.delete(id);
      if (sources.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
        heardAt = { low: 0, high: 0 };
        if (level !== "silent") {
          level = "silent";
          changed(level);
        }
      }
    },
    stop() {
      clearInterval(timer);
      timer = null;
      sources.forEach((source) => source.disconnect());
      sources.clear();
    },
  };
}
