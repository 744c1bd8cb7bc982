//! `GET /healthz` and `GET /api/v1/openapi.json`.

use axum::Json;
use serde_json::{Value, json};

use crate::error::AppError;

pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// Any `/api/...` path that is not in the table: a JSON 404, never the app's index page.
pub async fn api_not_found() -> AppError {
    AppError::RouteNotFound
}

pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}
