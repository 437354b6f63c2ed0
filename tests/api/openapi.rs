//! The OpenAPI document: the committed copy is the generated one, it is served without
//! a token with an offline browser, and every answer the API tests receive through the
//! helpers matches it (status, content type and body shape), see [`conforms`].

use serde_json::Value;

use crate::helpers::{registration, spawn_app, TestResponse};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");

fn document() -> Value {
    serde_json::from_str(&avg_loket::http::openapi::document_json()).expect("the document is JSON")
}

/// The operation of `method` on the path template that matches `path` best (the one
/// with the most literal segments), with the template.
fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in doc["paths"].as_object()? {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let matches = parts.iter().zip(&segments).all(|(part, segment)| {
            if part.starts_with('{') {
                !segment.is_empty()
            } else {
                literal += 1;
                part == segment
            }
        });
        if matches && best.is_none_or(|(n, _, _)| literal > n) {
            if let Some(op) = item.get(method.to_lowercase()) {
                best = Some((literal, template, op));
            }
        }
    }
    best.map(|(_, template, op)| (template, op))
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn type_allows(schema: &Value, name: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == name,
        Value::Array(types) => types.iter().any(|t| t == name),
        _ => false,
    }
}

/// Checks `value` against `schema`; pushes one line per mismatch.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        // utoipa writes a flattened map as `allOf` of the fields and an open object:
        // one object with every part's fields, open if any part is.
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        let mut open = false;
        for part in parts {
            let part = resolve(doc, part);
            match part["properties"].as_object() {
                Some(p) => properties.extend(p.clone()),
                None => open = true,
            }
            required.extend(part["required"].as_array().cloned().unwrap_or_default());
        }
        let mut merged =
            serde_json::json!({"type": "object", "properties": properties, "required": required});
        if open {
            merged["additionalProperties"] = Value::Bool(true);
        }
        return check(doc, &merged, value, at, errors);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            let fits = alternatives.iter().any(|alternative| {
                let mut mine = Vec::new();
                check(doc, alternative, value, at, &mut mine);
                mine.is_empty()
            });
            if !fits {
                errors.push(format!("{at}: fits none of the {key} alternatives: {value}"));
            }
            return;
        }
    }
    if schema.get("type").is_none() {
        return; // any value
    }
    let fits = match value {
        Value::Null => type_allows(schema, "null"),
        Value::Bool(_) => type_allows(schema, "boolean"),
        Value::Number(n) => {
            type_allows(schema, "number") || (type_allows(schema, "integer") && (n.is_i64() || n.is_u64()))
        }
        Value::String(_) => type_allows(schema, "string"),
        Value::Array(items) => {
            if type_allows(schema, "array") {
                for (i, item) in items.iter().enumerate() {
                    check(doc, &schema["items"], item, &format!("{at}[{i}]"), errors);
                }
                true
            } else {
                false
            }
        }
        Value::Object(fields) => {
            if type_allows(schema, "object") {
                let properties = schema["properties"].as_object();
                for (key, field) in fields {
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => check(doc, property, field, &format!("{at}.{key}"), errors),
                        None => match schema.get("additionalProperties") {
                            Some(Value::Bool(false)) | None if properties.is_some() => {
                                errors.push(format!("{at}.{key}: not in the document"))
                            }
                            Some(additional) if additional.is_object() => {
                                check(doc, additional, field, &format!("{at}.{key}"), errors)
                            }
                            _ => {}
                        },
                    }
                }
                for required in schema["required"].as_array().into_iter().flatten() {
                    let name = required.as_str().unwrap_or_default();
                    if !fields.contains_key(name) {
                        errors.push(format!("{at}.{name}: required by the document, missing"));
                    }
                }
                true
            } else {
                false
            }
        }
    };
    if !fits {
        errors.push(format!("{at}: {value} is not of type {}", schema["type"]));
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            errors.push(format!(
                "{at}: {value} is not one of the values the document lists"
            ));
        }
    }
    if let (Some(pattern), Value::String(text)) = (schema["pattern"].as_str(), value) {
        if !regex::Regex::new(pattern)
            .expect("a valid pattern")
            .is_match(text)
        {
            errors.push(format!("{at}: {text:?} does not match {pattern}"));
        }
    }
    if let (Some(names), Value::Object(fields)) = (schema.get("propertyNames"), value) {
        for key in fields.keys() {
            check(
                doc,
                names,
                &Value::String(key.clone()),
                &format!("{at} key {key:?}"),
                errors,
            );
        }
    }
}

