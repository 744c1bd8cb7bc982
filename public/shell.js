// Before the first paint, the language and 大字模式 on <html> for index.html's top bar: see the
// comment beside this script in index.html.
(() => {
  const root = document.documentElement;
  const kept = (key) => {
    try {
      return localStorage.getItem(key);
    } catch (_) {
      return null;
    }
  };
  // texts::Lang::from_browser
  const fromBrowser = (tags) => {
    for (const tag of tags) {
      const parts = String(tag).toLowerCase().split(/[-_]/);
      if (parts[0] === "zh") {
        return parts.slice(1).some((p) => ["hant", "tw", "hk", "mo"].includes(p)) ? "zh-Hant" : "zh-Hans";
      }
      if (parts[0] === "en") return "en";
    }
    return "zh-Hans";
  };
  const chosen = kept("field.language");
  const lang = ["zh-Hans", "zh-Hant", "en"].includes(chosen)
    ? chosen
    : fromBrowser(navigator.languages || [navigator.language || ""]);
  root.lang = lang;
  if (kept("field.large-text") === "1") root.classList.add("large-text");
  const wasm = document.querySelector('meta[name="field-wasm"]');
  const split = (module) => {
    const meta = document.querySelector(`meta[name="field-split-${module}"]`);
    return meta ? meta.content.split(" ").filter(Boolean) : [];
  };
  const preload = (files) => {
    for (const file of wasm ? files : []) {
      const link = document.createElement("link");
      link.rel = "preload";
      link.as = "fetch";
      link.crossOrigin = "anonymous";
      link.href = wasm.content.replace(/[^/]*$/, file);
      document.head.append(link);
    }
  };
  const catalog = split(`catalog_${lang.replace("-", "_").toLowerCase()}`);
  preload(catalog);
  // logic::route::Route::parse: the screens of the fieldwork module that the main module draws
  // nothing of (a person, a survey, 设置, the sign-in link a tablet is set up by). Once the first
  // frame is drawn: nothing of it needs them. Not in a page opened hidden, whose first frame
  // waits until it is shown, by when the app may have fetched them itself.
  const screen = location.hash.replace(/^#?\/*/, "").split("/")[0];
  const shown = document.visibilityState !== "hidden";
  if (shown && ["person", "survey", "settings", "signin"].includes(screen)) {
    const fieldwork = split("fieldwork").filter((file) => !catalog.includes(file));
    requestAnimationFrame(() => setTimeout(() => preload(fieldwork)));
  }
})();
