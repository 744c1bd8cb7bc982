//! Every user-visible text of the field app, in three languages.
//!
//! Each text is a [`Text`]: a number (its place in the registry) and its Simplified Chinese
//! (zh-Hans) wording, compiled into the app's main module as before. The registry — [`TABLES`],
//! gathered by `registry!` from the tables [`texts!`] declares with the constants, so none can be
//! left out — pairs every number with the text's key in the Fluent catalogs
//! `locales/<lang>.ftl` (one file per language, edited by translators). zh-Hans needs no
//! catalog at run time: it is the default, and its `.ftl` file must say exactly what the
//! constants say (the catalog check, `tests/catalogs.rs`). For zh-Hant
//! and English the app loads [`fluent`] (feature `fluent`: the Fluent runtime and the two
//! catalogs, a wasm chunk of its own) before it mounts and [`install`]s it; from then on every
//! text and formatted message comes from that catalog, a missing one falling back to zh-Hans.

use std::cell::OnceCell;
use std::fmt;

#[cfg(feature = "fluent")]
pub mod fluent;
pub mod labels;
pub use labels::Localized;
#[cfg(feature = "leptos")]
mod render;

/// One user-visible text: its registry number and its zh-Hans wording. `Copy`, two words.
/// Shown as [`Text::get`] (`{t::SAVED}` in a view, `format!("{}", t::SAVED)`); a text with
/// arguments (`{ $n }`) is formatted by its function (`people_count(…)`) through
/// [`Text::format`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    id: u16,
    zh: &'static str,
}

impl Text {
    pub const fn new(id: u16, zh: &'static str) -> Self {
        Text { id, zh }
    }

    /// Its registry number: table (`id / 1000`) and place in that table.
    pub const fn id(self) -> u16 {
        self.id
    }

    /// The zh-Hans wording (a pattern for a text with arguments).
    pub const fn zh_hans(self) -> &'static str {
        self.zh
    }

    /// The text in the app's language.
    #[inline(never)]
    pub fn get(self) -> &'static str {
        INSTALLED.with(|installed| installed.get().and_then(|c| c.text(self.id))).unwrap_or(self.zh)
    }

    /// A text with arguments, in the app's language: `{ $name }` replaced by `name`'s value.
    #[inline(never)]
    pub fn format(self, args: &[(&str, Arg<'_>)]) -> String {
        INSTALLED
            .with(|installed| installed.get().and_then(|c| c.format(self.id, args)))
            .unwrap_or_else(|| fill(self.zh, args))
    }
}

impl Text {
    /// The text in `catalog`'s language (`None`: zh-Hans).
    pub fn get_in(self, catalog: Option<&Catalog>) -> &'static str {
        catalog.and_then(|c| c.text(self.id)).unwrap_or(self.zh)
    }

    /// A text with arguments in `catalog`'s language (`None`: zh-Hans).
    pub fn format_in(self, catalog: Option<&Catalog>, args: &[(&str, Arg<'_>)]) -> String {
        catalog
            .and_then(|c| c.format(self.id, args).or_else(|| c.text(self.id).map(str::to_owned)))
            .unwrap_or_else(|| fill(self.zh, args))
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

/// Tests compare shown text with a constant: `assert_eq!(cell, t::SAVED)`.
impl PartialEq<Text> for String {
    fn eq(&self, text: &Text) -> bool {
        self == text.get()
    }
}
impl PartialEq<Text> for &str {
    fn eq(&self, text: &Text) -> bool {
        *self == text.get()
    }
}
impl PartialEq<Text> for str {
    fn eq(&self, text: &Text) -> bool {
        self == text.get()
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.get().to_owned()
    }
}

/// A value for a text's argument: a number (English chooses its plural by it) or a string.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s)
    }
}
macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
num_arg!(usize, u16, u32, i32, i64, u64);

impl fmt::Display for Arg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Str(s) => f.write_str(s),
            Arg::Num(n) => write!(f, "{n}"),
        }
    }
}

