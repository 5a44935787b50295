// The SDK ships CommonJS only; esbuild turns it (and its Node-style 'events' import) into one browser ES module.
export { default } from "@bandwidth/webrtc-browser";
