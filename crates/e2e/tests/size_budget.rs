//! The first load of the app stays within 250 KB brotli (the budget for tablets on a
//! slow village connection). Needs the release build in dist/ (scripts/test.sh builds it).

use e2e::{dist_dir, first_load_report};

/// 250 KB, counted as 250,000 bytes of brotli-compressed HTML + JS + CSS + wasm.
const BUDGET_BROTLI_BYTES: usize = 250_000;

#[test]
fn first_load_fits_in_250_kb_brotli() {
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
