// The benchmark page: runs the same IndexedDB work through the app (wasm), the plain-JS baseline
// and Dexie in one browser, and hands the figures to the native runner (crates/bench) through
// `window.fieldBench`. Times are milliseconds from performance.now().

import init, * as wasm from "./pkg/bench_web.js";
import { AppImpl } from "./app-impl.js";
import { Baseline, deleteDatabase } from "./baseline.js";
import { DexieImpl } from "./dexie-impl.js";
import { peopleInputs, surveyInputs, SEARCH_QUERY } from "./data.js";
import { buildRows, searchRows } from "./records.js";
import { recordChunks } from "./chunks.js";
import { storageEngines } from "./engines.js";

const SEARCH_REPEATS = 15;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

const implementations = (app) => ({
  app,
  js: new Baseline(),
  js_same_work: new Baseline({ sameWork: true }),
  dexie: new DexieImpl(),
});

/** UTF-8 bytes of the JSON form of the first record of `store` in database `dbName`. */
async function storedRecordBytes(dbName, store) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const value = await new Promise((resolve, reject) => {
      const req = db.transaction([store]).objectStore(store).openCursor();
      req.onsuccess = () => resolve(req.result ? req.result.value : null);
      req.onerror = () => reject(req.error);
    });
    return value ? new TextEncoder().encode(JSON.stringify(value)).length : 0;
  } finally {
    db.close();
  }
}

async function saveSeries(impl, inputs) {
  if (impl.saveSeries) return impl.saveSeries(inputs);
  const times = [];
  for (const input of inputs) {
    const t0 = performance.now();
    await impl.saveSurvey(input);
    times.push(performance.now() - t0);
  }
  return times;
}

async function bulkImport(impl, people) {
  if (impl.bulkImportTimed) return impl.bulkImportTimed(people);
  const t0 = performance.now();
  await impl.bulkImportPeople(people);
  return performance.now() - t0;
}

/** Read all people, build the list rows, search them by name: app or JS. */
async function readAndSearch(impl, query) {
  let t0 = performance.now();
  const read = await impl.readPeople();
  const readMs = performance.now() - t0;
  const count = typeof read === "number" ? read : read.length;

  t0 = performance.now();
  const rows = impl.buildRows ? impl.buildRows() : buildRows(read);
  const rowsMs = performance.now() - t0;

  const searchTimes = [];
  let matches = 0;
  for (let i = 0; i < SEARCH_REPEATS; i++) {
    t0 = performance.now();
    matches = impl.search ? impl.search(query) : searchRows(rows, query).total;
    searchTimes.push(performance.now() - t0);
  }
  if (impl.release) impl.release();
  return { count, read_ms: readMs, rows_ms: rowsMs, search_ms: median(searchTimes), matches };
}

/** One run of the IndexedDB scenario for every implementation in `order`. */
async function idb({ saves, people, order }) {
  const surveys = surveyInputs(saves, 1);
  const persons = peopleInputs(people, 2);
  const impls = implementations(new AppImpl(wasm));
  const results = {};
  for (const key of order) {
    const impl = impls[key];
    const dbName = `bench-${key}`;
    await impl.open(dbName);
    const saveMs = await saveSeries(impl, surveys);
    const importMs = await bulkImport(impl, persons);
    const read = await readAndSearch(impl, SEARCH_QUERY);
    impl.close();
    results[key] = {
      save_ms: saveMs,
      import_ms: importMs,
      ...read,
      record_bytes: await storedRecordBytes(dbName, "surveys"),
    };
    await deleteDatabase(dbName);
  }
  return results;
}

const MEMORY_DB = { app: "bench-mem-app", js: "bench-mem-js" };

/** Store `people` people with implementation `impl` ("app" or "js") into its memory database;
 * the page is then reloaded and `holdPeople` reads them into a fresh heap. */
async function storePeople({ impl, people }) {
  const store = impl === "app" ? new AppImpl(wasm) : new Baseline();
  await store.open(MEMORY_DB[impl]);
  if (impl === "app") await store.bulkImportTimed(peopleInputs(people, 2));
  else await store.bulkImportPeople(peopleInputs(people, 2));
  store.close();
  return { people };
}

