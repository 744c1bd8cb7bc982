// Storage engines side by side (`--only engines`): the same pull, read and saves through plain
// IndexedDB, stored as the app stores them, and through SQLite on the Origin Private File System
// in a worker (`engines-worker.js`). Plain JavaScript, no app code: the figures size what a
// change of the app's storage engine would buy and cost (docs/PERFORMANCE.md, session 36); they
// are not the app's.
//
// Each engine, in a database of its own, emptied first:
// - pull: `people` new person records in pages of `page`, each page in one transaction: every
//   record one value or row, the page's operations as one history entry (JSON text) findable by
//   each record it names (IndexedDB: a multi-entry index; SQLite: an indexed table), the clock and
//   the cursor;
// - read: every record back into this thread as objects;
// - saves: `saves` saves of one changed record, each in one transaction awaited to its end, doing
//   what the app's save does: read the record and the clock, write the record, its outbox entry
//   and the advanced clock.
// Timed in this thread, so SQLite's figures include the messages to and from its worker, as an
// app's would.

import { deleteDatabase } from "./baseline.js";
import { peopleInputs } from "./data.js";
import { Clock, opId, toOp, toRecord } from "./records.js";

const SEED = 7;
const IDB_NAME = "bench-engines";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

/** The SQLite worker, started once a page; `call(type, args)` resolves to its answer. */
class SqliteWorker {
  constructor() {
    this.worker = new Worker(new URL("./engines-worker.js", import.meta.url), { type: "module" });
    this.next = 0;
    this.waiting = new Map();
    this.worker.onmessage = ({ data }) => {
      const waiter = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (!waiter) return;
      if ("ok" in data) waiter.resolve(data.ok);
      else waiter.reject(new Error(`SQLite worker: ${data.error}`));
    };
    this.worker.onerror = (event) => {
      const error = new Error(`SQLite worker failed: ${event.message}`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
  }

  call(type, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...args, id, type });
    });
  }
}

let sqliteWorker = null;

/** The records and operations of the pull, made as the worker makes its own copy. */
function pulled(people) {
  const clock = new Clock();
  const records = [];
  const ops = [];
  peopleInputs(people, SEED).forEach((input, i) => {
    const hlc = clock.tick();
    records.push(toRecord("person", input, hlc));
    ops.push(toOp("person", input, hlc, opId(i)));
  });
  return { records, ops };
}

/** Save `k`'s changed record, its operation and the clock after it, made in this thread. */
function saveOf(k, records, clock) {
  const record = records[(k * 7919) % records.length];
  const hlc = clock.tick();
  const fields = { ...record.fields, notes: `第${k}次修改` };
  const changed = { ...record, fields, updated: hlc };
  const op = toOp("person", { id: record.id, fields: { notes: fields.notes } }, hlc, opId(1_000_000 + k));
  return { changed, op, clockValue: { millis: clock.millis, counter: clock.counter } };
}

