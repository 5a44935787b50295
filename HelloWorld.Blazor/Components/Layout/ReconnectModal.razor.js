// What the page does while Blazor's circuit is down. Blazor reports each step on the dialog's element; the banner shows
// it, and the call page behind it is greyed and made inert (html[data-circuit], main[inert]) so that nothing on it claims
// to still work. The call page's own module puts the call on hold at the same events (Home.razor.js).
const reconnectModal = document.getElementById("components-reconnect-modal");
reconnectModal.addEventListener("components-reconnect-state-changed", handleReconnectStateChanged);

const retryButton = document.getElementById("components-reconnect-button");
retryButton.addEventListener("click", retry);

const resumeButton = document.getElementById("components-resume-button");
resumeButton.addEventListener("click", resume);

document.getElementById("components-reload-button").addEventListener("click", () => location.reload());

// The steps of a Rejoin, which Blazor does not report: shown by these classes on the dialog, beside Blazor's own.
const rejoining = "components-reconnect-rejoining";
const unreachable = "components-reconnect-unreachable";

let retrying = false;

function handleReconnectStateChanged(event) {
    const state = event.detail.state;
    reconnectModal.classList.remove(rejoining, unreachable);
    if (state === "show") {
        holdThePage(state);
        reconnectModal.show();
    } else if (state === "hide") {
        releaseThePage();
        reconnectModal.close();
    } else if (state === "failed") {
        holdThePage(state);
        document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
        retryButton.focus(); // the page behind is inert: the one thing left to do is here
    } else if (state === "rejected") {
        location.reload();
    } else {
        holdThePage(state);
    }
}

function holdThePage(state) {
    document.documentElement.dataset.circuit = state;
    document.querySelector("main")?.setAttribute("inert", "");
}

function releaseThePage() {
    delete document.documentElement.dataset.circuit;
    document.querySelector("main")?.removeAttribute("inert");
}

function backInTheCall() {
    // Blazor says "hide" itself when the circuit is back (reconnected or resumed); said again in case it did not, so the
    // page is released and the call page's module takes the call off hold whatever the framework's version does.
    reconnectModal.dispatchEvent(new CustomEvent("components-reconnect-state-changed", { detail: { state: "hide" } }));
}

// Rejoin, once Blazor has given up. Each way it can end leaves the page either back in the call or saying what happened
// with something that works: a click (or the page coming back into view) while a Rejoin is under way waits for it.
async function retry() {
    document.removeEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    if (retrying) {
        return;
    }
    retrying = true;
    reconnectModal.classList.remove(unreachable);
    reconnectModal.classList.add(rejoining);
    retryButton.disabled = true;
    try {
        // True: back on the same circuit. False: the app answered, but no longer has this page's circuit. Throws: the app
        // was not reached.
        let reconnected;
        try {
            reconnected = await Blazor.reconnect();
        } catch {
            stillUnreachable();
            return;
        }
        if (reconnected) {
            backInTheCall();
            return;
        }
        // The app is back and has let the circuit go. Resuming builds a new one from the state the app kept of the old
        // (the page then joins a new call), but that state is saved while the old circuit is let go: a Rejoin just after
        // that moment finds none, and the app answers with an error (and drops the connection) rather than false. Either
        // way nothing is left to rejoin, so the page loads afresh, which joins a new call too.
        if (await resumedQuietly()) {
            backInTheCall();
        } else {
            location.reload();
        }
    } finally {
        retrying = false;
        retryButton.disabled = false;
        reconnectModal.classList.remove(rejoining);
        if (reconnectModal.classList.contains(unreachable)) {
            retryButton.focus();
        }
    }
}

async function resumedQuietly() {
    try {
        return await Blazor.resumeCircuit();
    } catch {
        return false;
    }
}

function stillUnreachable() {
    reconnectModal.classList.add(unreachable);
    document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
}

async function resume() {
    try {
        const successful = await Blazor.resumeCircuit();
        if (!successful) {
            location.reload();
        }
    } catch {
        reconnectModal.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
    }
}

async function retryWhenDocumentBecomesVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}
