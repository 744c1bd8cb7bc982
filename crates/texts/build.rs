//! Reads the zh-Hant and English Fluent catalogs (`locales/*.ftl`) at build time, with
//! fluent-syntax, and writes each as the compact JSON that `texts::fluent` decodes at run time.
//! So the app ships no Fluent parser, and each language is a wasm chunk of its own holding only
//! its own messages (docs/PERFORMANCE.md, round 9).
//!
//! The JSON is `{"m": [[parts or null, …], …], "l": [[key, parts], …]}`:
//! - `m`: the registry's texts by position, a list per table in the order of `registry!` in
//!   `src/lib.rs`, each in the order its `texts!` block declares them (`null`: not in the
//!   catalog). So neither the catalogs nor their loader hold a text's key: they were stored
//!   once in the registry's key table and once more in each catalog (docs/PERFORMANCE.md,
//!   session 47).
//! - `l`: every other message, by key: the labels of shared's lists (`category-village_leader`),
//!   which the app looks up by the codes it has anyway.
//!
//! The registry's order is read from the source here (`registry_keys`), and written out
//! (`OUT_DIR/registry.rs`) for `lib.rs` to hold to the `KEYS` the macros compiled: a build whose
//! reading differs fails to compile. A part is `{"T": text}`,
//! `{"V": variable}` or `{"S": {"v": variable, "d": default variant, "k": [[key, parts], …]}}`,
//! a variant key `{"N": number}` or `{"I": identifier}` — serde's own enum form, which decodes
//! without buffering. A message using Fluent the app does not read (terms, message references,
//! functions) is left out with a warning: the app then shows it in zh-Hans, and the catalog
//! check (`tests/catalogs.rs`) fails on it. A syntax error fails the build.

#![allow(
    clippy::expect_used,
    reason = "a build script reports a failure by panicking: cargo shows the message and stops"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fluent_syntax::ast;
use serde_json::{Value, json};

