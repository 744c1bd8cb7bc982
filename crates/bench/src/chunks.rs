//! Records in chunks (`--only chunks`): plain JavaScript writes a pull's new records one to an
//! IndexedDB value and several to a value (`js/chunks.js`), reads them back and saves one at a
//! time. No app code is measured: the figures size the storage design that the pull target
//! would need (docs/PERFORMANCE.md, round 13).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use shared::sync::DEFAULT_PULL_LIMIT;

use crate::browser::{self, Chromedriver};
use crate::config::Config;
use crate::error::BenchError;
use crate::page;
use crate::stats::{Summary, percentile};

/// Records to a value: one (what the app stores), and two sizes of chunk.
pub const SIZES: [usize; 3] = [1, 10, 50];

/// Saves of one record timed in each run of each size.
const SAVES: usize = 200;

/// One chunk size in one run.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkRun {
    pub size: usize,
    pub write_ms: f64,
    pub read_ms: f64,
    pub save_p50_ms: f64,
    pub save_p95_ms: f64,
}

fn parse(value: &Value) -> Result<ChunkRun, BenchError> {
    let bad = |message: String| BenchError::Page { scenario: "recordChunks".into(), message };
    let number =
        |key: &str| value[key].as_f64().ok_or_else(|| bad(format!("{key} missing in {value}")));
    let saves = page::times(value, "save_ms");
    if saves.len() != SAVES {
        return Err(bad(format!("{} of {SAVES} saves timed", saves.len())));
    }
    Ok(ChunkRun {
        size: value["size"].as_u64().ok_or_else(|| bad(format!("size missing in {value}")))?
            as usize,
        write_ms: number("write_ms")?,
        read_ms: number("read_ms")?,
        save_p50_ms: percentile(&saves, 50.0),
        save_p95_ms: percentile(&saves, 95.0),
    })
}

/// `--runs` runs in one fresh browser, the sizes' order rotated from run to run; `--people`
/// records, pulled in pages of `--pull-limit`.
pub async fn run(
    config: &Config,
    driver: &Chromedriver,
    origin: &str,
) -> Result<Vec<ChunkRun>, BenchError> {
    let browser = browser::open(config, driver).await?;
    let result = async {
        page::open(&browser, origin).await?;
        let page_size = config.pull_limit.unwrap_or(DEFAULT_PULL_LIMIT);
        let mut runs = Vec::new();
        for i in 0..config.runs {
            let mut sizes = SIZES.to_vec();
            sizes.rotate_left(i % SIZES.len());
            let args = json!({
                "people": config.people, "sizes": sizes, "page": page_size, "saves": SAVES
            });
            let value = page::run(&browser, "recordChunks", args).await?;
            for one in value.as_array().into_iter().flatten() {
                runs.push(parse(one)?);
            }
        }
        Ok(runs)
    }
    .await;
    browser::close(browser).await;
    result
}

/// Per chunk size, each figure over every run.
pub fn summarise(runs: &[ChunkRun]) -> BTreeMap<usize, BTreeMap<String, Summary>> {
    let mut out = BTreeMap::new();
    for size in SIZES {
        let of = |f: fn(&ChunkRun) -> f64| {
            Summary::of(runs.iter().filter(|r| r.size == size).map(f).collect())
        };
        out.insert(
            size,
            BTreeMap::from([
                ("write_ms".to_owned(), of(|r| r.write_ms)),
                ("read_ms".to_owned(), of(|r| r.read_ms)),
                ("save_p50_ms".to_owned(), of(|r| r.save_p50_ms)),
                ("save_p95_ms".to_owned(), of(|r| r.save_p95_ms)),
            ]),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_read_from_the_page_and_summarised_per_size() {
        let saves: Vec<f64> = (1..=200).map(f64::from).collect();
        let one = |size: usize, write: f64| json!({ "size": size, "write_ms": write, "read_ms": 80.0, "save_ms": saves });
        let runs: Vec<ChunkRun> = [one(1, 1200.0), one(10, 250.0), one(10, 230.0), one(50, 170.0)]
            .iter()
            .map(|v| parse(v).unwrap())
            .collect();
        assert_eq!((runs[0].save_p50_ms, runs[0].save_p95_ms), (100.0, 190.0));
        let summary = summarise(&runs);
        assert_eq!(summary.keys().copied().collect::<Vec<_>>(), SIZES);
        assert_eq!(summary[&10]["write_ms"].runs, [250.0, 230.0]);
        assert_eq!(summary[&1]["write_ms"].median, 1200.0);
        // A page that timed fewer saves, or left a figure out, is an error, not a figure.
        let short = json!({ "size": 1, "write_ms": 1.0, "read_ms": 1.0, "save_ms": [1.0] });
        assert!(parse(&short).is_err());
        assert!(parse(&json!({ "size": 1, "save_ms": saves })).is_err());
    }
}
