//! How long a text may be: ONE table of maximum lengths per kind of field, used by the shared
//! validation (the tablet's forms and the server's `admit`), so the tablet, the server and the
//! office exports agree. Lengths count Unicode scalar values (a Chinese character is one).
//!
//! The longest kind stays well below a spreadsheet cell's 32,767 characters, so a record that
//! passed these rules always fits the XLSX export; the export still cuts anything longer (data
//! stored before these limits) with a marker.

/// The kinds of text field, by how much a person reasonably types into them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// Identifiers and codes: ids, hashes, phone and ID numbers, MIME types, clock devices.
    Code,
    /// Names and labels: a person's or a place's name, a title, a branch.
    Name,
    /// A line or two: an address, a trade, an industry, a short detail.
    Short,
    /// Free prose: notes, contents, findings, reasons, evidence.
    Long,
}

/// The table: the maximum length of each kind.
pub const MAX_CHARS: [(TextKind, usize); 4] = [
    (TextKind::Code, 100),
    (TextKind::Name, 100),
    (TextKind::Short, 1_000),
    (TextKind::Long, 10_000),
];

/// The maximum length of `kind` (from [`MAX_CHARS`]).
pub const fn max_chars(kind: TextKind) -> usize {
    let mut i = 0;
    while i < MAX_CHARS.len() {
        if MAX_CHARS[i].0 as u8 == kind as u8 {
            return MAX_CHARS[i].1;
        }
        i += 1;
    }
    0
}

/// The longest field name an operation may carry.
pub const MAX_FIELD_NAME_CHARS: usize = 64;

/// The kind of a record field by its (top-level) name; text nested in it (list items,
/// sub-objects) has the same kind. Fields not named here are [`TextKind::Short`].
pub fn kind_of_field(field: &str) -> TextKind {
    match field {
        "id" | "person_id" | "candidate_id" | "base_id" | "rubric_id" | "sha256" | "mime"
        | "phone" | "id_number" | "surveyor" | "scored_by" | "author" | "by" | "key" => {
            TextKind::Code
        }
        "name" | "display_name" | "title" | "branch_id" | "village_unit" | "contact_person"
        | "secretary" | "label" | "inspectors" => TextKind::Name,
        "notes"
        | "content"
        | "body"
        | "findings"
        | "reason"
        | "topics"
        | "evidence"
        | "industry_prospects"
        | "help_given"
        | "service_performance"
        | "standards"
        | "history"
        | "fixes"
        | "criteria" => TextKind::Long,
        _ => TextKind::Short,
    }
}

/// The maximum length of text in `field`.
pub fn max_chars_of(field: &str) -> usize {
    max_chars(kind_of_field(field))
}

/// Most field changes one operation carries. A survey has about 40 fields and 重新提交 sends
/// them all; the bound leaves room for later form versions.
pub const MAX_CHANGES_PER_OP: usize = 300;

/// Most fields a record holds after an operation: fields no form asks are kept (a newer form
/// version's answers), so without a bound a record could gain fields without end.
pub const MAX_FIELDS_PER_RECORD: usize = 300;

/// Most items (texts, numbers, list entries, object members, counted all through) in one
/// field's value: the longest legitimate value is a history list of some tens of steps.
pub const MAX_VALUE_ITEMS: usize = 2_000;

/// Most bytes of text (UTF-8) in one field's value, all its texts together: 25 full-length
/// long texts.
pub const MAX_VALUE_TEXT_BYTES: usize = 1_000_000;

/// How much `value` holds: (items, bytes of text), counting stops once either bound is passed.
pub fn size_of_value(value: &serde_json::Value) -> (usize, usize) {
    fn walk(value: &serde_json::Value, items: &mut usize, bytes: &mut usize) {
        *items += 1;
        if *items > MAX_VALUE_ITEMS || *bytes > MAX_VALUE_TEXT_BYTES {
            return;
        }
        match value {
            serde_json::Value::String(s) => *bytes += s.len(),
            serde_json::Value::Array(list) => list.iter().for_each(|v| walk(v, items, bytes)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
                *bytes += k.len();
                walk(v, items, bytes);
            }),
            _ => {}
        }
    }
    let (mut items, mut bytes) = (0, 0);
    walk(value, &mut items, &mut bytes);
    (items, bytes)
}

/// Whether `value` is within [`MAX_VALUE_ITEMS`] and [`MAX_VALUE_TEXT_BYTES`].
pub fn value_within_bounds(value: &serde_json::Value) -> bool {
    let (items, bytes) = size_of_value(value);
    items <= MAX_VALUE_ITEMS && bytes <= MAX_VALUE_TEXT_BYTES
}

/// The first text in `value` longer than `max` characters: its length.
pub fn longest_over(value: &serde_json::Value, max: usize) -> Option<usize> {
    match value {
        serde_json::Value::String(s) => {
            // Cheap first: a string of at most `max` bytes has at most `max` characters.
            (s.len() > max).then(|| s.chars().count()).filter(|n| *n > max)
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| longest_over(v, max)),
        serde_json::Value::Object(map) => map.values().find_map(|v| longest_over(v, max)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_and_the_lookups_agree() {
        assert_eq!(max_chars(TextKind::Long), 10_000);
        assert_eq!(max_chars_of("notes"), 10_000);
        assert_eq!(max_chars_of("name"), 100);
        assert_eq!(max_chars_of("phone"), 100);
        assert_eq!(max_chars_of("address"), 1_000);
        assert!(MAX_CHARS.iter().all(|(_, n)| *n < 32_767), "every field fits an XLSX cell");
        assert_eq!(longest_over(&json!("王".repeat(100)), 100), None);
        assert_eq!(longest_over(&json!("王".repeat(101)), 100), Some(101));
        assert_eq!(longest_over(&json!([{"x": "a".repeat(7)}]), 5), Some(7));
        assert_eq!(longest_over(&json!(12345678), 2), None);
        assert!(value_within_bounds(&json!(vec![json!({"reason": "王".repeat(10_000)}); 20])));
        assert!(!value_within_bounds(&json!(vec![0; MAX_VALUE_ITEMS])), "the list is an item too");
        assert!(!value_within_bounds(&json!(vec!["a".repeat(1_000); 1_001])));
    }
}
