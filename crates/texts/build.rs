//! Reads the zh-Hant and English Fluent catalogs (`locales/*.ftl`) at build time, with
//! fluent-syntax, and writes each as the compact JSON that `texts::fluent` decodes at run time.
//! So the app ships no Fluent parser, and each language is a wasm chunk of its own holding only
//! its own messages (docs/PERFORMANCE.md, round 9).
//!
//! The JSON is `[[key, parts], …]` in catalog order. A part is `{"T": text}`, `{"V": variable}`
//! or `{"S": {"v": variable, "d": default variant, "k": [[key, parts], …]}}`, a variant key
//! `{"N": number}` or `{"I": identifier}` — serde's own enum form, which decodes without
//! buffering. A message using Fluent the app does not read (terms, message references,
//! functions) is left out with a warning: the app then shows it in zh-Hans, and the catalog
//! check (`tests/catalogs.rs`) fails on it. A syntax error fails the build.

#![allow(
    clippy::expect_used,
    reason = "a build script reports a failure by panicking: cargo shows the message and stops"
)]

use std::path::{Path, PathBuf};

use fluent_syntax::ast;
use serde_json::{Value, json};

/// The catalogs compiled in: every language but zh-Hans, whose texts are the code's constants.
const LANGS: [&str; 2] = ["zh-Hant", "en"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    for lang in LANGS {
        let path = manifest.join(format!("../../locales/{lang}.ftl"));
        println!("cargo::rerun-if-changed={}", path.display());
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let compiled = compile(lang, &source);
        write(&out.join(format!("{lang}.json")), &compiled);
    }
}

fn write(path: &Path, value: &Value) {
    let text = serde_json::to_string(value).expect("JSON of plain values");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn compile(lang: &str, source: &str) -> Value {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((_, errors)) => panic!(
            "locales/{lang}.ftl: {} syntax error(s), the first: {:?}",
            errors.len(),
            errors.first()
        ),
    };
    let mut messages = Vec::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry
            && let Some(pattern) = message.value
        {
            let key = message.id.name;
            match parts(&pattern) {
                Some(parts) => messages.push(json!([key, parts])),
                None => println!(
                    "cargo::warning=locales/{lang}.ftl: {key} uses Fluent the app does not read; \
                     it is shown in zh-Hans"
                ),
            }
        }
    }
    Value::Array(messages)
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