/// Replaces every `{ $name }` of a zh-Hans pattern by its argument (zh-Hans patterns use no
/// other Fluent syntax; the catalog check holds them to that).
pub fn fill(pattern: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(start) = rest.find("{ $") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let Some(end) = after.find(" }") else {
            rest = &rest[start..];
            break;
        };
        let name = &after[..end];
        if let Some((_, value)) = args.iter().find(|(n, _)| *n == name) {
            use fmt::Write;
            let _ = write!(out, "{value}");
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The app's three languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    ZhHans,
    ZhHant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    /// Its BCP 47 tag: the stored setting, `<html lang>` and the catalog's file name.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.tag() == tag)
    }

    /// Its name in itself, for the language select.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::ZhHans => "简体中文",
            Lang::ZhHant => "繁體中文",
            Lang::En => "English",
        }
    }

    /// The first of the browser's languages (`navigator.languages`) the app has: Chinese of
    /// Taiwan, Hong Kong, Macao or in Traditional script is zh-Hant, other Chinese zh-Hans,
    /// any English en; none of them: zh-Hans. `public/shell.js` decides the same for the top
    /// bar index.html draws before the app has arrived.
    pub fn from_browser<S: AsRef<str>>(languages: &[S]) -> Lang {
        languages
            .iter()
            .find_map(|tag| {
                let tag = tag.as_ref().to_ascii_lowercase();
                let mut parts = tag.split(['-', '_']);
                match parts.next() {
                    Some("zh") => {
                        Some(if parts.any(|p| matches!(p, "hant" | "tw" | "hk" | "mo")) {
                            Lang::ZhHant
                        } else {
                            Lang::ZhHans
                        })
                    }
                    Some("en") => Some(Lang::En),
                    _ => None,
                }
            })
            .unwrap_or(Lang::ZhHans)
    }
}

/// A loaded catalog, as plain data: what [`Text::get`] and [`Text::format`] read once it is
/// [`install`]ed. [`fluent`] (in its own wasm chunk) parses the `.ftl` file and builds it; the
/// main module only reads it — no Fluent code, no trait object whose methods would pull the
/// parser into the main module.
#[derive(Debug, Default)]
pub struct Catalog {
    pub lang: Option<Lang>,
    /// `messages[table][place]`, in registry order.
    pub messages: Vec<Vec<Message>>,
    /// shared's labels: `labels[list][value]`, by the positions of [`labels::lists`].
    pub labels: Vec<Vec<Option<&'static str>>>,
}

/// One message of a catalog.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Not in the catalog (or not readable): shown in zh-Hans.
    Missing,
    /// A text without arguments.
    Plain(&'static str),
    /// A text with arguments.
    Pattern(Vec<Part>),
}

