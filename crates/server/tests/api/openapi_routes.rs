//! The OpenAPI document and the real router describe the same routes.

use std::collections::BTreeSet;

use crate::common::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use server::routes;

/// A concrete URL for a documented path template.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{id}" if path.contains("/devices/") => "1".to_owned(),
            "{id}" => uuid::Uuid::nil().to_string(),
            "{sha256}" => "0".repeat(64),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let s = TestServer::start().await;
    for doc in routes::docs() {
        let method = Method::from_bytes(doc.method.as_bytes()).unwrap();
        let res = s.request(method, &concrete(doc.path), None).send().await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{} {}", doc.method, doc.path);
        assert_ne!(body["error"]["code"], "not_found", "{} {} is not routed", doc.method, doc.path);
        match doc.access {
            routes::Access::Public | routes::Access::OfficeForm => {
                assert_ne!(status, StatusCode::UNAUTHORIZED, "{}", doc.path)
            }
            _ => assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {} must need a token",
                doc.method,
                doc.path
            ),
        }
    }
}

#[tokio::test]
async fn the_served_document_lists_exactly_the_route_table() {
    let s = TestServer::start().await;
    let (status, doc) = s.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let table: BTreeSet<(String, String)> =
        routes::docs().iter().map(|d| (d.method.to_owned(), d.path.to_owned())).collect();
    assert_eq!(documented, table);
    assert!(table.contains(&("POST".into(), "/api/v1/sync/push".into())));
    assert!(table.contains(&("PUT".into(), "/api/v1/attachments/{sha256}".into())));
}

#[tokio::test]
async fn paths_outside_the_table_are_not_routed() {
    let s = TestServer::start().await;
    for path in ["/api/v1/sync", "/api/v1/sync/push/extra", "/api/v2/sync/pull", "/api"] {
        let (status, body) = s.get_json(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}
