// Storage engines side by side (`--only engines`): the same pull, read and saves through plain
// IndexedDB, stored as the app stores people, and through SQLite on the Origin Private File
// System in a worker (`engines-worker.js`). Plain JavaScript, no app code: the figures size what a
// change of the app's storage engine would buy and cost (docs/PERFORMANCE.md, session 36); they
// are not the app's.
//
// Four engines, each durable as its name says, in a database of its own, emptied first:
// - `indexeddb`: Chromium's default durability, which the app uses ("relaxed": a commit is
//   complete once the browser has it, before it is flushed to disk);
// - `indexeddb_strict`: `durability: "strict"` (flushed before complete);
// - `sqlite_opfs`: a write-ahead log, `synchronous=NORMAL`: a commit is not flushed, the log is
//   flushed at each checkpoint; after a power loss the database is whole and may lack its last
//   commits (the pair of relaxed IndexedDB);
// - `sqlite_opfs_full`: the same log, `synchronous=FULL`: flushed before the commit returns (the
//   pair of strict; the server's SQLite runs so).
// SQLite's write-ahead log on OPFS needs `locking_mode=EXCLUSIVE`: one connection holds the file,
// so an app with several tabs would need one worker that all of them talk to.
// Each does:
// - pull: `people` new person records in pages of `page`, each page in one transaction: every
//   record one value or row, the page's operations as one history entry (JSON text) findable by
//   each record it names (IndexedDB: a multi-entry index; SQLite: an indexed table), the clock and
//   the cursor. SQLite stores text: the page makes each page's texts and sends them to the worker;
//   IndexedDB takes the objects;
// - read: every record back in this thread as objects;
// - saves: `saves` saves of one changed record, each in one transaction awaited to its end, doing
//   what the app's save does: read the record and the clock, write the record, its outbox entry
//   (`{id, entity_id, op: JSON text}`, as the app's outbox stores it) and the advanced clock.
// Timed in this thread, so SQLite's figures include the messages to and from its worker, as an
// app's would.

import { committed, deleteDatabase, request } from "./baseline.js";
import { peopleInputs } from "./data.js";
import { Clock, opId, toOp, toRecord } from "./records.js";

const SEED = 7;
const IDB_NAME = "bench-engines";

/** The SQLite worker, started once a page; `call(type, args)` resolves to its answer. A worker
 * that fails (its script not loaded, an uncaught error, a message it cannot read) rejects every
 * waiting and later call at once, and is dropped so that the next run starts another. */
class SqliteWorker {
  constructor() {
    this.worker = new Worker(new URL("./engines-worker.js", import.meta.url), { type: "module" });
    this.next = 0;
    this.waiting = new Map();
    this.failed = null;
    this.worker.onmessage = ({ data }) => {
      const waiter = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (!waiter) return;
      if ("ok" in data) waiter.resolve(data.ok);
      else waiter.reject(new Error(`SQLite worker: ${data.error}`));
    };
    const fail = (what) => (event) => {
      this.failed = new Error(`SQLite worker ${what}: ${(event && event.message) || "no message (its script did not load?)"}`);
      for (const waiter of this.waiting.values()) waiter.reject(this.failed);
      this.waiting.clear();
      this.worker.terminate();
      if (sqliteWorker === this) sqliteWorker = null;
    };
    this.worker.onerror = fail("failed");
    this.worker.onmessageerror = fail("sent a message that could not be read");
  }

  call(type, args = {}) {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...args, id, type });
    });
  }
}

let sqliteWorker = null;

/** The records and operations of the pull (the same for every engine: one generator, one seed). */
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

/** Save `k`'s changed record, its operation as the outbox stores it and the clock after it. */
function saveOf(k, records, clock) {
  const record = records[(k * 7919) % records.length];
  const hlc = clock.tick();
  const fields = { ...record.fields, notes: `第${k}次修改` };
  const changed = { ...record, fields, updated: hlc };
  const op = toOp("person", { id: record.id, fields: { notes: fields.notes } }, hlc, opId(1_000_000 + k));
  const entry = { id: op.id, entity_id: record.id, op: JSON.stringify(op) };
  return { changed, entry, clockValue: { millis: clock.millis, counter: clock.counter } };
}

