//! Lighthouse (issue 15: "Lighthouse performance ≥ 90 on every route"): Google's Lighthouse
//! (npm `lighthouse`, installed by `scripts/setup.sh`) audits each route of the release app,
//! served by the release server, as a fresh browser first opens it — Lighthouse's default mobile
//! profile: a mid-range phone's screen, simulated slow 4G and 4× CPU slowdown. One audit per
//! route (an audit takes 15–30 s); the score and the metrics it is made of are printed.

use std::path::Path;
use tokio::process::Command;

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::error::BenchError;
use crate::server::Server;

/// One route's audit.
#[derive(Debug, Clone, Serialize)]
pub struct RouteAudit {
    pub route: String,
    /// Lighthouse's performance score, 0–100.
    pub score: f64,
    pub first_contentful_paint_ms: f64,
    pub largest_contentful_paint_ms: f64,
    pub total_blocking_time_ms: f64,
    pub speed_index_ms: f64,
    pub cumulative_layout_shift: f64,
}

/// Every route's audit, in the order of `--lighthouse-routes`.
#[derive(Debug, Serialize)]
pub struct Lighthouse {
    pub version: String,
    pub routes: Vec<RouteAudit>,
}

impl Lighthouse {
    /// The lowest score of any route.
    pub fn lowest(&self) -> Option<&RouteAudit> {
        self.routes.iter().min_by(|a, b| a.score.total_cmp(&b.score))
    }
}

pub async fn run(config: &Config) -> Result<Lighthouse, BenchError> {
    if !config.lighthouse.is_file() {
        return Err(BenchError::Usage(format!(
            "no Lighthouse at {} (scripts/setup.sh installs it; or --lighthouse BIN)",
            config.lighthouse.display()
        )));
    }
    let server =
        Server::start(&config.server, &config.work_dir.join("lighthouse-data"), &config.dist)
            .await?;
    let result = audit_all(config, &server.origin).await;
    server.stop();
    result
}

async fn audit_all(config: &Config, origin: &str) -> Result<Lighthouse, BenchError> {
    let version =
        output(Command::new(&config.lighthouse).arg("--version")).await?.trim().to_owned();
    let mut routes = Vec::new();
    for route in &config.lighthouse_routes {
        eprintln!("   lighthouse {route}");
        let report = config.work_dir.join("lighthouse.json");
        audit(config, &format!("{origin}/#/{route}"), &report).await?;
        let text = std::fs::read_to_string(&report)
            .map_err(|e| BenchError::Io(format!("read {}", report.display()), e))?;
        routes.push(parse(route, &serde_json::from_str(&text)?)?);
    }
    Ok(Lighthouse { version, routes })
}

/// Audits `url` in a fresh headless Chromium (its own profile), writing the JSON report.
async fn audit(config: &Config, url: &str, report: &Path) -> Result<(), BenchError> {
    output(
        Command::new(&config.lighthouse)
            .arg(url)
            .arg("--only-categories=performance")
            .arg("--output=json")
            .arg(format!("--output-path={}", report.display()))
            .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
            .arg("--quiet")
            .env("CHROME_PATH", &config.chromium),
    )
    .await
    .map(drop)
}

async fn output(command: &mut Command) -> Result<String, BenchError> {
    let program = command.as_std().get_program().to_owned();
    let out = command.output().await.map_err(|e| BenchError::Io(format!("run {program:?}"), e))?;
    if !out.status.success() {
        return Err(BenchError::Browser(format!(
            "{program:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The figures of one Lighthouse JSON report (`lhr`).
fn parse(route: &str, report: &Value) -> Result<RouteAudit, BenchError> {
    let number = |pointer: &str| {
        report.pointer(pointer).and_then(Value::as_f64).ok_or_else(|| {
            BenchError::Browser(format!("Lighthouse's report of {route} has no {pointer}"))
        })
    };
    let metric = |audit: &str| number(&format!("/audits/{audit}/numericValue"));
    Ok(RouteAudit {
        route: route.to_owned(),
        score: (number("/categories/performance/score")? * 100.0).round(),
        first_contentful_paint_ms: metric("first-contentful-paint")?,
        largest_contentful_paint_ms: metric("largest-contentful-paint")?,
        total_blocking_time_ms: metric("total-blocking-time")?,
        speed_index_ms: metric("speed-index")?,
        cumulative_layout_shift: metric("cumulative-layout-shift")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_report_gives_its_score_and_metrics() {
        let report = json!({
            "categories": { "performance": { "score": 0.624 } },
            "audits": {
                "first-contentful-paint": { "numericValue": 1100.5 },
                "largest-contentful-paint": { "numericValue": 5100.0 },
                "total-blocking-time": { "numericValue": 780.0 },
                "speed-index": { "numericValue": 1600.0 },
                "cumulative-layout-shift": { "numericValue": 0.056 }
            }
        });
        let audit = parse("people", &report).unwrap();
        assert_eq!(audit.score, 62.0);
        assert_eq!(audit.largest_contentful_paint_ms, 5100.0);
        assert_eq!(audit.total_blocking_time_ms, 780.0);
        assert_eq!(audit.cumulative_layout_shift, 0.056);
    }

    #[test]
    fn a_report_without_a_score_is_an_error_not_a_zero() {
        let report = json!({ "categories": { "performance": { "score": null } }, "audits": {} });
        assert!(parse("people", &report).is_err());
    }

    #[test]
    fn the_lowest_route_is_the_one_that_decides_the_target() {
        let audit = |route: &str, score| RouteAudit {
            route: route.into(),
            score,
            first_contentful_paint_ms: 0.0,
            largest_contentful_paint_ms: 0.0,
            total_blocking_time_ms: 0.0,
            speed_index_ms: 0.0,
            cumulative_layout_shift: 0.0,
        };
        let lh = Lighthouse {
            version: "12.8.2".into(),
            routes: vec![audit("people", 62.0), audit("survey/new", 51.0), audit("sync", 70.0)],
        };
        assert_eq!(lh.lowest().unwrap().route, "survey/new");
    }
}
