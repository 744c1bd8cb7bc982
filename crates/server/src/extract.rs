//! Axum's extractors, with their rejections turned into [`AppError`] JSON answers.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::state::AppState;

/// `axum::Json` with JSON errors (400 malformed, 413 too large, 415 wrong content type).
///
/// A well-formed body is decoded by `serde_json` directly: `axum::Json` decodes through
/// `serde_path_to_error`, which tracks the path of every value and takes about twice as long
/// for a 2,000-operation push. Only a body that fails is decoded again by `axum::Json`, for
/// its message naming the field at fault.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType);
        }
        let body = bytes::Bytes::from_request(req, state).await.map_err(|e| bytes_error(&e))?;
        // The body's UTF-8 checked once, then the text decoded: `serde_json::from_slice` checks
        // each string on its own, which takes about a third longer for a 2,000-operation push.
        if let Ok(Ok(value)) = std::str::from_utf8(&body).map(serde_json::from_str) {
            return Ok(ApiJson(value));
        }
        match axum::Json::<T>::from_bytes(&body) {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(e)) => Err(bytes_error(&e)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(e) => Err(AppError::MalformedJson(e.body_text())),
        }
    }
}

/// What `axum::Json` accepts: `application/json` or `application/<anything>+json`, with
/// parameters (`; charset=utf-8`) allowed.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let Some(subtype) = essence.strip_prefix("application/") else {
        return false;
    };
    subtype == "json" || subtype.rsplit_once('+').is_some_and(|(_, suffix)| suffix == "json")
}

/// The raw body, with 413 as JSON.
pub struct ApiBytes(pub bytes::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        bytes::Bytes::from_request(req, state).await.map(ApiBytes).map_err(|e| bytes_error(&e))
    }
}

fn bytes_error(e: &BytesRejection) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::bad_request("unreadable_body", "unreadable_body")
    }
}

/// `axum::extract::Query` with a JSON 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| {
                AppError::bad_request(
                    "invalid_query",
                    shared::message::Message::new("invalid_query").arg("detail", e.body_text()),
                )
            })
    }
}

/// `axum::extract::Path` with a JSON 400.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| {
                AppError::bad_request(
                    "invalid_path",
                    shared::message::Message::new("invalid_path").arg("detail", e.body_text()),
                )
            })
    }
}

/// The client's address, when the server was started by [`crate::serve`] (which records the
/// TCP peer on every request): the peer, or behind a trusted reverse proxy the client it names
/// in `X-Forwarded-For` ([`crate::proxy`]); `None` for a router driven directly.
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| state.trusted_proxies.client(info.0.ip(), &parts.headers));
        Ok(ClientAddr(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn json_content_types_as_axum_takes_them() {
        let cases = [
            (Some("application/json"), true),
            (Some("application/json; charset=utf-8"), true),
            (Some("Application/JSON"), true),
            (Some("application/problem+json"), true),
            (Some("application/jsonx"), false),
            (Some("text/json"), false),
            (Some("text/plain"), false),
            (Some("multipart/form-data; boundary=x"), false),
            (None, false),
        ];
        for (value, expected) in cases {
            let mut headers = HeaderMap::new();
            if let Some(v) = value {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(v));
            }
            assert_eq!(is_json(&headers), expected, "{value:?}");
        }
    }

    #[tokio::test]
    async fn a_body_that_is_not_utf8_is_malformed_json_and_one_that_is_decodes() {
        #[derive(serde::Deserialize)]
        struct Named {
            name: String,
        }
        let request = |body: &'static [u8]| {
            Request::builder()
                .header(CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let named =
            ApiJson::<Named>::from_request(request("{\"name\":\"王海波\"}".as_bytes()), &())
                .await
                .map(|ApiJson(n)| n.name);
        assert_eq!(named.unwrap(), "王海波");
        let escaped = ApiJson::<Named>::from_request(request(br#"{"name":"\u738b"}"#), &())
            .await
            .map(|ApiJson(n)| n.name);
        assert_eq!(escaped.unwrap(), "王");
        for body in [&b"{\"name\":\"\xff\"}"[..], b"{\"name\":\"\xe7\x8e\"}", b"{\"name\":7}"] {
            let refused = ApiJson::<Named>::from_request(request(body), &()).await;
            assert!(matches!(refused, Err(AppError::MalformedJson(_))), "{body:?}");
        }
    }
}

/// The sync protocol the app speaks (`shared::sync::PROTOCOL_HEADER`; no header: an app from
/// before the header, [`shared::sync::PROTOCOL_VERSION_UNNAMED`]). Extracting it refuses an app
/// older than the server's minimum with `426 upgrade_required` and a header that is not a
/// number with `400 bad_protocol`, before anything else of the request is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientProtocol(pub u32);

impl FromRequestParts<crate::state::AppState> for ClientProtocol {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, AppError> {
        use shared::sync::{PROTOCOL_HEADER, ProtocolHeaderError, protocol_of, protocol_supported};
        let refused = |e: ProtocolHeaderError| AppError::bad_request("bad_protocol", e.message());
        let header = match parts.headers.get(PROTOCOL_HEADER) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                refused(ProtocolHeaderError(String::from_utf8_lossy(value.as_bytes()).into()))
            })?),
        };
        let client = protocol_of(header).map_err(refused)?;
        let minimum = state.min_protocol();
        if protocol_supported(client, minimum) {
            Ok(ClientProtocol(client))
        } else {
            Err(AppError::UpgradeRequired { client, minimum })
        }
    }
}
