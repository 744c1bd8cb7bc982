//! The zh-Hant and English catalogs (`locales/*.ftl`) as the app reads them into a
//! [`Catalog`]. The build script (`crates/texts/build.rs`) parses each `.ftl` file with
//! fluent-syntax and compiles it in as compact JSON; here it is decoded, with no Fluent parser
//! at run time. In the app each language is reached only from its own split point
//! (`split::catalog`), so a release build puts each catalog in a wasm chunk of its own that
//! zh-Hans never fetches, and English never fetches zh-Hant's; what it builds is plain data the
//! main module reads.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use crate::{Catalog, Lang, Message, Part, TABLE_LENGTHS, VariantKey};

/// The catalog of `lang` (none for zh-Hans).
pub fn load(lang: Lang) -> Option<Catalog> {
    match lang {
        Lang::ZhHans => None,
        Lang::ZhHant => Some(load_zh_hant()),
        Lang::En => Some(load_en()),
    }
}

/// The zh-Hant catalog (a split point of its own in the app).
pub fn load_zh_hant() -> Catalog {
    decode(Lang::ZhHant, include_str!(concat!(env!("OUT_DIR"), "/zh-Hant.json")))
}

/// The English catalog (a split point of its own in the app).
pub fn load_en() -> Catalog {
    decode(Lang::En, include_str!(concat!(env!("OUT_DIR"), "/en.json")))
}

/// The catalog of `lang`, read once and kept (the server words each answer in the language
/// its request asks for); `None` for zh-Hans.
pub fn cached(lang: Lang) -> Option<&'static Catalog> {
    use std::sync::OnceLock;
    static HANT: OnceLock<Option<Catalog>> = OnceLock::new();
    static EN: OnceLock<Option<Catalog>> = OnceLock::new();
    match lang {
        Lang::ZhHans => None,
        Lang::ZhHant => HANT.get_or_init(|| load(lang)).as_ref(),
        Lang::En => EN.get_or_init(|| load(lang)).as_ref(),
    }
}

