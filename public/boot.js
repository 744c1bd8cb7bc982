// Starts the wasm app. The server's Content-Security-Policy forbids inline scripts, so
// scripts/build-wasm.sh writes the directory of this build's modules into <meta name="field-js">
// and <meta name="field-wasm"> of index.html, and this fixed, external module loads them.
// 设置's larger-text mode (src/browser/text_size.rs keeps it): on <html> before the app's module
// loads, so the first screen already shows in large text.
try {
  if (localStorage.getItem("field.large-text") === "1") {
    document.documentElement.classList.add("large-text");
  }
} catch (_) {
  // No localStorage (a locked-down browser): the normal size.
}

const named = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: build it with Trunk`);
  }
  return meta.content;
};

const { default: init } = await import(named("field-js"));
await init({ module_or_path: named("field-wasm") });
