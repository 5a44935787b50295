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
Blazor.start(Object.keys(reconnectionOptions).length > 0 ? { circuit: { reconnectionOptions } } : undefined);
