//! The router's own description of its routes, for tests that hold something against every
//! route: the safety classification of saving routes and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

/// The method fields of axum's `MethodRouter`, as they appear in its `Debug` output.
pub(crate) const METHODS: [&str; 9] = [
    "get", "head", "delete", "options", "patch", "post", "put", "trace", "connect",
];

/// `(METHOD, path)` of every route of a router, read from axum's own description of it (its
/// `Debug` output lists each route's path and its method endpoints). Panics when the
/// description cannot be read, so an axum upgrade cannot make a test pass silently.
pub(crate) fn routes_of(router: &axum::Router<crate::AppState>) -> BTreeSet<(String, String)> {
    let text = format!("{router:?}");
    // Paths: `paths: {RouteId(3): "/days", …}`.
    let paths_at = text
        .find("paths: {")
        .expect("axum's router lists its paths");
    let paths_text = &text[paths_at..];
    // Paths hold braces (`/days/{date}`), so the list ends at the first `"}` instead.
    let paths_text = &paths_text[..paths_text.find("\"}").unwrap() + 1];
    let mut paths = BTreeMap::new();
    for part in paths_text.split("RouteId(").skip(1) {
        let (id, rest) = part.split_once("): \"").unwrap();
        let path = &rest[..rest.find('"').unwrap()];
        paths.insert(id.to_owned(), path.to_owned());
    }
    assert!(
        paths.len() > 10,
        "read only {} paths from {text:.400}",
        paths.len()
    );
    // Endpoints: `routes: {RouteId(3): MethodRouter(MethodRouter { get: …, post: …, … })`.
    let mut found = BTreeSet::new();
    let routes_text = &text[text
        .find("routes: {")
        .expect("axum's router lists its routes")..paths_at];
    for part in routes_text.split("RouteId(").skip(1) {
        let (id, rest) = part.split_once("): ").unwrap();
        let path = paths
            .get(id)
            .unwrap_or_else(|| panic!("route {id} has no path"));
        if path.contains("__private__axum") {
            continue; // the API's own fallback ("no such endpoint"), added by `nest`
        }
        assert!(
            rest.starts_with("MethodRouter(MethodRouter {"),
            "route {path} is not a method router: {rest:.100}"
        );
        for method in METHODS {
            let field = format!(" {method}: ");
            let at = rest
                .find(&field)
                .unwrap_or_else(|| panic!("no {method} in {rest:.300}"));
            if !rest[at + field.len()..].starts_with("None") {
                found.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}
