// What the JavaScript implementations store: the same shapes the app stores (shared::record::Record
// and shared::op::Operation, serialised as plain objects), so every implementation writes records
// of the same size.

const DEVICE = "0f0e0d0c0b0a09080706050403020100";
const AUTHOR = "bench";

/** A hybrid logical clock (millis, counter, device) like shared::hlc, as its sortable string. */
export class Clock {
  constructor(device = DEVICE) {
    this.device = device;
    this.millis = 0;
    this.counter = 0;
  }

  tick() {
    const now = Date.now();
    if (now > this.millis) {
      this.millis = now;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    return `${String(this.millis).padStart(16, "0")}-${String(this.counter).padStart(6, "0")}-${this.device}`;
  }
}

/** A UUIDv7-like operation id (time-ordered). */
export function opId(counter) {
  const ms = Date.now().toString(16).padStart(12, "0");
  const c = counter.toString(16).padStart(16, "0");
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(4, 16)}`;
}

/** The record for `input` ({id, branch_id, fields}) written at clock `hlc`. */
export function toRecord(entity, input, hlc) {
  const meta = {};
  for (const field of Object.keys(input.fields)) meta[field] = { clock: hlc, author: AUTHOR };
  return { entity, id: input.id, branch_id: input.branch_id, fields: input.fields, meta, updated: hlc };
}

/** The outbox operation that sets every field of `input`. */
export function toOp(entity, input, hlc, id) {
  return {
    id,
    device_id: "0f0e0d0c-0b0a-4908-8706-050403020100",
    author: AUTHOR,
    hlc,
    entity,
    entity_id: input.id,
    branch_id: input.branch_id,
    kind: "upsert",
    changes: Object.entries(input.fields).map(([field, value]) => ({ field, value })),
  };
}

/** The name as the search compares it; the name itself (not a copy) when lower-casing changes
 * nothing, as the app holds no second copy then (since session 35). */
function ownKey(name) {
  const key = String(name).toLowerCase();
  return key === name ? name : key;
}

/**
 * The people list rows (what the app's `logic::people::RowBuilder` makes): name and a lower-cased
 * key, sorted by name.
 */
export function buildRows(people) {
  const rows = people.map((r) => ({
    id: r.id,
    name: r.fields.name,
    key: ownKey(r.fields.name),
    branch_id: r.fields.branch_id || r.branch_id,
    village_unit: r.fields.village_unit,
    category: r.fields.category,
  }));
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows;
}

/** Rows whose name contains `query`: the first `limit` and the total (logic::people::filter_page). */
export function searchRows(rows, query, limit = 50) {
  const q = query.trim().toLowerCase();
  const page = [];
  let total = 0;
  for (const row of rows) {
    if (row.key.includes(q)) {
      if (page.length < limit) page.push(row);
      total += 1;
    }
  }
  return { page, total };
}
