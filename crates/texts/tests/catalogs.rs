//! The catalog check: the three `locales/*.ftl` files against the texts the code declares
//! (`texts::TABLES`). Fails when a catalog lacks a key of the code, has a key the code does not
//! use, has a syntax error, when zh-Hans.ftl says something other than the code's zh-Hans
//! constant, or when a message's placeholders (`{ $n }`) differ between the languages.
//!
//! `cargo test -p texts --features fluent -- --ignored write_zh_hans_catalog` rewrites
//! zh-Hans.ftl from the constants (after adding or rewording a text).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use fluent_syntax::ast;

const LANGS: [&str; 3] = ["zh-Hans", "zh-Hant", "en"];

fn path(lang: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../locales/{lang}.ftl"))
}

/// Every key of the code with its zh-Hans text, in registry order: the app's texts, then the
/// labels of shared's lists.
fn code_texts() -> Vec<(String, &'static str)> {
    texts::TABLES
        .iter()
        .flat_map(|(texts, keys)| {
            keys.iter().zip(texts.iter()).map(|(k, t)| ((*k).to_owned(), t.zh_hans()))
        })
        .chain(
            texts::labels::all()
                .into_iter()
                .map(|(list, code, zh)| (texts::labels::key(list, code), zh)),
        )
        .collect()
}

struct Message {
    /// The pattern with only text and `{ $var }` placeables written back, `None` if it has
    /// other syntax (selectors, literals, terms).
    plain: Option<String>,
    variables: BTreeSet<String>,
}

fn collect_vars(expr: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expr {
        ast::Expression::Select { selector, variants } => {
            collect_inline_vars(selector, vars);
            for variant in variants {
                collect_pattern_vars(&variant.value, vars);
            }
        }
        ast::Expression::Inline(inline) => collect_inline_vars(inline, vars),
    }
}

fn collect_inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                collect_inline_vars(arg, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => collect_vars(expression, vars),
        _ => {}
    }
}

fn collect_pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            collect_vars(expression, vars);
        }
    }
}

fn read(lang: &str) -> BTreeMap<String, Message> {
    let source = std::fs::read_to_string(path(lang)).unwrap();
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{lang}.ftl does not parse: {errors:?}"));
    let mut messages = BTreeMap::new();
    for entry in resource.body {
        match entry {
            ast::Entry::Message(message) => {
                let id = message.id.name.to_owned();
                let pattern =
                    message.value.unwrap_or_else(|| panic!("{lang}.ftl: {id} has no value"));
                let mut variables = BTreeSet::new();
                collect_pattern_vars(&pattern, &mut variables);
                let mut plain = Some(String::new());
                for element in &pattern.elements {
                    match (element, plain.as_mut()) {
                        (ast::PatternElement::TextElement { value }, Some(out)) => {
                            out.push_str(value)
                        }
                        (
                            ast::PatternElement::Placeable {
                                expression:
                                    ast::Expression::Inline(ast::InlineExpression::VariableReference {
                                        id,
                                    }),
                            },
                            Some(out),
                        ) => out.push_str(&format!("{{ ${} }}", id.name)),
                        _ => plain = None,
                    }
                }
                assert!(
                    messages.insert(id.clone(), Message { plain, variables }).is_none(),
                    "{lang}.ftl: {id} twice"
                );
            }
            ast::Entry::Junk { content } => panic!("{lang}.ftl: cannot read {content:?}"),
            _ => {}
        }
    }
    messages
}