/// The catalogs compiled in: every language but zh-Hans, whose texts are the code's constants.
const LANGS: [&str; 2] = ["zh-Hant", "en"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let registry = registry_keys(&manifest.join("src"));
    // What was read, for `lib.rs` to compare with the macros' keys as it compiles.
    let built = format!("{registry:?}").replace('[', "&[");
    std::fs::write(out.join("registry.rs"), format!("const BUILT: &[&[&str]] = {built};\n"))
        .expect("write OUT_DIR/registry.rs");
    for lang in LANGS {
        let path = manifest.join(format!("../../locales/{lang}.ftl"));
        println!("cargo::rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let compiled = compile(lang, &source);
        write(&out.join(format!("{lang}.json")), &by_position(lang, compiled, &registry));
    }
}

/// The registry's keys, a list per table: the tables named by `registry!(…)` in `lib.rs`, each
/// the `NAME = "key": …;` lines of the `texts!` block in its own file, in order.
fn registry_keys(src: &Path) -> Vec<Vec<String>> {
    let read = |name: &str| {
        let path = src.join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    };
    let lib = read("lib.rs");
    let tables = lib
        .split_once("\nregistry!(")
        .and_then(|(_, rest)| rest.split_once(");"))
        .map(|(tables, _)| tables)
        .expect("lib.rs calls registry!(…)");
    tables
        .split(',')
        .filter(|table| !table.trim().is_empty())
        .map(|table| {
            let source = read(&format!("{}.rs", table.trim()));
            let block = source
                .split_once("crate::texts! {")
                .and_then(|(_, rest)| rest.split_once("\n}"))
                .map(|(block, _)| block)
                .unwrap_or_else(|| panic!("{}.rs: no texts! {{ … }} block", table.trim()));
            block.lines().filter_map(declared_key).map(str::to_owned).collect()
        })
        .collect()
}

/// The key of a `NAME = "key": …` line, the name in capitals, spaces around `=` and `:` as
/// anyone may write them (a text's continued wording or an attribute is no such line). What it
/// cannot read, `lib.rs` refuses to compile.
fn declared_key(line: &str) -> Option<&str> {
    let (name, rest) = line.split_once('=')?;
    let name = name.trim();
    let is_const = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let (key, after) = rest.trim_start().strip_prefix('"')?.split_once('"')?;
    (is_const && after.trim_start().starts_with(':')).then_some(key)
}

/// `compiled` as the app reads it: the registry's texts by position, the rest (shared's labels)
/// by key, in the tree's order whatever the catalog's.
fn by_position(lang: &str, mut by_key: BTreeMap<String, Value>, registry: &[Vec<String>]) -> Value {
    let positional: Vec<Vec<Value>> = registry
        .iter()
        .map(|keys| {
            keys.iter()
                .map(|key| {
                    by_key.remove(key).unwrap_or_else(|| {
                        println!(
                            "cargo::warning=locales/{lang}.ftl has no {key}; it is shown in zh-Hans"
                        );
                        Value::Null
                    })
                })
                .collect()
        })
        .collect();
    let rest: Vec<(String, Value)> = by_key.into_iter().collect();
    json!({ "m": positional, "l": rest })
}

fn write(path: &Path, value: &Value) {
    let text = serde_json::to_string(value).expect("JSON of plain values");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Every message of the catalog the app can read: its key and its parts, by key.
fn compile(lang: &str, source: &str) -> BTreeMap<String, Value> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!(
            "locales/{lang}.ftl: {} syntax error(s), the first: {:?}",
            errors.len(),
            errors.first()
        ),
    };
    let mut messages = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry
            && let Some(pattern) = message.value
        {
            let key = message.id.name;
            match parts(&pattern) {
                Some(parts) => {
                    messages.insert(key.to_owned(), Value::Array(parts));
                }
                None => println!(
                    "cargo::warning=locales/{lang}.ftl: {key} uses Fluent the app does not read; \
                     it is shown in zh-Hans"
                ),
            }
        }
    }
    messages
}

fn parts(pattern: &ast::Pattern<&str>) -> Option<Vec<Value>> {
    let mut parts = Vec::with_capacity(pattern.elements.len());
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => parts.push(json!({ "T": value })),
            ast::PatternElement::Placeable { expression } => {
                parts.push(expression_part(expression)?)
            }
        }
    }
    Some(parts)
}

fn expression_part(expression: &ast::Expression<&str>) -> Option<Value> {
    match expression {
        ast::Expression::Inline(inline) => inline_part(inline),
        ast::Expression::Select {
            selector: ast::InlineExpression::VariableReference { id },
            variants,
        } => {
            let mut out = Vec::with_capacity(variants.len());
            let mut default = 0;
            for (i, variant) in variants.iter().enumerate() {
                let key = match variant.key {
                    ast::VariantKey::Identifier { name } => json!({ "I": name }),
                    ast::VariantKey::NumberLiteral { value } => {
                        json!({ "N": value.parse::<i64>().ok()? })
                    }
                };
                if variant.default {
                    default = i;
                }
                out.push(json!([key, parts(&variant.value)?]));
            }
            Some(json!({ "S": { "v": id.name, "d": default, "k": out } }))
        }
        ast::Expression::Select { .. } => None,
    }
}

fn inline_part(inline: &ast::InlineExpression<&str>) -> Option<Value> {
    match inline {
        ast::InlineExpression::VariableReference { id } => Some(json!({ "V": id.name })),
        // `{", "}`: a literal, for spaces Fluent would otherwise trim. No escapes in ours.
        ast::InlineExpression::StringLiteral { value } if !value.contains('\\') => {
            Some(json!({ "T": value }))
        }
        ast::InlineExpression::NumberLiteral { value } => Some(json!({ "T": value })),
        ast::InlineExpression::Placeable { expression } => expression_part(expression),
        _ => None,
    }
}
