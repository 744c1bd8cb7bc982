// Starts the wasm app. The server's Content-Security-Policy forbids inline scripts, so Trunk
// writes the hashed file names into <meta name="field-js"> / <meta name="field-wasm"> (see
// Trunk.toml `pattern_script`) and this fixed, external module loads them.
const named = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: build it with Trunk`);
  }
  return meta.content;
};

const { default: init } = await import(named("field-js"));
await init({ module_or_path: named("field-wasm") });
