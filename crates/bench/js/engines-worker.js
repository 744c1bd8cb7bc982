// SQLite (the SQLite project's own wasm build, npm `@sqlite.org/sqlite-wasm`) on the Origin
// Private File System, in a dedicated worker: the storage half of the `engines` part
// (`engines.js`). Plain JavaScript, no app code. SQLite's OPFS file system ("opfs-sahpool")
// needs synchronous file handles, which only a worker has, so an app storing in it would send
// each store call to a worker as this page does.
//
// Messages: {id, type, ...args}; answered {id, ok} or {id, error}. The records and operations are
// made here from the same generator and seed as the IndexedDB half, so nothing large crosses
// between the threads except what an app would send: a save's record, and the records read back.

import sqlite3InitModule from "./sqlite3.mjs";
import { peopleInputs } from "./data.js";
import { Clock, opId, toOp, toRecord } from "./records.js";

const DB_FILE = "/bench-engines.sqlite3";

let sqlite3 = null;
let pool = null;
let db = null;
let records = [];
let ops = [];
let clock = new Clock();

const SCHEMA = `
  CREATE TABLE records (entity TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
                        PRIMARY KEY (entity, id));
  CREATE TABLE history_pages (id INTEGER PRIMARY KEY, ops TEXT NOT NULL);
  CREATE TABLE history_entities (entity_id TEXT NOT NULL, page INTEGER NOT NULL);
  CREATE INDEX history_by_entity ON history_entities (entity_id);
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT NOT NULL UNIQUE,
                       json TEXT NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** A fresh database file with the schema, SQLite's settings as `synchronous` and `journal`
 * name them, and `people` new person records with their operations, as a pull brings them.
 * Pages of 16 KB: with SQLite's default 4 KB, a record of 1.3 KB and a history entry of 450 KB
 * spread over four times as many writes to the file, and a pull took 1.0 s instead of 0.6
 * (32 and 64 KB: no faster to pull, slower to save; a 64 MB page cache: no faster). */
async function open({ people, seed, synchronous, journal }) {
  if (!sqlite3) sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
  if (!pool) pool = await sqlite3.installOpfsSAHPoolVfs({ name: "bench-engines", clearOnInit: true });
  await pool.wipeFiles();
  db = new pool.OpfsSAHPoolDb(DB_FILE);
  db.exec(`PRAGMA page_size = 16384; PRAGMA journal_mode = ${journal}; PRAGMA synchronous = ${synchronous};`);
  db.exec(SCHEMA);
  clock = new Clock();
  records = [];
  ops = [];
  peopleInputs(people, seed).forEach((input, i) => {
    const hlc = clock.tick();
    records.push(toRecord("person", input, hlc));
    ops.push(toOp("person", input, hlc, opId(i)));
  });
  return {
    sqlite: sqlite3.version.libVersion,
    journal_mode: db.selectValue("PRAGMA journal_mode"),
    synchronous: db.selectValue("PRAGMA synchronous"),
    page_size: db.selectValue("PRAGMA page_size"),
  };
}

/** One pulled page in one transaction, as the app's store writes it: each record, the page's
 * operations as one history entry with a row per record it names (IndexedDB's multi-entry
 * index), the clock and the cursor. The records' and the history's texts are made first;
 * answers the milliseconds spent making them and in the transaction. */
function pullPage({ first, size }) {
  const t0 = performance.now();
  const page = records.slice(first, first + size);
  const texts = page.map((record) => JSON.stringify(record));
  const history = JSON.stringify(ops.slice(first, first + size));
  const clockText = JSON.stringify({ millis: clock.millis, counter: clock.counter });
  const t1 = performance.now();
  db.transaction((tx) => {
    const put = tx.prepare("INSERT OR REPLACE INTO records (entity, id, json) VALUES (?, ?, ?)");
    try {
      page.forEach((record, i) => put.bind([record.entity, record.id, texts[i]]).stepReset());
    } finally {
      put.finalize();
    }
    tx.exec({ sql: "INSERT INTO history_pages (id, ops) VALUES (?, ?)", bind: [first, history] });
    const named = tx.prepare("INSERT INTO history_entities (entity_id, page) VALUES (?, ?)");
    try {
      for (const record of page) named.bind([record.id, first]).stepReset();
    } finally {
      named.finalize();
    }
    const meta = tx.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    try {
      meta.bind(["hlc_clock", clockText]).stepReset();
      meta.bind(["pull_cursor", String(first + page.length)]).stepReset();
    } finally {
      meta.finalize();
    }
  });
  return { text_ms: t1 - t0, store_ms: performance.now() - t1 };
}

/** Every record's stored text, in key order. */
function readAll() {
  return db.selectValues("SELECT json FROM records");
}

/** The app's save: read the record and the clock, write the record, its outbox entry and the
 * advanced clock, in one transaction. The texts are made by the page, as an app would make them
 * before sending them here. */
function save({ entity, id, json, op_id, op_json, clock_json }) {
  db.transaction("IMMEDIATE", (tx) => {
    tx.selectValue("SELECT json FROM records WHERE entity = ? AND id = ?", [entity, id]);
    tx.selectValue("SELECT value FROM meta WHERE key = 'hlc_clock'");
    tx.exec({ sql: "INSERT OR REPLACE INTO records (entity, id, json) VALUES (?, ?, ?)", bind: [entity, id, json] });
    tx.exec({ sql: "INSERT INTO outbox (op_id, json) VALUES (?, ?)", bind: [op_id, op_json] });
    tx.exec({ sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_clock', ?)", bind: [clock_json] });
  });
  return true;
}

async function close() {
  if (db) db.close();
  db = null;
  records = [];
  ops = [];
  if (pool) await pool.wipeFiles();
  return true;
}

const handlers = { open, pullPage, readAll, save, close };

self.onmessage = async ({ data }) => {
  try {
    const handler = handlers[data.type];
    if (!handler) throw new Error(`unknown message ${data.type}`);
    self.postMessage({ id: data.id, ok: await handler(data) });
  } catch (e) {
    self.postMessage({ id: data.id, error: String((e && e.stack) || e) });
  }
};