/// A part as the build script writes it (serde's enum form; see `build.rs`).
#[derive(Deserialize)]
enum Compiled<'a> {
    T(#[serde(borrow)] Cow<'a, str>),
    V(&'a str),
    S {
        v: &'a str,
        d: usize,
        #[serde(borrow)]
        k: Vec<(CompiledKey<'a>, Vec<Compiled<'a>>)>,
    },
}

#[derive(Deserialize)]
enum CompiledKey<'a> {
    N(i64),
    I(&'a str),
}

/// A compiled catalog's text, kept for the life of the app: borrowed from the compiled JSON
/// when it has no escapes (almost every one), else leaked once (the catalog is loaded once).
fn kept(text: Cow<'static, str>) -> &'static str {
    match text {
        Cow::Borrowed(text) => text,
        Cow::Owned(text) => Box::leak(text.into_boxed_str()),
    }
}

fn part(compiled: Compiled<'static>) -> Part {
    match compiled {
        Compiled::T(text) => Part::Text(kept(text)),
        Compiled::V(name) => Part::Var(name),
        Compiled::S { v, d, k } => Part::Select {
            var: v,
            variants: k
                .into_iter()
                .map(|(key, parts)| {
                    let key = match key {
                        CompiledKey::N(n) => VariantKey::Number(n),
                        CompiledKey::I(name) => VariantKey::Name(name),
                    };
                    (key, parts.into_iter().map(part).collect())
                })
                .collect(),
            default: d,
        },
    }
}

/// A compiled catalog as the build script writes it: the registry's texts by position (`None`:
/// not in the catalog), shared's labels by key.
#[derive(Deserialize)]
struct CompiledCatalog<'a> {
    #[serde(borrow)]
    m: Vec<Vec<Option<Vec<Compiled<'a>>>>>,
    #[serde(borrow)]
    l: Vec<(&'a str, Vec<Compiled<'a>>)>,
}

/// A message's parts as the app keeps them.
fn message(parts: Vec<Compiled<'static>>) -> Message {
    let parts: Vec<Part> = parts.into_iter().map(part).collect();
    match parts.as_slice() {
        [] => Message::Plain(""),
        [Part::Text(text)] => Message::Plain(text),
        _ if parts.iter().all(|p| matches!(p, Part::Text(_))) => {
            let text: String = parts
                .iter()
                .filter_map(|p| match p {
                    Part::Text(t) => Some(*t),
                    _ => None,
                })
                .collect();
            Message::Plain(Box::leak(text.into_boxed_str()))
        }
        _ => Message::Pattern(parts),
    }
}

/// Reads a compiled catalog. A text the catalog lacks (or the build left out) stays zh-Hans, as
/// does a whole table whose length is not the registry's (the build checks its reading of the
/// registry as it compiles, `lib.rs`: only a broken compiled catalog gets there); either is
/// logged, a text by its number.
fn decode(lang: Lang, json: &'static str) -> Catalog {
    let compiled: CompiledCatalog<'static> = serde_json::from_str(json).unwrap_or_else(|e| {
        // The build script wrote it: only a build from a broken tree gets here.
        log::error!("catalog {}: {e}", lang.tag());
        CompiledCatalog { m: Vec::new(), l: Vec::new() }
    });
    let mut tables = compiled.m.into_iter();
    let messages: Vec<Vec<Message>> = TABLE_LENGTHS
        .iter()
        .enumerate()
        .map(|(table, &length)| match tables.next() {
            // A missing text logged by its number (the build's warnings name it by key).
            Some(texts) if texts.len() == length => texts
                .into_iter()
                .enumerate()
                .map(|(place, parts)| {
                    parts.map_or_else(
                        || {
                            let id = table * 1000 + place;
                            log::warn!("catalog {}: no text {id}; shown in zh-Hans", lang.tag());
                            Message::Missing
                        },
                        message,
                    )
                })
                .collect(),
            texts => {
                log::error!(
                    "catalog {}: table {table} has {} texts, the registry {length}; shown in zh-Hans",
                    lang.tag(),
                    texts.map_or(0, |t| t.len()),
                );
                vec![Message::Missing; length]
            }
        })
        .collect();
    let mut found: HashMap<&str, Vec<Compiled<'static>>> = compiled.l.into_iter().collect();
    let labels = crate::labels::codes()
        .into_iter()
        .map(|(list, codes)| {
            codes
                .into_iter()
                .map(|code| {
                    let key = crate::labels::key(list, code);
                    match found.remove(key.as_str()).map(message) {
                        Some(Message::Plain(text)) => Some(text),
                        _ => {
                            log::warn!("catalog {}: no label {key}; shown in zh-Hans", lang.tag());
                            None
                        }
                    }
                })
                .collect()
        })
        .collect();
    Catalog { lang: Some(lang), messages, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of the registry as compiled JSON, each text `x`.
    fn tables_of_x() -> Vec<String> {
        TABLE_LENGTHS
            .iter()
            .map(|&n| format!("[{}]", vec![r#"[{"T": "x"}]"#; n].join(",")))
            .collect()
    }

    /// The catalog `decode` reads from `tables` and the labels `labels` (JSON).
    fn decoded(tables: &[String], labels: &str) -> Catalog {
        let json = format!(r#"{{"m": [{}], "l": {labels}}}"#, tables.join(","));
        decode(Lang::En, Box::leak(json.into_boxed_str()))
    }

    /// A table whose length is not the registry's is shown in zh-Hans whole, not shifted onto
    /// other texts; a text the catalog lacks is missing alone.
    #[test]
    fn a_table_of_the_wrong_length_is_left_out_whole() {
        let mut tables = tables_of_x();
        tables[1] = format!("[{}]", vec![r#"[{"T": "y"}]"#; TABLE_LENGTHS[1] + 1].join(","));
        tables[0] = format!("[null{}]", r#",[{"T": "x"}]"#.repeat(TABLE_LENGTHS[0] - 1));
        let catalog = decoded(&tables, r#"[["role-surveyor", [{"T": "S"}]]]"#);
        assert_eq!(catalog.messages[0][0], Message::Missing);
        assert_eq!(catalog.messages[0][1], Message::Plain("x"));
        assert!(catalog.messages[1].iter().all(|m| *m == Message::Missing));
        assert_eq!(catalog.messages[1].len(), TABLE_LENGTHS[1]);
        assert_eq!(catalog.messages[2][0], Message::Plain("x"));
        assert_eq!(catalog.label("role", "surveyor"), Some("S"));
        assert_eq!(catalog.label("role", "town_office"), None);
    }

    /// A compiled catalog with every text `x` but the first, whose parts are `first` (JSON).
    fn catalog_with_first(first: &str) -> Catalog {
        let mut tables = tables_of_x();
        tables[0] = format!("[{first}{}]", r#",[{"T": "x"}]"#.repeat(TABLE_LENGTHS[0] - 1));
        decoded(&tables, "[]")
    }

    /// A text with an escape in the compiled JSON (a quote, a line break) cannot be borrowed
    /// from it: it is decoded whole and kept; parts of text alone make one plain text.
    #[test]
    fn escaped_texts_decode_whole() {
        let catalog = catalog_with_first(r#"[{"T": "Saved \"A\"\nnow"}]"#);
        assert_eq!(catalog.messages[0][0], Message::Plain("Saved \"A\"\nnow"));
        let catalog = catalog_with_first(r#"[{"T": "one, "}, {"T": "two"}]"#);
        assert_eq!(catalog.messages[0][0], Message::Plain("one, two"));
        let catalog = catalog_with_first(r#"[{"V": "n"}, {"T": " left"}]"#);
        assert_eq!(
            catalog.messages[0][0],
            Message::Pattern(vec![Part::Var("n"), Part::Text(" left")])
        );
    }

    /// A selector keeps its variants, their keys and its default.
    #[test]
    fn selectors_decode_with_their_default() {
        let catalog = catalog_with_first(
            r#"[{"S": {"v": "n", "d": 1, "k": [[{"N": 0}, [{"T": "none"}]],
                [{"I": "other"}, [{"V": "n"}]]]}}]"#,
        );
        assert_eq!(
            catalog.messages[0][0],
            Message::Pattern(vec![Part::Select {
                var: "n",
                variants: vec![
                    (VariantKey::Number(0), vec![Part::Text("none")]),
                    (VariantKey::Name("other"), vec![Part::Var("n")]),
                ],
                default: 1,
            }])
        );
    }
}
