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
    }
}
