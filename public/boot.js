// Starts the wasm app from the modules named in index.html's <meta name="field-js|field-wasm">
// (scripts/build-wasm.sh; the Content-Security-Policy allows no inline script). A start that
// fails before the app has mounted shows index.html's #app-start-failed: see the comment there.

const named = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: build it with Trunk`);
  }
  return meta.content;
};

const failed = (error) => {
  if (!document.getElementById("app-shell")) return; // mounted: the app shows its own errors
  console.error("the app could not start:", error);
  const message = document.getElementById("app-start-failed");
  if (message && message.hidden) {
    message.hidden = false;
    message.querySelector("button")?.addEventListener("click", () => location.reload());
  }
};
addEventListener("error", (event) => failed(event.error || event.message));
addEventListener("unhandledrejection", (event) => failed(event.reason));
// No top-level await: an old browser still gets as far as the message.
import(named("field-js"))
  .then(({ default: init }) => init({ module_or_path: named("field-wasm") }))
  .catch(failed);
