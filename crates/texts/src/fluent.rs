//! The zh-Hant and English catalogs (`locales/*.ftl`, compiled in) and the Fluent parser that
//! reads them into a [`Catalog`]. In the app this module is reached only from the `catalog`
//! split point, so a release build puts it, the parser and both catalogs in a wasm chunk that
//! zh-Hans never fetches; what it builds is plain data the main module reads.

use fluent_syntax::ast;

use crate::{Catalog, Lang, Message, Part, TABLES, VariantKey};

/// The `.ftl` source of a language's catalog; zh-Hans has none at run time (its texts are the
/// constants).
pub fn source(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::ZhHans => None,
        Lang::ZhHant => Some(include_str!("../../../locales/zh-Hant.ftl")),
        Lang::En => Some(include_str!("../../../locales/en.ftl")),
    }
}

/// The catalog of `lang` (none for zh-Hans).
pub fn load(lang: Lang) -> Option<Catalog> {
    source(lang).map(|source| parse(lang, source))
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

/// Reads a catalog. What does not parse, or uses Fluent the app does not read (terms, message
/// references, functions), is logged and left out: those texts stay zh-Hans.
pub fn parse(lang: Lang, source: &'static str) -> Catalog {
    let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(resource, errors)| {
        log::error!(
            "catalog {}: {} syntax errors, first {:?}",
            lang.tag(),
            errors.len(),
            errors.first()
        );
        resource
    });
    let mut found = std::collections::HashMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry
            && let Some(pattern) = message.value
        {
            let key = message.id.name;
            match parts(&pattern) {
                Some(parts) => {
                    found.insert(key, parts);
                }
                None => {
                    log::warn!("catalog {}: {key} uses Fluent the app does not read", lang.tag())
                }
            }
        }
    }
    let mut missing = 0;
    let mut message = |key: &str| match found.get(key) {
        Some(parts) => match parts.as_slice() {
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
            _ => Message::Pattern(parts.clone()),
        },
        None => {
            missing += 1;
            log::warn!("catalog {}: no message {key}; shown in zh-Hans", lang.tag());
            Message::Missing
        }
    };
    let messages =
        TABLES.iter().map(|(_, keys)| keys.iter().map(|key| message(key)).collect()).collect();
    let labels = crate::labels::lists()
        .into_iter()
        .map(|(list, values)| {
            values
                .into_iter()
                .map(|(code, _)| match message(&crate::labels::key(list, code)) {
                    Message::Plain(text) => Some(text),
                    _ => None,
                })
                .collect()
        })
        .collect();
    if missing > 0 {
        log::warn!("catalog {}: {missing} texts missing", lang.tag());
    }
    Catalog { lang: Some(lang), messages, labels }
}

fn parts(pattern: &ast::Pattern<&'static str>) -> Option<Vec<Part>> {
    let mut parts = Vec::with_capacity(pattern.elements.len());
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => parts.push(Part::Text(value)),
            ast::PatternElement::Placeable { expression } => {
                parts.push(expression_part(expression)?)
            }
        }
    }
    Some(parts)
}

fn expression_part(expression: &ast::Expression<&'static str>) -> Option<Part> {
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
                    ast::VariantKey::Identifier { name } => VariantKey::Name(name),
                    ast::VariantKey::NumberLiteral { value } => {
                        VariantKey::Number(value.parse().ok()?)
                    }
                };
                if variant.default {
                    default = i;
                }
                out.push((key, parts(&variant.value)?));
            }
            Some(Part::Select { var: id.name, variants: out, default })
        }
        ast::Expression::Select { .. } => None,
    }
}

fn inline_part(inline: &ast::InlineExpression<&'static str>) -> Option<Part> {
    match inline {
        ast::InlineExpression::VariableReference { id } => Some(Part::Var(id.name)),
        // `{", "}`: a literal, for spaces Fluent would otherwise trim. No escapes in ours.
        ast::InlineExpression::StringLiteral { value } if !value.contains('\\') => {
            Some(Part::Text(value))
        }
        ast::InlineExpression::NumberLiteral { value } => Some(Part::Text(value)),
        ast::InlineExpression::Placeable { expression } => expression_part(expression),
        _ => None,
    }
}