async function idbEngine({ people, page, saves }) {
  const { records, ops } = pulled(people);
  await deleteDatabase(IDB_NAME);
  const opening = indexedDB.open(IDB_NAME, 1);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    db.createObjectStore("records", { keyPath: ["entity", "id"] }).createIndex("entity", "entity");
    db.createObjectStore("history_pages", { keyPath: "id" }).createIndex("entity_ids", "entity_ids", { multiEntry: true });
    db.createObjectStore("outbox", { autoIncrement: true }).createIndex("op_id", "id", { unique: true });
    db.createObjectStore("meta");
  };
  const db = await request(opening);
  try {
    const clock = new Clock();
    const t0 = performance.now();
    for (let first = 0; first < records.length; first += page) {
      const tx = db.transaction(["records", "history_pages", "meta"], "readwrite");
      const finished = committed(tx);
      const store = tx.objectStore("records");
      const pageRecords = records.slice(first, first + page);
      for (const record of pageRecords) store.put(record);
      tx.objectStore("history_pages").put({
        id: first,
        entity_ids: pageRecords.map((r) => r.id),
        ops: JSON.stringify(ops.slice(first, first + page)),
      });
      const meta = tx.objectStore("meta");
      meta.put({ millis: clock.millis, counter: clock.counter }, "hlc_clock");
      meta.put(first + pageRecords.length, "pull_cursor");
      tx.commit();
      await finished;
    }
    const pull_ms = performance.now() - t0;

    const t1 = performance.now();
    const read = await request(db.transaction("records", "readonly").objectStore("records").getAll());
    const read_ms = performance.now() - t1;
    if (read.length !== records.length) throw new Error(`IndexedDB: read ${read.length} of ${records.length}`);

    const save_ms = [];
    for (let k = 0; k < saves; k++) {
      const started = performance.now();
      const { changed, op, clockValue } = saveOf(k, records, clock);
      const tx = db.transaction(["records", "outbox", "meta"], "readwrite");
      const finished = committed(tx);
      const store = tx.objectStore("records");
      await Promise.all([request(store.get(["person", changed.id])), request(tx.objectStore("meta").get("hlc_clock"))]);
      store.put(changed);
      tx.objectStore("outbox").add(op);
      tx.objectStore("meta").put(clockValue, "hlc_clock");
      tx.commit();
      await finished;
      save_ms.push(performance.now() - started);
    }
    return { engine: "indexeddb", pull_ms, read_ms, save_ms };
  } finally {
    db.close();
    await deleteDatabase(IDB_NAME);
  }
}

async function sqliteEngine({ people, page, saves, synchronous, journal }) {
  if (!sqliteWorker) sqliteWorker = new SqliteWorker();
  const worker = sqliteWorker;
  const settings = await worker.call("open", { people, seed: SEED, synchronous, journal });
  const { records } = pulled(people);
  try {
    const clock = new Clock();
    let pull_text_ms = 0;
    let pull_store_ms = 0;
    const t0 = performance.now();
    for (let first = 0; first < people; first += page) {
      const { text_ms, store_ms } = await worker.call("pullPage", { first, size: page });
      pull_text_ms += text_ms;
      pull_store_ms += store_ms;
    }
    const pull_ms = performance.now() - t0;

    const t1 = performance.now();
    const read = (await worker.call("readAll")).map((text) => JSON.parse(text));
    const read_ms = performance.now() - t1;
    if (read.length !== records.length) throw new Error(`SQLite: read ${read.length} of ${records.length}`);

    const save_ms = [];
    for (let k = 0; k < saves; k++) {
      const started = performance.now();
      const { changed, op, clockValue } = saveOf(k, records, clock);
      await worker.call("save", {
        entity: "person",
        id: changed.id,
        json: JSON.stringify(changed),
        op_id: op.id,
        op_json: JSON.stringify(op),
        clock_json: JSON.stringify(clockValue),
      });
      save_ms.push(performance.now() - started);
    }
    return { engine: "sqlite_opfs", pull_ms, pull_text_ms, pull_store_ms, read_ms, save_ms, ...settings };
  } finally {
    await worker.call("close");
  }
}

const ENGINES = { indexeddb: idbEngine, sqlite_opfs: sqliteEngine };

/** Each engine of `order`, in that order: `[{engine, pull_ms, read_ms, save_ms: [..]}, ..]`;
 * SQLite's also with the part of its pull spent in its worker making the texts
 * (`pull_text_ms`) and in its transactions (`pull_store_ms`), and its settings. */
export async function storageEngines({ people, page, saves, order, synchronous = "FULL", journal = "TRUNCATE" }) {
  const out = [];
  for (const name of order) {
    const engine = ENGINES[name];
    if (!engine) throw new Error(`unknown storage engine ${name}`);
    out.push(await engine({ people, page, saves, synchronous, journal }));
  }
  return out;
}