/// Panics unless the document describes this answer: the status for the operation,
/// the content type for the status, and the body's shape. Answers to paths the
/// document does not name (unknown routes, wrong methods) are not checked.
pub fn conforms(method: &str, path: &str, response: &TestResponse) {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let doc = DOCUMENT.get_or_init(document);
    let Some((template, op)) = operation(doc, method, path) else {
        return;
    };
    let status = response.status.as_u16().to_string();
    let Some(documented) = op["responses"].get(&status) else {
        panic!(
            "{method} {template} answered {status}, which the document does not list: {}",
            response.text
        );
    };
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    if response.text.is_empty() && documented.get("content").is_none() {
        return;
    }
    let Some(media) = documented["content"].get(&content_type) else {
        panic!("{method} {template} {status} answered {content_type}, which the document does not list");
    };
    if content_type.ends_with("json") {
        let mut errors = Vec::new();
        check(doc, &media["schema"], &response.body, "body", &mut errors);
        assert!(
            errors.is_empty(),
            "{method} {template} {status} does not match the document:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = avg_loket::http::openapi::document_json();
    if std::env::var_os("AVG_LOKET_UPDATE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json differs from the document the code generates; \
         run `AVG_LOKET_UPDATE_OPENAPI=1 cargo test --test api openapi` and commit the result"
    );
}

#[test]
fn every_operation_has_a_summary_tag_and_the_errors_it_can_answer() {
    let doc = document();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name}: no tag"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{name}: no success answer"
            );
            assert!(responses.contains_key("500"), "{name}: no 500");
            if path.ends_with("/report") {
                // A system's automation signs its report instead of carrying a token.
                assert!(responses.contains_key("401"), "{name}: no 401");
                assert_eq!(
                    op["security"],
                    serde_json::Value::Null,
                    "{name}: signed, no bearer"
                );
                let headers: Vec<_> = op["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["name"].clone())
                    .collect();
                assert!(headers.contains(&serde_json::json!("X-Avg-Signature")), "{name}");
            } else if path.starts_with("/api/v1/") {
                assert!(responses.contains_key("401"), "{name}: no 401");
                assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{name}");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{name} {status}"
                    );
                }
            }
        }
    }
    assert_eq!(operations, 43, "every route of src/http/mod.rs is documented");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

