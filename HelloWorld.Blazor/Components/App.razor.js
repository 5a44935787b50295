// Starts Blazor (App.razor loads blazor.web.js with autostart="false"), with the reconnection settings of CallPage:
// ReconnectAttempts and CallPage:ReconnectInterval when they are set, and Blazor's own defaults otherwise.
const { reconnectAttempts, reconnectIntervalMs } = document.body.dataset;
const reconnectionOptions = {};
if (reconnectAttempts) {
  reconnectionOptions.maxRetries = Number(reconnectAttempts);
}
if (reconnectIntervalMs) {
  reconnectionOptions.retryIntervalMilliseconds = Number(reconnectIntervalMs);
}
const circuit = {
  // The app has no JavaScript initializers (no package ships a lib.module.js: AppStartTests pins it). Said here, the
  // circuit starts without first asking the server for them (GET _blazor/initializers), one round trip before its
  // negotiation that would only answer [].
  initializers: { beforeStart: [], afterStarted: [] },
};
if (Object.keys(reconnectionOptions).length > 0) {
  circuit.reconnectionOptions = reconnectionOptions;
}
Blazor.start({ circuit });
