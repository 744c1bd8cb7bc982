// The plain-JavaScript IndexedDB baseline: the least work that stores the same records, written
// directly against the IndexedDB API with no library.

import { Clock, opId, toOp, toRecord } from "./records.js";

/** A request's result, or its error. */
export const request = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Resolves when transaction `tx` is complete; rejects when it fails or is aborted. */
export const committed = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });

/**
 * Delete database `name`. "blocked" only means a closed connection still finishes a transaction:
 * the deletion goes on once it has; give up after 10 s.
 */
export function deleteDatabase(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    let timer = null;
    req.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    req.onerror = () => {
      clearTimeout(timer);
      reject(req.error);
    };
    req.onblocked = () => {
      timer = setTimeout(() => reject(new Error(`deleting ${name}: a connection is still open after 10 s`)), 10000);
    };
  });
}

/**
 * `sameWork: false` writes what the issue names: the record and its outbox entry in one
 * transaction; an import puts the records in one transaction. `sameWork: true` also does what
 * the app does besides. A save reads the current record and the clock first, and writes the
 * advanced clock (the app's history entry is written when the server acknowledges the
 * operation, not on save). An import is of another tablet's file, as the app's: one operation a
 * person, its records noted as 来自文件, the operations kept as history (`importAsTheAppDoes`).
 */
export class Baseline {
  constructor({ sameWork = false } = {}) {
    this.sameWork = sameWork;
    this.name = sameWork ? "js_same_work" : "js";
    this.clock = new Clock();
    this.ops = 0;
  }

  /** Open database `name`, emptied first unless `keep` (a page reloaded onto what it stored). */
  async open(name, { keep = false } = {}) {
    if (!keep) await deleteDatabase(name);
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("people", { keyPath: "id" });
      db.createObjectStore("surveys", { keyPath: "id" }).createIndex("person_id", "fields.person_id");
      db.createObjectStore("outbox", { autoIncrement: true }).createIndex("op_id", "id", { unique: true });
      db.createObjectStore("history", { keyPath: "id" });
      db.createObjectStore("history_pages", { keyPath: "id" }).createIndex("entity_ids", "entity_ids", {
        multiEntry: true,
      });
      db.createObjectStore("meta");
    };
    this.db = await request(req);
  }

  close() {
    this.db.close();
  }

  async saveSurvey(input) {
    const stores = this.sameWork ? ["surveys", "outbox", "meta"] : ["surveys", "outbox"];
    const tx = this.db.transaction(stores, "readwrite");
    const finished = committed(tx);
    const surveys = tx.objectStore("surveys");
    if (this.sameWork) {
      await Promise.all([request(surveys.get(input.id)), request(tx.objectStore("meta").get("hlc_clock"))]);
    }
    const hlc = this.clock.tick();
    const op = toOp("survey", input, hlc, opId(this.ops++));
    surveys.put(toRecord("survey", input, hlc));
    tx.objectStore("outbox").add(op);
    if (this.sameWork) {
      tx.objectStore("meta").put({ millis: this.clock.millis, counter: this.clock.counter }, "hlc_clock");
    }
    tx.commit();
    await finished;
  }

  async bulkImportPeople(inputs) {
    if (this.sameWork) return this.importAsTheAppDoes(inputs);
    const tx = this.db.transaction(["people"], "readwrite");
    const finished = committed(tx);
    const people = tx.objectStore("people");
    const hlc = this.clock.tick();
    for (const input of inputs) people.put(toRecord("person", input, hlc));
    tx.commit();
    await finished;
  }

  /**
   * What the app's import of another tablet's file stores (`Store::import_operations`), in its
   * two transactions: one operation a person, at that tablet's clock; (1) the stored records'
   * keys read, and the records not among them noted under `from_file` (none is stored here, so
   * none has a change to count); (2) the operations kept as history entries of 2,000 (their JSON
   * text and their records' ids, multi-entry indexed), each record added as the operation makes
   * it, and the clock written.
   */
  async importAsTheAppDoes(inputs) {
    const ops = inputs.map((input) => toOp("person", input, this.clock.tick(), opId(this.ops++)));
    let tx = this.db.transaction(["people", "surveys", "history", "history_pages", "meta"], "readwrite");
    let finished = committed(tx);
    const [people, surveys] = await Promise.all([
      request(tx.objectStore("people").getAllKeys()),
      request(tx.objectStore("surveys").getAllKeys()),
    ]);
    const stored = new Set([...people, ...surveys]);
    const fromFile = ops.filter((op) => !stored.has(op.entity_id)).map((op) => [op.entity, op.entity_id]);
    tx.objectStore("meta").put(fromFile, "from_file");
    tx.commit();
    await finished;

    tx = this.db.transaction(["people", "history_pages", "meta"], "readwrite");
    finished = committed(tx);
    const pages = tx.objectStore("history_pages");
    for (let i = 0; i < ops.length; i += 2000) {
      const page = ops.slice(i, i + 2000);
      const id = `${page[0].id}/${page[page.length - 1].id}/${page.length}`;
      pages.put({ id, entity_ids: page.map((op) => op.entity_id), ops: JSON.stringify(page) });
    }
    const records = tx.objectStore("people");
    inputs.forEach((input, i) => records.add(toRecord("person", input, ops[i].hlc)));
    tx.objectStore("meta").put({ millis: this.clock.millis, counter: this.clock.counter }, "hlc_clock");
    tx.commit();
    await finished;
  }

  /**
   * The keystroke draft as plain JavaScript writes it: `n` characters typed into the form's
   * `trade` field (`typed`, emptied every `restart`), after each the whole form as JSON text put
   * into `meta` in a transaction of its own, committed and awaited, as the app does, with the
   * fields typed since the last save and the clocks they were typed over (the app works them
   * out; here they are known); the milliseconds of each write.
   */
  async keystrokeDrafts({ form_json, seen, typed, restart }, n) {
    const form = JSON.parse(form_json);
    const chars = Array.from(typed);
    const times = [];
    for (let i = 0; i < n; i++) {
      if (i % restart === 0) form.survey.trade = "";
      form.survey.trade += chars[i % chars.length];
      const t0 = performance.now();
      const tx = this.db.transaction(["meta"], "readwrite");
      const finished = committed(tx);
      const touched = { person: [], survey: ["trade"] };
      tx.objectStore("meta").put({ survey_id: form.survey_id, form_json: JSON.stringify(form), touched, seen }, "form_draft/" + form.survey_id);
      tx.commit();
      await finished;
      times.push(performance.now() - t0);
    }
    return times;
  }

  async readPeople() {
    const tx = this.db.transaction(["people"], "readonly");
    return request(tx.objectStore("people").getAll());
  }
}
