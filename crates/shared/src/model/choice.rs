//! The `choice!` macro: closed lists of values that a form renders as a select.
//!
//! Every choice serialises as its snake_case key (the same string as `as_str()`, by
//! construction), and has `ALL` (display order), `as_str()`, `parse()` and `label_zh()`, and
//! implements [`Choice`], the one trait the app's select widgets are written against.

/// A closed list of values a form offers as a select: every value in display order, the key
/// stored and sent, the value of a key, and the label a person reads.
pub trait Choice: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn from_key(key: &str) -> Option<Self>;
    fn label(self) -> &'static str;
}

/// Declare a choice enum: `Variant => ("key", "中文标签")`.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($key:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $key)] $variant ),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every key, in display order.
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            /// The storage and wire key (snake_case).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The value whose key is `key`.
            pub fn parse(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }

            /// The label shown to users (Simplified Chinese).
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl $crate::model::Choice for $name {
            fn all() -> &'static [Self] { $name::ALL }
            fn key(self) -> &'static str { self.as_str() }
            fn from_key(key: &str) -> Option<Self> { $name::parse(key) }
            fn label(self) -> &'static str { self.label_zh() }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }
    };
}

pub(crate) use choice;