fn placeholders(pattern: &str) -> BTreeSet<String> {
    pattern
        .split("{ $")
        .skip(1)
        .filter_map(|rest| rest.split_once(" }").map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_catalog_has_exactly_the_code_s_keys() {
    let code: BTreeSet<String> = code_texts().into_iter().map(|(k, _)| k).collect();
    let mut problems = vec![];
    for lang in LANGS {
        let catalog = read(lang);
        for key in &code {
            if !catalog.contains_key(key) {
                problems.push(format!("{lang}.ftl lacks {key}"));
            }
        }
        for key in catalog.keys() {
            if !code.contains(key) {
                problems.push(format!("{lang}.ftl has {key}, which the code does not use"));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn zh_hans_catalog_says_what_the_code_says() {
    let catalog = read("zh-Hans");
    let mut problems = vec![];
    for (key, zh) in code_texts() {
        match catalog.get(&key).map(|m| m.plain.as_deref()) {
            Some(Some(text)) if text == zh => {}
            Some(Some(text)) => problems.push(format!("{key}: catalog {text:?}, code {zh:?}")),
            Some(None) => {
                problems.push(format!("{key}: zh-Hans uses no Fluent syntax but {{ $name }}"))
            }
            None => {}
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn placeholders_agree_across_languages() {
    let mut problems = vec![];
    let catalogs: Vec<_> = LANGS.iter().map(|lang| (*lang, read(lang))).collect();
    for (key, zh) in code_texts() {
        let expected = placeholders(zh);
        for (lang, catalog) in &catalogs {
            if let Some(message) = catalog.get(&key)
                && message.variables != expected
            {
                problems
                    .push(format!("{lang}.ftl {key}: {:?}, code {expected:?}", message.variables));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
#[ignore = "writes locales/zh-Hans.ftl"]
fn write_zh_hans_catalog() {
    let names = ["general", "campaign", "sync", "outbox", "branches", "office"];
    let mut out = String::from(
        "# 四争一树 Field: Simplified Chinese (zh-Hans), the app's own wording.\n\
         # Written from the constants of crates/texts by `cargo test -p texts --features fluent -- --ignored write_zh_hans_catalog`;\n\
         # the catalog check fails when this file and the code differ.\n",
    );
    for ((texts, keys), name) in texts::TABLES.iter().zip(names) {
        out.push_str(&format!("\n## {name}\n\n"));
        for (key, text) in keys.iter().zip(texts.iter()) {
            out.push_str(&format!("{key} = {}\n", text.zh_hans()));
        }
    }
    out.push_str("\n## labels of shared's lists, by code\n\n");
    for (list, code, text) in texts::labels::all() {
        out.push_str(&format!("{} = {text}\n", texts::labels::key(list, code)));
    }
    std::fs::write(path("zh-Hans"), out).unwrap();
}

#[cfg(feature = "fluent")]
mod formatting {
    use texts::fluent::Catalog;
    use texts::{Lang, Translations};

    #[test]
    fn english_counts_choose_their_plural() {
        let en = Catalog::load(Lang::En).unwrap();
        let count = |n: usize| {
            en.format(texts::campaign::CONTACTS_BEHIND_TITLE.id(), &[("n", n.into())]).unwrap()
        };
        assert_ne!(count(1), count(2).replace('2', "1"), "one and other read the same");
        let people = en
            .format(
                texts::PEOPLE_COUNT.id(),
                &[("shown", 3usize.into()), ("total", 10usize.into())],
            )
            .unwrap();
        assert_eq!(people, "10 members, 3 shown");
        let one = en
            .format(texts::PEOPLE_COUNT.id(), &[("shown", 1usize.into()), ("total", 1usize.into())])
            .unwrap();
        assert_eq!(one, "1 member, 1 shown");
        // Years are not grouped ("2,026"), and no isolation marks surround arguments.
        let year =
            en.format(texts::campaign::YEAR_LABEL.id(), &[("year", 2026i32.into())]).unwrap();
        assert_eq!(year, "2026");
        assert_eq!(en.text(texts::LIST_SEPARATOR.id()), Some(", "));
    }

    #[test]
    fn traditional_chinese_uses_the_campaign_document_s_words() {
        let hant = Catalog::load(Lang::ZhHant).unwrap();
        let text = |t: texts::Text| hant.text(t.id()).unwrap();
        assert_eq!(text(texts::APP_TITLE), "四爭一樹");
        assert_eq!(text(texts::NAV_PEOPLE), "黨員名冊");
        assert_eq!(text(texts::SURVEY_TITLE), "調查摸底表");
        assert_eq!(text(texts::campaign::NAV_CANDIDATES), "爭創對象");
        assert_eq!(text(texts::F_POTENTIAL), "創業創新潛力");
        assert_eq!(text(texts::campaign::SHORT_SERVICE_POST), "先鋒崗");
        assert_eq!(hant.label("category", "enterprise_post"), Some("企業黨員創業創新示範崗"));
    }

    #[test]
    fn every_catalog_loads_without_missing_texts() {
        for lang in [Lang::ZhHant, Lang::En] {
            let catalog = Catalog::load(lang).unwrap();
            for (texts, _) in texts::TABLES {
                for text in *texts {
                    if !text.zh_hans().contains("{ $") {
                        assert!(
                            catalog.text(text.id()).is_some(),
                            "{}: {:?}",
                            lang.tag(),
                            texts::key(text.id())
                        );
                    }
                }
            }
        }
    }
}
