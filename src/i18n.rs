//! Every user-visible text of the app: the `texts` crate (`crates/texts`), zh-Hans compiled in,
//! zh-Hant and English from the Fluent catalogs in `locales/`, loaded before the app mounts
//! (`split::catalog`, `app_language`).

pub use texts::*;
