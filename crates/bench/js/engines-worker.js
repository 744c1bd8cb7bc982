// SQLite (the SQLite project's own wasm build, npm `@sqlite.org/sqlite-wasm`) on the Origin
// Private File System, in a dedicated worker: the storage half of the `engines` part
// (`engines.js`). Plain JavaScript, no app code. SQLite's OPFS file system ("opfs-sahpool")
// needs synchronous file handles, which only a worker has, so an app storing in it would send
// each store call to a worker as the page does: every text stored is made in the page and sent.
//
// Messages: {id, type, ...args}; answered {id, ok} or {id, error}.

import sqlite3InitModule from "./sqlite3.mjs";

const DB_FILE = "/bench-engines.sqlite3";

let sqlite3 = null;
let pool = null;
let db = null;

// As the app's stores (src/store/schema.rs): people keyed by id; the history of pulled pages,
// findable by each record a page names (IndexedDB's multi-entry index); the outbox keyed in
// order with a unique operation id; meta by key.
const SCHEMA = `
  CREATE TABLE people (id TEXT PRIMARY KEY, json TEXT NOT NULL);
  CREATE TABLE history_pages (id INTEGER PRIMARY KEY, ops TEXT NOT NULL);
  CREATE TABLE history_entities (entity_id TEXT NOT NULL, page INTEGER NOT NULL);
  CREATE INDEX history_by_entity ON history_entities (entity_id);
  CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT NOT NULL UNIQUE,
                       entity_id TEXT NOT NULL, op TEXT NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** A fresh database file with the schema and SQLite's settings as `synchronous`, `journal` and
 * `locking` name them. Pages of 16 KB: with SQLite's default 4 KB, a record of 1.3 KB and a
 * history entry of 450 KB take four times as many writes to the file, and a pull's transactions
 * took 1.0 s instead of 0.63 (32 KB: 0.58 s; 64 KB: 0.64 s and slower saves; a 64 MB page
 * cache: no faster). */
async function open({ synchronous, journal, locking }) {
  if (!sqlite3) sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
  if (!pool) pool = await sqlite3.installOpfsSAHPoolVfs({ name: "bench-engines", clearOnInit: true });
  await close();
  db = new pool.OpfsSAHPoolDb(DB_FILE);
  try {
    db.exec(`PRAGMA page_size = 16384; PRAGMA locking_mode = ${locking}; PRAGMA journal_mode = ${journal}; PRAGMA synchronous = ${synchronous};`);
    db.exec(SCHEMA);
    return {
      sqlite: sqlite3.version.libVersion,
      journal_mode: db.selectValue("PRAGMA journal_mode"),
      locking_mode: db.selectValue("PRAGMA locking_mode"),
      synchronous: String(db.selectValue("PRAGMA synchronous")),
      page_size: String(db.selectValue("PRAGMA page_size")),
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** One pulled page in one transaction, as the app's store writes it: each record, the page's
 * operations as one history entry with a row per record it names, the clock and the cursor.
 * Answers the milliseconds spent inside the transaction. */
function pullPage({ first, ids, texts, history, clock }) {
  const t0 = performance.now();
  db.transaction((tx) => {
    const put = tx.prepare("INSERT OR REPLACE INTO people (id, json) VALUES (?, ?)");
    try {
      ids.forEach((id, i) => put.bind([id, texts[i]]).stepReset());
    } finally {
      put.finalize();
    }
    tx.exec({ sql: "INSERT INTO history_pages (id, ops) VALUES (?, ?)", bind: [first, history] });
    const named = tx.prepare("INSERT INTO history_entities (entity_id, page) VALUES (?, ?)");
    try {
      for (const id of ids) named.bind([id, first]).stepReset();
    } finally {
      named.finalize();
    }
    const meta = tx.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    try {
      meta.bind(["hlc_clock", clock]).stepReset();
      meta.bind(["pull_cursor", String(first + ids.length)]).stepReset();
    } finally {
      meta.finalize();
    }
  });
  return { store_ms: performance.now() - t0 };
}

/** Every person's stored text. */
function readAll() {
  return db.selectValues("SELECT json FROM people");
}

/** The app's save: read the record and the clock, write the record, its outbox entry and the
 * advanced clock, in one transaction. The texts are made by the page. */
function save({ id, json, op_id, op, clock }) {
  db.transaction("IMMEDIATE", (tx) => {
    tx.selectValue("SELECT json FROM people WHERE id = ?", [id]);
    tx.selectValue("SELECT value FROM meta WHERE key = 'hlc_clock'");
    tx.exec({ sql: "INSERT OR REPLACE INTO people (id, json) VALUES (?, ?)", bind: [id, json] });
    tx.exec({ sql: "INSERT INTO outbox (op_id, entity_id, op) VALUES (?, ?, ?)", bind: [op_id, id, op] });
    tx.exec({ sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_clock', ?)", bind: [clock] });
  });
  return true;
}

/** Close the database and empty the pool's files. */
async function close() {
  if (db) {
    const open = db;
    db = null;
    open.close();
  }
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
