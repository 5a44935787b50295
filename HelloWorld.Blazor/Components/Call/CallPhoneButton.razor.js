// Ringback: what a caller hears while the phone they called rings. The North American tone: 440 Hz and 480 Hz together,
// two seconds on, four off, quietly, through the page's own AudioContext (so on the speaker the person chose).
const onSeconds = 2;
const cycleSeconds = 6;
const volume = 0.08;

export function createRingback(audioContext) {
  let playing = null;

  function start() {
    const context = audioContext();
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    const oscillators = [440, 480].map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    const ring = () => {
      const now = context.currentTime;
      gain.gain.setValueAtTime(volume, now);
      gain.gain.setValueAtTime(0, now + onSeconds);
    };
    ring();
    playing = { gain, oscillators, timer: setInterval(ring, cycleSeconds * 1000) };
  }

  function stop() {
    clearInterval(playing.timer);
    playing.oscillators.forEach((oscillator) => oscillator.stop());
    playing.gain.disconnect();
    playing = null;
  }

  return {
    set(ringing) {
      if (ringing && !playing) {
        start();
      } else if (!ringing && playing) {
        stop();
      }
    },
  };
}
