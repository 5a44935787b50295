// The microphone as the call page's module (Home.razor.js) takes it for the SDK's publish().
//
// It is asked for while the SDK connects rather than once connected: opening it takes Chromium about as long as
// connecting, so publish() starts with the stream in hand. The browser's answer, the stream or a refusal, is kept for
// publish(), which reports a refusal as it would its own; a stream that publish() never takes is stopped.
export function createEarlyMicrophone() {
  let early = null; // { key, opening }

  // The kept promise when it was opened with these constraints, else null; either way it is no longer kept, and one
  // not handed over is stopped once it opens (the client stopped, or publish() asks for another microphone).
  function take(constraints) {
    const kept = early;
    early = null;
    if (!kept) {
      return null;
    }
    if (constraints && kept.key === JSON.stringify(constraints)) {
      return kept.opening;
    }
    kept.opening.then(stopTracks, () => {});
    return null;
  }

  return {
    open(constraints) {
      take(null);
      const opening = navigator.mediaDevices.getUserMedia(constraints);
      opening.catch(() => {}); // a refusal is publish()'s to report: until then it is no unhandled rejection
      early = { key: JSON.stringify(constraints), opening };
    },
    take,
    release: () => take(null),
  };
}

export function stopTracks(mediaStream) {
  mediaStream.getTracks().forEach((track) => track.stop());
}

export function publishErrorKind(error) {
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
