// The app's own store code (src/store, compiled into crates/bench/web) behind the same interface
// as the JavaScript implementations. Inputs are converted to Rust values before the clock starts,
// so the timings cover what the app does when the user saves, imports or opens the list.

import { deleteDatabase } from "./baseline.js";

export class AppImpl {
  constructor(wasm) {
    this.wasm = wasm;
    this.name = "app";
  }

  /** Open database `name`, emptied first unless `keep` (a page reloaded onto what it stored). */
  async open(name, { keep = false } = {}) {
    if (!keep) await deleteDatabase(name);
    await this.wasm.app_open(name);
  }

  close() {
    this.wasm.app_close();
  }

  /** Per-save milliseconds, measured inside wasm around each `Store::save`. */
  async saveSeries(inputs) {
    return Array.from(await this.wasm.app_save_surveys(inputs));
  }

  /** Milliseconds of the import itself, measured inside wasm. */
  async bulkImportTimed(inputs) {
    return this.wasm.app_bulk_import_people(inputs);
  }

  /** Milliseconds of each keystroke draft written while typing `n` characters into the form. */
  async keystrokeDrafts(n) {
    return Array.from(await this.wasm.app_keystroke_drafts(n));
  }

  /** Reads the people list's rows into wasm memory as its screen does (kept for the search);
   * returns how many. The rows are made in the read: `buildRows` only counts them. */
  async readPeople() {
    return this.wasm.app_read_people();
  }

  buildRows() {
    return this.wasm.app_build_rows();
  }

  search(query) {
    return this.wasm.app_search(query);
  }

  release() {
    this.wasm.app_release();
  }
}
