//! Small server-rendered pages for the office (no script: the CSP forbids inline code and the
//! pages need none). Every page carries the app's Content-Security-Policy.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

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

/// A whole page: `body` is trusted HTML (escape every value put into it).
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        title = escape(title)
    );
    let mut res = (status, html).into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers
        .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
