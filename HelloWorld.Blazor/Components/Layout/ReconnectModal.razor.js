// What the page does while Blazor's circuit is down. Blazor reports each step on the dialog's element; the banner shows
// it, and the call page behind it is greyed and made inert (html[data-circuit], main[inert]) so that nothing on it claims
// to still work. The call page's own module puts the call on hold at the same events (Home.razor.js).
const reconnectModal = document.getElementById("components-reconnect-modal");
reconnectModal.addEventListener("components-reconnect-state-changed", handleReconnectStateChanged);

const retryButton = document.getElementById("components-reconnect-button");
retryButton.addEventListener("click", retry);

const resumeButton = document.getElementById("components-resume-button");
resumeButton.addEventListener("click", resume);

function handleReconnectStateChanged(event) {
    const state = event.detail.state;
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

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenDocumentBecomesVisible);

    try {
        // Reconnect will asynchronously return:
        // - true to mean success
        // - false to mean we reached the server, but it rejected the connection (e.g., unknown circuit ID)
        // - exception to mean we didn't reach the server (this can be sync or async)
        const successful = await Blazor.reconnect();
        if (successful) {
            // Back on the same circuit. Blazor says "hide" only while its own attempts run, and they have given up: say it
            // here, so that the page is released and the call page's module takes the call off hold.
            reconnectModal.dispatchEvent(new CustomEvent("components-reconnect-state-changed", { detail: { state: "hide" } }));
        } else {
            // The app is back but no longer knows this page's circuit (it restarted, or kept it only so long): a new
            // page joins a new call.
            const resumeSuccessful = await Blazor.resumeCircuit();
            if (!resumeSuccessful) {
                location.reload();
            } else {
                reconnectModal.dispatchEvent(new CustomEvent("components-reconnect-state-changed", { detail: { state: "hide" } }));
            }
        }
    } catch (err) {
        // We got an exception, server is currently unavailable
        document.addEventListener("visibilitychange", retryWhenDocumentBecomesVisible);
    }
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