/// A piece of a message with arguments: the subset of Fluent the catalogs use.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(&'static str),
    /// `{ $name }`.
    Var(&'static str),
    /// `{ $name -> [one] … *[other] … }`: an exact number, else the plural category of a number
    /// (or the string itself), else the default variant.
    Select {
        var: &'static str,
        variants: Vec<(VariantKey, Vec<Part>)>,
        default: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum VariantKey {
    Number(i64),
    Name(&'static str),
}

impl Catalog {
    pub fn message(&self, id: u16) -> Option<&Message> {
        self.messages.get(usize::from(id / 1000))?.get(usize::from(id % 1000))
    }

    /// Text `id` without arguments; `None`: not in the catalog.
    pub fn text(&self, id: u16) -> Option<&'static str> {
        match self.message(id)? {
            Message::Plain(text) => Some(text),
            _ => None,
        }
    }

    /// Text `id` formatted with `args`; `None`: not in the catalog.
    pub fn format(&self, id: u16, args: &[(&str, Arg<'_>)]) -> Option<String> {
        let Message::Pattern(parts) = self.message(id)? else { return None };
        let mut out = String::new();
        render(parts, args, self.lang.unwrap_or(Lang::ZhHans), &mut out);
        Some(out)
    }

    /// The label of `code` in shared's list `list`; `None`: not in the catalog. (The app reads
    /// labels by position, [`Localized`].)
    pub fn label(&self, list: &str, code: &str) -> Option<&'static str> {
        let (l, (_, codes)) =
            labels::codes().into_iter().enumerate().find(|(_, (name, _))| *name == list)?;
        let v = codes.iter().position(|c| *c == code)?;
        *self.labels.get(l)?.get(v)?
    }
}

/// The plural category of `n` in `lang`, as Fluent names it: English has `one` and `other`,
/// Chinese only `other`.
pub fn plural_category(lang: Lang, n: i64) -> &'static str {
    match lang {
        Lang::En if n == 1 => "one",
        _ => "other",
    }
}

/// Writes `parts` with `args` into `out`, as Fluent would.
pub fn render(parts: &[Part], args: &[(&str, Arg<'_>)], lang: Lang, out: &mut String) {
    use fmt::Write;
    let arg = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Var(name) => {
                if let Some(value) = arg(name) {
                    let _ = write!(out, "{value}");
                }
            }
            Part::Select { var, variants, default } => {
                let value = arg(var);
                let exact = variants.iter().position(|(key, _)| match (key, value) {
                    (VariantKey::Number(k), Some(Arg::Num(n))) => *k == n,
                    (VariantKey::Name(k), Some(Arg::Str(s))) => *k == s,
                    _ => false,
                });
                let category = || {
                    let Some(Arg::Num(n)) = value else { return None };
                    let category = plural_category(lang, n);
                    variants.iter().position(|(key, _)| *key == VariantKey::Name(category))
                };
                let chosen = exact.or_else(category).unwrap_or(*default);
                if let Some((_, parts)) = variants.get(chosen) {
                    render(parts, args, lang, out);
                }
            }
        }
    }
}

thread_local! {
    // A reference: the catalog lives as long as the page, and the main module needs no code to
    // drop it.
    pub(crate) static INSTALLED: OnceCell<&'static Catalog> = const { OnceCell::new() };
}

/// Makes `catalog` the app's language (once, before the app mounts). False if one was
/// installed already.
pub fn install(catalog: Catalog) -> bool {
    INSTALLED.with(|installed| installed.set(Box::leak(Box::new(catalog))).is_ok())
}

/// The language texts are shown in.
pub fn current() -> Lang {
    INSTALLED.with(|installed| installed.get().and_then(|c| c.lang).unwrap_or(Lang::ZhHans))
}

/// Declares a table of texts: `NAME = "fluent-key": "zh-Hans";` each, numbered from `$base`.
/// Besides the constants: `ALL` (every text) and `KEYS` (their keys, in the same order), which
/// the catalog check reads, and the build's reading of the registry is held to (`registry!`);
/// the app reads `messages::KEYS` alone (`messages::text_of`).
#[macro_export]
macro_rules! texts {
    ($base:expr; $( $(#[$meta:meta])* $name:ident = $key:literal : $zh:expr; )*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(u16)]
        enum Id { $($name),* }
        $( $(#[$meta])* pub const $name: $crate::Text = $crate::Text::new($base + Id::$name as u16, $zh); )*
        /// Every text of this table, in registry order.
        pub const ALL: &[$crate::Text] = &[$($name),*];
        /// The Fluent key of each of [`ALL`].
        pub const KEYS: &[&str] = &[$($key),*];
    };
}

mod general;
pub use general::*;
pub mod branches;
pub mod campaign;
pub mod messages;
pub mod office;
pub mod outbox;
pub mod server;
pub mod sync;

/// The registry's tables, in the order of their numbers (`id / 1000`).
macro_rules! registry {
    ($($table:ident),* $(,)?) => {
        /// Every table: its texts and their keys. `TABLES[id / 1000]` holds text `id`.
        pub const TABLES: &[(&[Text], &[&str])] = &[$(($table::ALL, $table::KEYS)),*];

        /// Every table's keys alone, as [`TABLES`] orders them.
        pub const KEY_TABLES: &[&[&str]] = &[$($table::KEYS),*];

        /// How many texts each table has: all the catalog loader reads of the registry. The
        /// compiled catalogs hold the texts by position (`build.rs`), so the loader needs no
        /// key; and [`TABLES`] points at every text's zh-Hans wording, which a catalog's wasm
        /// chunk reading it would share with the screens, and its chunks with theirs.
        pub const TABLE_LENGTHS: &[usize] = &[$($table::KEYS.len()),*];
    };
}

registry!(general, campaign, sync, outbox, branches, office, messages, server);

// The registry as the build script read it from this crate's source (`build.rs`,
// `registry_keys`): the compiled catalogs hold each text at that position, so a reading that
// differs from the macros' keys by one key or one place fails the build here.
include!(concat!(env!("OUT_DIR"), "/registry.rs"));
const _: () = assert!(
    same_keys(BUILT, KEY_TABLES),
    "crates/texts/build.rs read the registry's keys otherwise than the texts! macros declare them"
);

/// `a` and `b` hold the same keys in the same order (at compile time).
const fn same_keys(a: &[&[&str]], b: &[&[&str]]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut table = 0;
    while table < a.len() {
        let (x, y) = (a[table], b[table]);
        if x.len() != y.len() {
            return false;
        }
        let mut place = 0;
        while place < x.len() {
            if !same_bytes(x[place].as_bytes(), y[place].as_bytes()) {
                return false;
            }
            place += 1;
        }
        table += 1;
    }
    true
}

/// `a == b`, at compile time (slices' `==` is not `const`).
const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The key of text `id`.
pub fn key(id: u16) -> Option<&'static str> {
    KEY_TABLES.get(usize::from(id / 1000))?.get(usize::from(id % 1000)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_arguments() {
        assert_eq!(
            fill(
                "共 { $total } 人，显示 { $shown } 人",
                &[("shown", 3usize.into()), ("total", 10usize.into())]
            ),
            "共 10 人，显示 3 人"
        );
        assert_eq!(fill("无参数", &[]), "无参数");
    }

    #[test]
    fn browser_languages_pick_the_first_known() {
        assert_eq!(Lang::from_browser(&["zh-TW"]), Lang::ZhHant);
        assert_eq!(Lang::from_browser(&["zh-HK", "en"]), Lang::ZhHant);
        assert_eq!(Lang::from_browser(&["zh-MO"]), Lang::ZhHant);
        assert_eq!(Lang::from_browser(&["zh-Hant-CN"]), Lang::ZhHant);
        assert_eq!(Lang::from_browser(&["zh-CN", "en"]), Lang::ZhHans);
        assert_eq!(Lang::from_browser(&["zh"]), Lang::ZhHans);
        assert_eq!(Lang::from_browser(&["en-US", "zh-CN"]), Lang::En);
        assert_eq!(Lang::from_browser(&["fr-FR", "en-GB"]), Lang::En);
        assert_eq!(Lang::from_browser(&["fr-FR"]), Lang::ZhHans);
        assert_eq!(Lang::from_browser::<&str>(&[]), Lang::ZhHans);
    }

    /// No two texts share a key, nor a text and a label of shared's lists, nor two labels: the
    /// compiled catalogs keep a text by its number and a label by its key (`build.rs`), and a
    /// key the registry took would leave a label without its translation.
    #[test]
    fn keys_are_unique_and_every_id_finds_its_key() {
        let mut seen = std::collections::HashSet::new();
        for (texts, keys) in TABLES {
            assert_eq!(texts.len(), keys.len());
            for (text, key) in texts.iter().zip(keys.iter()) {
                assert!(seen.insert((*key).to_owned()), "key {key} declared twice");
                assert_eq!(super::key(text.id()), Some(*key));
            }
        }
        for (list, code, _) in labels::all() {
            let key = labels::key(list, code);
            assert!(seen.insert(key.clone()), "label key {key} is also another text's key");
        }
    }
}
