//! The benchmark page (`crates/bench/js/` served from the bench build): open it and run its
//! scenarios.

use std::time::Duration;

use serde_json::Value;

use crate::browser::Browser;
use crate::error::BenchError;

/// Navigate to the bench page at `origin` and wait until its wasm module is loaded.
pub async fn open(browser: &Browser, origin: &str) -> Result<(), BenchError> {
    browser.goto(&format!("{origin}/index.html")).await?;
    browser
        .wait_until("the bench page", "return !!window.fieldBench;", Duration::from_secs(60))
        .await?;
    let ready = browser
        .eval_async("window.fieldBench.ready.then(() => done(true), (e) => done(String(e)));")
        .await?;
    if ready != Value::Bool(true) {
        return Err(BenchError::Page { scenario: "load".into(), message: ready.to_string() });
    }
    Ok(())
}

/// The numbers of the list under `key` in a page's answer (times of a series, one each): empty
/// when there is none. Callers that know how many to expect check the count.
pub fn times(answer: &Value, key: &str) -> Vec<f64> {
    answer[key].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

/// The script that runs scenario `name` with `args` (written into it as JSON literals).
fn scenario_script(name: &str, args: &Value) -> String {
    format!("window.fieldBench.run({}, {args}).then(done);", Value::from(name))
}

/// Run scenario `name` with `args`; its result, or the page's error.
pub async fn run(browser: &Browser, name: &str, args: Value) -> Result<Value, BenchError> {
    let answer = browser.eval_async(&scenario_script(name, &args)).await?;
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn scenario_arguments_are_json_literals() {
        let script = super::scenario_script("idb", &json!({ "order": ["app", "js"], "q": "王\"" }));
        assert_eq!(
            script,
            r#"window.fieldBench.run("idb", {"order":["app","js"],"q":"王\""}).then(done);"#
        );
    }
}
