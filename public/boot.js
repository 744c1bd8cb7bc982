// Starts the wasm app. The server's Content-Security-Policy forbids inline scripts, so
// scripts/build-wasm.sh writes the directory of this build's modules into <meta name="field-js">
// and <meta name="field-wasm"> of index.html, and this fixed, external module loads them.
// 设置's 大字模式 (src/browser/text_size.rs), on before the app draws its first screen.
try {
  if (localStorage.getItem("field.large-text") === "1") document.documentElement.classList.add("large-text");
} catch (_) {}

const named = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: build it with Trunk`);
  }
  return meta.content;
};

const { default: init } = await import(named("field-js"));
await init({ module_or_path: named("field-wasm") });
