// Records in chunks: what storing several records in one IndexedDB value would do to a pull's
// writes, to reading every record and to a save. Plain JavaScript, no app code: the figures size
// a storage design (docs/PERFORMANCE.md, round 13); they are not the app's.
//
// For each chunk size, in a database of its own: the records of a pull written page by page (each
// page's new records and its operations as one history entry, in one transaction, as the app's
// store writes a pulled page), one record per value at size 1, `size` records per value above;
// then every record read back; then `saves` saves of one changed record (above size 1, its chunk
// read, changed and written back whole, in one transaction).

import { committed, deleteDatabase, request } from "./baseline.js";
import { peopleInputs } from "./data.js";
import { Clock, opId, toOp, toRecord } from "./records.js";

const RECORDS = "records";
const HISTORY = "history_pages";

async function open(name) {
  await deleteDatabase(name);
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore(RECORDS, { keyPath: "id" });
    req.result.createObjectStore(HISTORY, { keyPath: "id" });
  };
  return request(req);
}

/** One chunk size: `{ size, write_ms, read_ms, save_ms: [..] }`. */
async function oneSize(size, records, ops, { page, saves }) {
  const name = `bench-chunks-${size}`;
  const db = await open(name);
  try {
    const chunkOf = new Map();
    const t0 = performance.now();
    for (let first = 0; first < records.length; first += page) {
      const tx = db.transaction([RECORDS, HISTORY], "readwrite");
      const store = tx.objectStore(RECORDS);
      tx.objectStore(HISTORY).put({ id: first, ops: JSON.stringify(ops.slice(first, first + page)) });
      const pageRecords = records.slice(first, first + page);
      if (size === 1) {
        for (const record of pageRecords) store.put(record);
      } else {
        for (let at = 0; at < pageRecords.length; at += size) {
          const id = `chunk-${first + at}`;
          const members = pageRecords.slice(at, at + size);
          for (const record of members) chunkOf.set(record.id, id);
          store.put({ id, records: members });
        }
      }
      await committed(tx);
    }
    const write_ms = performance.now() - t0;

    const t1 = performance.now();
    const values = await request(db.transaction(RECORDS, "readonly").objectStore(RECORDS).getAll());
    const read = size === 1 ? values : values.flatMap((chunk) => chunk.records);
    const read_ms = performance.now() - t1;
    if (read.length !== records.length) throw new Error(`chunks of ${size}: read ${read.length} of ${records.length}`);

    const save_ms = [];
    for (let k = 0; k < saves; k++) {
      const record = records[(k * 7919) % records.length];
      const changed = { ...record, fields: { ...record.fields, notes: `第${k}次修改` } };
      const started = performance.now();
      const tx = db.transaction(RECORDS, "readwrite");
      const store = tx.objectStore(RECORDS);
      if (size === 1) {
        store.put(changed);
      } else {
        const chunk = await request(store.get(chunkOf.get(record.id)));
        chunk.records[chunk.records.findIndex((r) => r.id === record.id)] = changed;
        store.put(chunk);
      }
      await committed(tx);
      save_ms.push(performance.now() - started);
    }
    return { size, write_ms, read_ms, save_ms };
  } finally {
    db.close();
    await deleteDatabase(name);
  }
}

/** Every size of `sizes`, in that order, on the same `people` new records. */
export async function recordChunks({ people, sizes, page, saves }) {
  const clock = new Clock();
  const inputs = peopleInputs(people, 7);
  const records = [];
  const ops = [];
  inputs.forEach((input, i) => {
    const hlc = clock.tick();
    records.push(toRecord("person", input, hlc));
    ops.push(toOp("person", input, hlc, opId(i)));
  });
  const out = [];
  for (const size of sizes) out.push(await oneSize(size, records, ops, { page, saves }));
  return out;
}
