//! The benchmark page (bench/ served from the bench build): open it and run its scenarios.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::BenchError;
use crate::webdriver::Browser;

/// Navigate to the bench page at `origin` and wait until its wasm module is loaded.
pub async fn open(browser: &Browser, origin: &str) -> Result<(), BenchError> {
    browser.goto(&format!("{origin}/index.html")).await?;
    browser.wait_for("return window.fieldBench ? true : null;", Duration::from_secs(60)).await?;
    let ready = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.fieldBench.ready.then(() => done(true), (e) => done(String(e)));",
            json!([]),
        )
        .await?;
    if ready != Value::Bool(true) {
        return Err(BenchError::Page { scenario: "load".into(), message: ready.to_string() });
    }
    Ok(())
}

/// Run scenario `name` with `args`; its result, or the page's error.
pub async fn run(browser: &Browser, name: &str, args: Value) -> Result<Value, BenchError> {
    let answer = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.fieldBench.run(arguments[0], arguments[1]).then(done);",
            json!([name, args]),
        )
        .await?;
    match (answer.get("ok"), answer.get("error")) {
        (Some(ok), _) => Ok(ok.clone()),
        (_, Some(err)) => Err(BenchError::Page {
            scenario: name.into(),
            message: err.as_str().unwrap_or("?").into(),
        }),
        _ => Err(BenchError::Page {
            scenario: name.into(),
            message: format!("unexpected answer {answer}"),
        }),
    }
}
