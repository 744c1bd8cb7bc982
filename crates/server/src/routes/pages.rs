//! Small server-rendered pages for the office (no script: the CSP forbids inline code and the
//! pages need none). Every page carries the app's Content-Security-Policy, and is in the
//! language the request's `Accept-Language` prefers among the app's three ([`PageLang`]).

use axum::extract::FromRequestParts;
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use texts::{Catalog, Lang};

use super::static_files::CONTENT_SECURITY_POLICY_VALUE;

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;\
max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}\
h1{font-size:1.4rem;color:#b00}label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}\
button{margin-top:1.2rem;font-size:1rem;padding:.5rem 1.5rem}\
.ok{color:#060}.error{color:#b00}table{border-collapse:collapse;margin-top:1rem}\
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}small{color:#666}";

/// The language of a page: the first of the request's `Accept-Language` (by q-value, the
/// `accept-language` crate; q=0 means "not this one") that the app has — zh-TW, zh-HK, zh-MO or
/// zh-Hant → zh-Hant, other Chinese → zh-Hans, any English → en; none: zh-Hans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageLang(pub Lang);

impl PageLang {
    pub fn of(headers: &HeaderMap) -> Self {
        let header = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let tags: Vec<String> = accept_language::parse_with_quality(header)
            .into_iter()
            .filter(|(tag, q)| *q > 0.0 && tag != "*")
            .map(|(tag, _)| tag)
            .collect();
        PageLang(Lang::from_browser(&tags))
    }

    /// Its catalog (`None`: zh-Hans, the texts' own wording).
    pub fn catalog(self) -> Option<&'static Catalog> {
        texts::fluent::cached(self.0)
    }

    /// A text in this language.
    pub fn text(self, text: texts::Text) -> &'static str {
        text.get_in(self.catalog())
    }

    /// A text with arguments in this language.
    pub fn format(self, text: texts::Text, args: &[(&str, texts::Arg<'_>)]) -> String {
        text.format_in(self.catalog(), args)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang::of(&parts.headers))
    }
}

/// A whole page in `lang`: `body` is trusted HTML (escape every value put into it).
pub fn page(lang: PageLang, status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        title = escape(title),
        lang = lang.0.tag()
    );
    let mut res = (status, html).into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers
        .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(VARY, HeaderValue::from_static("accept-language"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(header: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(header).unwrap());
        PageLang::of(&headers).0
    }

    #[test]
    fn accept_language_picks_the_page_s_language() {
        assert_eq!(lang("zh-TW"), Lang::ZhHant);
        assert_eq!(lang("zh-HK,zh;q=0.8"), Lang::ZhHant);
        assert_eq!(lang("zh-MO"), Lang::ZhHant);
        assert_eq!(lang("zh-Hant-CN"), Lang::ZhHant);
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::ZhHans);
        assert_eq!(lang("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(lang("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(lang("fr-FR"), Lang::ZhHans);
        assert_eq!(lang(""), Lang::ZhHans);
        // q-values, not the order written, decide; q=0 is a refusal.
        assert_eq!(lang("en;q=0.4, zh-TW;q=0.9"), Lang::ZhHant);
        assert_eq!(lang("zh-TW;q=0, en;q=0.5"), Lang::En);
        assert_eq!(PageLang::of(&HeaderMap::new()).0, Lang::ZhHans);
    }
}
