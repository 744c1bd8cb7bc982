//! What each saved change of a record really changed, for its history: a field counts when its
//! new value differs from the value it held before (nothing, before the first change), so a
//! record's first save lists the answers given, not every question left empty. The form
//! upgrade's own note is described apart (`shared::form::describe_history`).

use std::collections::BTreeMap;

use serde_json::Value;

/// An answer not given: nothing, an empty text, an empty list or object, an unticked box.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Number(_) | Value::Bool(true) => false,
    }
}

/// The record's values as its history goes, oldest change first.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    values: BTreeMap<String, Value>,
}

impl Replay {
    /// The fields `changes` (the next change, in order) really changed, in its order; the
    /// replayed values then hold them.
    pub fn changed(&mut self, changes: &[(String, Value)]) -> Vec<String> {
        let mut changed = Vec::new();
        for (field, value) in changes {
            if field == shared::form::MIGRATION_FIELD {
                continue;
            }
            let before = self.values.get(field);
            let same = match before {
                Some(before) => before == value || is_blank(before) && is_blank(value),
                None => is_blank(value),
            };
            if !same {
                changed.push(field.clone());
            }
            self.values.insert(field.clone(), value.clone());
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use serde_json::json;

    use super::*;

    fn changes(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
        pairs.iter().map(|(f, v)| ((*f).to_owned(), v.clone())).collect()
    }

    #[test]
    fn a_first_save_lists_the_answers_given_and_later_ones_what_moved() {
        let mut replay = Replay::default();
        let first = changes(&[
            ("name", json!("林海生")),
            ("phone", json!("")),
            ("photos", json!([])),
            ("tech_talent", json!(false)),
            ("birth_year", json!(1980)),
            (shared::form::MIGRATION_FIELD, json!({"from": 1})),
        ]);
        assert_eq!(replay.changed(&first), ["name", "birth_year"]);
        let second = changes(&[("name", json!("林海生")), ("phone", json!("13800000000"))]);
        assert_eq!(replay.changed(&second), ["phone"], "the same name again is no change");
        let third = changes(&[("phone", json!("")), ("tech_talent", json!(true))]);
        assert_eq!(replay.changed(&third), ["phone", "tech_talent"], "clearing an answer is one");
        let fourth = changes(&[("tech_talent", json!(false)), ("phone", Value::Null)]);
        assert_eq!(replay.changed(&fourth), ["tech_talent"], "empty to nothing is no change");
    }
}