function idbEngine(durability) {
  return async ({ records, ops, page, saves }) => {
    await deleteDatabase(IDB_NAME);
    const opening = indexedDB.open(IDB_NAME, 1);
    opening.onupgradeneeded = () => {
      const db = opening.result;
      db.createObjectStore("people", { keyPath: "id" });
      db.createObjectStore("history_pages", { keyPath: "id" }).createIndex("entity_ids", "entity_ids", { multiEntry: true });
      db.createObjectStore("outbox", { autoIncrement: true }).createIndex("op_id", "id", { unique: true });
      db.createObjectStore("meta");
    };
    const db = await request(opening);
    const options = durability ? { durability } : undefined;
    try {
      const clock = new Clock();
      const t0 = performance.now();
      for (let first = 0; first < records.length; first += page) {
        const tx = db.transaction(["people", "history_pages", "meta"], "readwrite", options);
        const finished = committed(tx);
        const store = tx.objectStore("people");
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
      const read = await request(db.transaction("people", "readonly").objectStore("people").getAll());
      const read_ms = performance.now() - t1;
      if (read.length !== records.length) throw new Error(`IndexedDB: read ${read.length} of ${records.length}`);

      const save_ms = [];
      for (let k = 0; k < saves; k++) {
        const started = performance.now();
        const { changed, entry, clockValue } = saveOf(k, records, clock);
        const tx = db.transaction(["people", "outbox", "meta"], "readwrite", options);
        const finished = committed(tx);
        const store = tx.objectStore("people");
        await Promise.all([request(store.get(changed.id)), request(tx.objectStore("meta").get("hlc_clock"))]);
        store.put(changed);
        tx.objectStore("outbox").add(entry);
        tx.objectStore("meta").put(clockValue, "hlc_clock");
        tx.commit();
        await finished;
        save_ms.push(performance.now() - started);
      }
      return { pull_ms, read_ms, save_ms, durability: durability || "default" };
    } finally {
      db.close();
      await deleteDatabase(IDB_NAME);
    }
  };
}

function sqliteEngine(synchronous, journal, locking) {
  return async ({ records, ops, page, saves }) => {
    if (!sqliteWorker) sqliteWorker = new SqliteWorker();
    const worker = sqliteWorker;
    const settings = await worker.call("open", { synchronous, journal, locking });
    try {
      const clock = new Clock();
      let pull_store_ms = 0;
      const t0 = performance.now();
      for (let first = 0; first < records.length; first += page) {
        const pageRecords = records.slice(first, first + page);
        const answer = await worker.call("pullPage", {
          first,
          ids: pageRecords.map((r) => r.id),
          texts: pageRecords.map((r) => JSON.stringify(r)),
          history: JSON.stringify(ops.slice(first, first + page)),
          clock: JSON.stringify({ millis: clock.millis, counter: clock.counter }),
        });
        pull_store_ms += answer.store_ms;
      }
      const pull_ms = performance.now() - t0;

      const t1 = performance.now();
      const read = (await worker.call("readAll")).map((text) => JSON.parse(text));
      const read_ms = performance.now() - t1;
      if (read.length !== records.length) throw new Error(`SQLite: read ${read.length} of ${records.length}`);

      const save_ms = [];
      for (let k = 0; k < saves; k++) {
        const started = performance.now();
        const { changed, entry, clockValue } = saveOf(k, records, clock);
        await worker.call("save", {
          id: changed.id,
          json: JSON.stringify(changed),
          op_id: entry.id,
          op: entry.op,
          clock: JSON.stringify(clockValue),
        });
        save_ms.push(performance.now() - started);
      }
      return { pull_ms, pull_store_ms, read_ms, save_ms, ...settings };
    } finally {
      // A failed worker has already answered with its error; closing it cannot add to that.
      await worker.call("close").catch(() => {});
    }
  };
}

const ENGINES = {
  indexeddb: idbEngine(null),
  indexeddb_strict: idbEngine("strict"),
  sqlite_opfs: sqliteEngine("NORMAL", "WAL", "EXCLUSIVE"),
  sqlite_opfs_full: sqliteEngine("FULL", "WAL", "EXCLUSIVE"),
};

/** Each engine of `order`, in that order: `[{engine, pull_ms, read_ms, save_ms: [..], ..}, ..]`;
 * IndexedDB's with the durability asked for, SQLite's with the part of its pull spent inside its
 * transactions in the worker (`pull_store_ms`) and its settings as it reports them. */
export async function storageEngines({ people, page, saves, order }) {
  const { records, ops } = pulled(people);
  const out = [];
  for (const name of order) {
    const engine = ENGINES[name];
    if (!engine) throw new Error(`unknown storage engine ${name}`);
    out.push({ engine: name, ...(await engine({ records, ops, page, saves })) });
  }
  return out;
}
