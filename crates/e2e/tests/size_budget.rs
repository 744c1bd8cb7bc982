//! The first load of the app does not grow past its budget (issue 5 aims at 250 KB brotli for
//! tablets on a slow village connection). Needs the release build in dist/ (scripts/test.sh
//! builds it).

use e2e::{dist_dir, first_load_report};

/// The target of 250 KB brotli is MISSED: the release build measures 525,215 bytes
/// brotli of HTML + JS + CSS + wasm (wasm 510,372), down from 623,191 before Leptos'
/// `erase_components` (docs/PERFORMANCE.md). What is left is mostly the app's own view code
/// (≈ 55 components), reactive_graph/tachys and serde (de)serialisation of the domain types;
/// reaching 250 KB needs splitting the campaign screens out of the first load or fewer generic
/// views, not compiler flags. The budget is the achieved size plus about 5%, so growth fails.
const BUDGET_BROTLI_BYTES: usize = 552_000;

#[test]
fn first_load_stays_within_its_brotli_budget() {
    let dist = dist_dir().expect("the release build");
    let report = first_load_report(&dist).expect("measure dist/");
    println!("first load of {}:\n{}", dist.display(), report.table());

    assert!(
        report.files.iter().any(|f| f.name.ends_with(".wasm")),
        "no .wasm in {}: is this a Trunk build?",
        dist.display()
    );
    assert!(report.files.iter().any(|f| f.name == "index.html"));
    let total = report.total_brotli();
    assert!(
        total <= BUDGET_BROTLI_BYTES,
        "first load is {total} bytes brotli, over the budget of {BUDGET_BROTLI_BYTES} bytes \
         ({} bytes over)",
        total - BUDGET_BROTLI_BYTES
    );
    println!("budget: {total} / {BUDGET_BROTLI_BYTES} bytes brotli");
}
