// The same work through Dexie (npm `dexie`), the most used IndexedDB library: transactions for
// the save, bulkPut for the import, toArray for the read.

import Dexie from "./dexie.mjs";
import { Clock, opId, toOp, toRecord } from "./records.js";

export class DexieImpl {
  constructor() {
    this.name = "dexie";
    this.clock = new Clock();
    this.ops = 0;
  }

  async open(name) {
    await Dexie.delete(name);
    this.db = new Dexie(name);
    this.db.version(1).stores({
      people: "id",
      surveys: "id, fields.person_id",
      outbox: "++, &id",
      meta: "",
    });
    await this.db.open();
  }

  close() {
    this.db.close();
  }

  async saveSurvey(input) {
    const db = this.db;
    await db.transaction("rw", db.surveys, db.outbox, async () => {
      const hlc = this.clock.tick();
      await db.surveys.put(toRecord("survey", input, hlc));
      await db.outbox.add(toOp("survey", input, hlc, opId(this.ops++)));
    });
  }

  async bulkImportPeople(inputs) {
    const hlc = this.clock.tick();
    await this.db.people.bulkPut(inputs.map((input) => toRecord("person", input, hlc)));
  }

  async readPeople() {
    return this.db.people.toArray();
  }
}