/** Read the people `storePeople` left (or, with `importFirst`, import them in this page first)
 * and keep in memory what the list screen keeps. The app: in wasm, the list's rows, read as its
 * screen reads them (`services::people::list_rows`: each member decoded and made into its row at
 * once, so the people are never all held). Plain JS (`js`): the records `getAll` gave (every
 * field and clock) and the rows (round 1's baseline). Plain JS holding the same as the app
 * (`js_same`): the rows; the records themselves are dropped. (Until session 35 the app held
 * each person as the list decoded it beside the rows, and `js_same` held the same pair.) */
async function holdPeople({ impl, people, importFirst = false }) {
  if (impl === "app") {
    const app = new AppImpl(wasm);
    await app.open(MEMORY_DB.app, { keep: !importFirst });
    if (importFirst) await app.bulkImportTimed(peopleInputs(people, 2));
    const count = await app.readPeople();
    return { count, wasm_memory_bytes: wasm.wasm_memory_bytes() };
  }
  const js = new Baseline();
  await js.open(MEMORY_DB.js, { keep: !importFirst });
  if (importFirst) await js.bulkImportPeople(peopleInputs(people, 2));
  const records = await js.readPeople();
  const rows = buildRows(records);
  window.__held = impl === "js_same" ? { rows } : { records, rows };
  return { count: records.length, wasm_memory_bytes: wasm.wasm_memory_bytes() };
}

/** The keystroke draft: `keystrokes` characters typed into a filled survey form, each followed
 * by the draft write the form does; milliseconds of each write, by the app and by plain
 * JavaScript writing the same text the same way (each in a database of its own).
 *
 * Both first type the same text into a database that is then deleted, untimed. Without that,
 * the app, timed first in a fresh browser, paid for the browser's IndexedDB warming up: its p95
 * was about 1 ms above plain JavaScript's, and level with it once either side had typed first
 * (docs/PERFORMANCE.md, round 11). A surveyor types into a form the app opened after it had
 * already read and written its database. */
async function keystrokeDrafts({ keystrokes }) {
  const typeApp = (app) => app.keystrokeDrafts(keystrokes);
  const typeJs = (js) => js.keystrokeDrafts(wasm.app_draft_form(), keystrokes);
  await inOwnDatabase(new AppImpl(wasm), "bench-drafts-warm-up", typeApp);
  await inOwnDatabase(new Baseline(), "bench-drafts-js-warm-up", typeJs);
  const draft_ms = await inOwnDatabase(new AppImpl(wasm), "bench-drafts", typeApp);
  return { draft_ms, js_draft_ms: await inOwnDatabase(new Baseline(), "bench-drafts-js", typeJs) };
}

/** `work(impl)` on a database of its own named `dbName`, deleted afterwards. */
async function inOwnDatabase(impl, dbName, work) {
  await impl.open(dbName);
  try {
    return await work(impl);
  } finally {
    impl.close();
    await deleteDatabase(dbName);
  }
}

/** Pull every operation from the office server into a fresh database through the app's store. */
async function pull({ origin, token, limit }) {
  return inOwnDatabase(new AppImpl(wasm), "bench-pull", async () => {
    const t0 = performance.now();
    const outcome = await wasm.app_pull(origin, token, limit);
    return { ...outcome, ms: performance.now() - t0 };
  });
}

const scenarios = { idb, storePeople, holdPeople, keystrokeDrafts, pull, recordChunks, storageEngines };

window.fieldBench = {
  ready: init().then(() => true),
  /** Run a scenario; resolves to `{ok: result}` or `{error: message}` (never rejects). */
  async run(name, args) {
    try {
      await window.fieldBench.ready;
      const scenario = scenarios[name];
      if (!scenario) throw new Error(`unknown scenario ${name}`);
      return { ok: await scenario(args) };
    } catch (e) {
      return { error: String((e && e.stack) || e) };
    }
  },
};
