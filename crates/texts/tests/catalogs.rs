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
    let names =
        ["general", "campaign", "sync", "outbox", "branches", "office", "messages", "server"];
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
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
    use texts::fluent::load;
    use texts::{Arg, Lang};

    #[test]
    fn english_counts_choose_their_plural() {
        let en = load(Lang::En).unwrap();
        let count = |n: usize| {
            en.format(texts::campaign::CONTACTS_BEHIND_TITLE.id(), &[("n", n.into())]).unwrap()
        };
        assert_eq!(count(1), "1 candidate behind on contacts");
        assert_eq!(count(2), "2 candidates behind on contacts");
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
        // Years are not grouped ("2,026").
        let year =
            en.format(texts::campaign::YEAR_LABEL.id(), &[("year", 2026i32.into())]).unwrap();
        assert_eq!(year, "2026");
        assert_eq!(en.text(texts::LIST_SEPARATOR.id()), Some(", "));
    }

    #[test]
    fn traditional_chinese_uses_the_campaign_document_s_words() {
        let hant = load(Lang::ZhHant).unwrap();
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
            let catalog = load(lang).unwrap();
            for (texts, keys) in texts::TABLES {
                for (text, key) in texts.iter().zip(keys.iter()) {
                    assert_ne!(
                        catalog.message(text.id()),
                        Some(&texts::Message::Missing),
                        "{}: {key}",
                        lang.tag()
                    );
                }
            }
            for (list, code, _) in texts::labels::all() {
                assert!(catalog.label(list, code).is_some(), "{}: {list}-{code}", lang.tag());
            }
        }
    }

    /// The app reads the catalogs without the Fluent runtime (`texts::render`, in the main
    /// module): it must say exactly what fluent-bundle says, for every message, with numbers
    /// that choose each plural and with strings.
    #[test]
    fn the_app_formats_every_message_as_fluent_does() {
        for lang in [Lang::ZhHant, Lang::En] {
            let source = std::fs::read_to_string(super::path(lang.tag())).unwrap();
            let mut bundle = FluentBundle::new(vec![
                lang.tag().parse::<unic_langid::LanguageIdentifier>().unwrap(),
            ]);
            bundle.set_use_isolating(false);
            bundle.add_resource(FluentResource::try_new(source).unwrap()).unwrap();
            let catalog = load(lang).unwrap();
            let mut checked = 0;
            for (texts, keys) in texts::TABLES {
                for (text, key) in texts.iter().zip(keys.iter()) {
                    let pattern = bundle.get_message(key).unwrap().value().unwrap();
                    let vars: Vec<&str> = text
                        .zh_hans()
                        .split("{ $")
                        .skip(1)
                        .filter_map(|rest| rest.split_once(" }").map(|(name, _)| name))
                        .collect();
                    if vars.is_empty() {
                        let mut errors = vec![];
                        let expected = bundle.format_pattern(pattern, None, &mut errors);
                        assert_eq!(
                            catalog.text(text.id()),
                            Some(&*expected),
                            "{} {key}",
                            lang.tag()
                        );
                        checked += 1;
                        continue;
                    }
                    for sample in
                        [Arg::Num(0), Arg::Num(1), Arg::Num(2), Arg::Num(21), Arg::Str("某某")]
                    {
                        let args: Vec<(&str, Arg)> = vars.iter().map(|v| (*v, sample)).collect();
                        let mut fluent_args = FluentArgs::new();
                        for (name, value) in &args {
                            match value {
                                Arg::Num(n) => fluent_args.set(*name, FluentValue::from(*n)),
                                Arg::Str(s) => fluent_args.set(*name, FluentValue::from(*s)),
                            }
                        }
                        let mut errors = vec![];
                        let expected =
                            bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                        assert!(errors.is_empty(), "{} {key}: {errors:?}", lang.tag());
                        assert_eq!(
                            catalog.format(text.id(), &args).as_deref(),
                            Some(&*expected),
                            "{} {key} {sample:?}",
                            lang.tag()
                        );
                        checked += 1;
                    }
                }
            }
            assert!(checked > 700, "{checked}");
        }
    }
}
