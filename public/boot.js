// Starts the wasm app. The server's Content-Security-Policy forbids inline scripts, so
// scripts/build-wasm.sh writes the directory of this build's modules into <meta name="field-js">
// and <meta name="field-wasm"> of index.html, and this fixed, external module loads them.
// public/shell.js has already put the language and 大字模式 on <html>.

const named = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: build it with Trunk`);
  }
  return meta.content;
};

// A module that cannot load (the network lost on a first visit, a browser without WebAssembly)
// leaves index.html's top bar with a message and a way to reload, not a page that stays blank.
try {
  const { default: init } = await import(named("field-js"));
  await init({ module_or_path: named("field-wasm") });
} catch (error) {
  console.error("the app could not start:", error);
  const failed = document.getElementById("app-start-failed");
  if (failed) {
    failed.hidden = false;
    failed.querySelector("button")?.addEventListener("click", () => location.reload());
  }
}