#[actix_web::test]
async fn the_document_and_the_api_browser_are_served_without_a_token() {
    let app = spawn_app().await;
    let served =
        crate::helpers::read(app.client.get(app.url("/api/openapi.json")).send().await.unwrap()).await;
    assert_eq!(served.status, 200, "{}", served.text);
    assert_eq!(served.body, document());

    let bare = crate::helpers::read(app.client.get(app.url("/api/docs")).send().await.unwrap()).await;
    // The redirect, or where it leads when the client follows it.
    match bare.status.as_u16() {
        308 => assert_eq!(bare.header("location").as_deref(), Some("/api/docs/")),
        status => assert!(status == 200 && bare.text.contains("swagger-ui"), "{status}"),
    }
    let page = crate::helpers::read(app.client.get(app.url("/api/docs/")).send().await.unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    for line in page
        .text
        .lines()
        .filter(|l| l.contains("src=") || l.contains("href="))
    {
        assert!(
            !line.contains("http://") && !line.contains("https://") && !line.contains("//"),
            "the browser loads nothing from elsewhere: {line}"
        );
    }
    let config = crate::helpers::read(
        app.client
            .get(app.url("/api/docs/swagger-initializer.js"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(config.status, 200);
    assert!(config.text.contains("/api/openapi.json"), "{}", config.text);
    let script = crate::helpers::read(
        app.client
            .get(app.url("/api/docs/swagger-ui-bundle.js"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(script.status, 200);
    assert!(script.text.len() > 100_000, "the vendored bundle is served");
}

#[actix_web::test]
async fn the_checker_notices_an_answer_the_document_does_not_describe() {
    let app = spawn_app().await;
    app.create_team("AMW").await;
    let created = app
        .post_json("/api/v1/requests", &registration("access", "2026-11-02"))
        .await;
    let doc = document();
    let (_, op) = operation(&doc, "POST", "/api/v1/requests").unwrap();
    let schema = &doc["components"]["schemas"]["RequestDetails"];
    assert_eq!(
        op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RequestAnswer"
    );

    let mut errors = Vec::new();
    check(&doc, schema, &created.body, "body", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");

    let mut extra = created.body.clone();
    extra["requester"]["bsn"] = "123456782".into();
    let mut missing = created.body.clone();
    missing.as_object_mut().unwrap().remove("deadlines");
    let mut wrong = created.body.clone();
    wrong["version"] = "one".into();
    let mut unknown_status = created.body.clone();
    unknown_status["status"] = "archived".into();
    let mut unknown_relation = created.body.clone();
    unknown_relation["requester"]["relation"] = "neighbour".into();
    let mut bad_team = created.body.clone();
    bad_team["team"] = "amw".into();
    let mut problem = app
        .post_json("/api/v1/requests", &serde_json::json!({}))
        .await
        .body;
    problem["errors"][0]["line"] = 3.into();
    let problem_schema = serde_json::json!({"$ref": "#/components/schemas/Problem"});
    let mut errors = Vec::new();
    check(&doc, &problem_schema, &problem, "body", &mut errors);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("body.errors[0].line: not in the document")),
        "{errors:?}"
    );

    // Map keys are codes too: a count under an unknown status is noticed.
    let counts = serde_json::json!({"total": 1, "by_status": {"archived": 1}, "by_kind": {}, "by_team": {}});
    let mut errors = Vec::new();
    check(
        &doc,
        &serde_json::json!({"$ref": "#/components/schemas/OpenCounts"}),
        &counts,
        "body",
        &mut errors,
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("body.by_status key \"archived\"")),
        "{errors:?}"
    );
    // The outbox's repeated overdue reminders follow their pattern; nothing else does.
    let stage = serde_json::json!({"$ref": "#/components/schemas/MailStage"});
    for (value, fits) in [
        ("overdue_week_3", true),
        ("digest", true),
        ("overdue_week_x", false),
        ("late", false),
    ] {
        let mut errors = Vec::new();
        check(&doc, &stage, &Value::from(value), "stage", &mut errors);
        assert_eq!(errors.is_empty(), fits, "{value}: {errors:?}");
    }

    let teapot = TestResponse {
        status: actix_web::http::StatusCode::IM_A_TEAPOT,
        headers: Default::default(),
        body: Value::Null,
        text: String::new(),
        bytes: Vec::new(),
    };
    let undocumented = std::panic::catch_unwind(|| conforms("GET", "/api/v1/teams/AMW", &teapot));
    assert!(
        undocumented.is_err(),
        "a status the document does not list fails the test"
    );

    for (body, expected) in [
        (extra, "body.requester.bsn: not in the document"),
        (missing, "body.deadlines: required by the document, missing"),
        (wrong, "body.version"),
        (
            unknown_status,
            "body.status: \"archived\" is not one of the values",
        ),
        (
            unknown_relation,
            "body.requester.relation: \"neighbour\" is not one of the values",
        ),
        (bad_team, "body.team: \"amw\" does not match"),
    ] {
        let mut errors = Vec::new();
        check(&doc, schema, &body, "body", &mut errors);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{expected}: {errors:?}"
        );
    }
}
