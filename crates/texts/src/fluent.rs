//! The zh-Hant and English catalogs (`locales/*.ftl`, compiled in) and the Fluent runtime that
//! reads them. In the app this module is reached only from the `catalog` split point, so a
//! release build puts it, and both catalogs, in a wasm chunk that zh-Hans never fetches.

use std::collections::HashMap;

use crate::{Arg, Lang, TABLES, Translations};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

/// The `.ftl` source of a language's catalog; zh-Hans has none at run time (its texts are the
/// constants).
pub fn source(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::ZhHans => None,
        Lang::ZhHant => Some(include_str!("../../../locales/zh-Hant.ftl")),
        Lang::En => Some(include_str!("../../../locales/en.ftl")),
    }
}

/// A parsed catalog: every text without arguments formatted once, the rest formatted per call.
pub struct Catalog {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    /// `texts[table][place]`: the text, `None` for a missing one or one with arguments.
    texts: Vec<Vec<Option<&'static str>>>,
    /// shared's labels by key (`category-village_leader`).
    labels: HashMap<String, &'static str>,
}

impl Catalog {
    /// The catalog of `lang` (none for zh-Hans).
    pub fn load(lang: Lang) -> Option<Catalog> {
        source(lang).map(|source| Catalog::parse(lang, source))
    }

    /// Reads a catalog; what does not parse is logged and left out (those texts stay zh-Hans).
    pub fn parse(lang: Lang, source: &str) -> Catalog {
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
                log::error!(
                    "catalog {}: {} syntax errors, first {:?}",
                    lang.tag(),
                    errors.len(),
                    errors.first()
                );
                resource
            });
        let id = lang.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![id]);
        // No Unicode isolation marks around arguments: every text is left to right or Chinese.
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            log::error!("catalog {}: {errors:?}", lang.tag());
        }
        let missing = std::cell::Cell::new(0);
        let resolve = |bundle: &FluentBundle<FluentResource>, key: &str| {
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                missing.set(missing.get() + 1);
                log::warn!("catalog {}: no message {key}; shown in zh-Hans", lang.tag());
                return None;
            };
            let mut errors = vec![];
            let text = bundle.format_pattern(pattern, None, &mut errors);
            // A text with arguments is formatted when it is used.
            errors.is_empty().then(|| &*Box::leak(text.into_owned().into_boxed_str()))
        };
        let texts = TABLES
            .iter()
            .map(|(_, keys)| {
                keys.iter()
                    .map(|key| {
                        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                            missing.set(missing.get() + 1);
                            log::warn!(
                                "catalog {}: no message {key}; shown in zh-Hans",
                                lang.tag()
                            );
                            return None;
                        };
                        let mut errors = vec![];
                        let text = bundle.format_pattern(pattern, None, &mut errors);
                        // A text with arguments is formatted when it is used.
                        errors.is_empty().then(|| &*Box::leak(text.into_owned().into_boxed_str()))
                    })
                    .collect()
            })
            .collect();
        let labels = crate::labels::all()
            .into_iter()
            .filter_map(|(list, code, _)| {
                let key = crate::labels::key(list, code);
                resolve(&bundle, &key).map(|text| (key, text))
            })
            .collect();
        if missing.get() > 0 {
            log::warn!("catalog {}: {} texts missing", lang.tag(), missing.get());
        }
        Catalog { lang, bundle, texts, labels }
    }
}

impl Translations for Catalog {
    fn lang(&self) -> Lang {
        self.lang
    }

    fn text(&self, id: u16) -> Option<&'static str> {
        *self.texts.get(usize::from(id / 1000))?.get(usize::from(id % 1000))?
    }

    fn label(&self, list: &str, code: &str) -> Option<&'static str> {
        self.labels.get(&crate::labels::key(list, code)).copied()
    }

    fn format(&self, id: u16, args: &[(&str, Arg<'_>)]) -> Option<String> {
        let key = crate::key(id)?;
        let pattern = self.bundle.get_message(key).and_then(|m| m.value())?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Str(s) => FluentValue::from(*s),
                Arg::Num(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = vec![];
        let text = self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if errors.is_empty() {
            Some(text.into_owned())
        } else {
            log::warn!("catalog {}: {key}: {errors:?}; shown in zh-Hans", self.lang.tag());
            None
        }
    }
}
