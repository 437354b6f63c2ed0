//! A JSON body extractor whose errors name the field: `requester.email: invalid type:
//! integer, expected a string`, `kind: missing field`, `colour: unknown field`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::{ApiError, FieldError};

/// Largest JSON body accepted (a request with a long description fits easily).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// `Json<T>` for API bodies: requires `application/json`, rejects unknown fields (the
/// DTOs say `deny_unknown_fields`) and maps every problem to a problem+json answer.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req.content_type().to_string();
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json(&content_type) {
                let shown = if content_type.is_empty() {
                    "none".to_string()
                } else {
                    content_type
                };
                return Err(ApiError::UnsupportedMediaType(shown));
            }
            if declared_length.is_some_and(|n| n > MAX_BODY_BYTES) {
                return Err(too_large());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk
                    .map_err(|e| ApiError::MalformedBody(format!("could not read the request body: {e}")))?;
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body.freeze()).map(Json)
        })
    }
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the request body is larger than {MAX_BODY_BYTES} bytes ({} KiB)",
        MAX_BODY_BYTES / 1024
    ))
}

pub fn is_json(content_type: &str) -> bool {
    content_type == "application/json"
        || (content_type.starts_with("application/") && content_type.ends_with("+json"))
}

/// Parses a body, naming the offending field on failure.
pub fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedBody(
            "the request body is empty; expected a JSON object".into(),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::Validation(vec![field_error(&path, &inner)]),
            _ => ApiError::MalformedBody(format!(
                "the request body is not valid JSON: {} (line {}, column {})",
                strip_position(&inner.to_string()),
                inner.line(),
                inner.column()
            )),
        }
    })?;
    deserializer.end().map_err(|_| {
        ApiError::MalformedBody("the request body has trailing characters after the JSON value".into())
    })?;
    Ok(value)
}

/// serde reports a missing or unknown field on the object that holds it; name the
/// field itself instead.
fn field_error(path: &str, error: &serde_json::Error) -> FieldError {
    let message = strip_position(&error.to_string());
    let parent = if path == "." { "" } else { path };
    let join = |name: &str| {
        if parent.is_empty() {
            name.to_string()
        } else {
            format!("{parent}.{name}")
        }
    };
    for (prefix, what) in [
        ("missing field `", "is required"),
        ("unknown field `", "is not a known field"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((name, tail)) = rest.split_once('`') {
                let hint = tail.trim_start_matches(", ").trim();
                let message = if hint.is_empty() {
                    what.to_string()
                } else {
                    format!("{what}; {hint}")
                };
                // The path of an unknown field already ends with it; a missing one's does not.
                let already_named = parent == name || parent.ends_with(&format!(".{name}"));
                let field = if already_named {
                    parent.to_string()
                } else {
                    join(name)
                };
                return FieldError::new(field, message);
            }
        }
    }
    let field = if parent.is_empty() {
        "body".to_string()
    } else {
        parent.to_string()
    };
    FieldError::new(field, message)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        kind: String,
        requester: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        age: Option<u8>,
    }

    fn fields(body: &str) -> Vec<FieldError> {
        match parse::<Outer>(&Bytes::from(body.to_string())) {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_of_every_data_error() {
        assert_eq!(fields(r#"{"requester":{"name":"x"}}"#)[0].field, "kind");
        assert_eq!(
            fields(r#"{"kind":"a","requester":{}}"#)[0].field,
            "requester.name"
        );
        assert_eq!(
            fields(r#"{"kind":"a","requester":{"name":"x","colour":1}}"#)[0].field,
            "requester.colour"
        );
        assert_eq!(
            fields(r#"{"kind":"a","colour":1,"requester":{"name":"x"}}"#)[0].field,
            "colour"
        );
        let wrong = fields(r#"{"kind":"a","requester":{"name":"x","age":"old"}}"#);
        assert_eq!(wrong[0].field, "requester.age");
        assert!(wrong[0].message.contains("expected u8"), "{}", wrong[0].message);
        assert_eq!(fields(r#""text""#)[0].field, "body");
    }

    #[test]
    fn syntax_errors_are_malformed_bodies() {
        for body in [
            "{",
            "",
            "  ",
            "{\"kind\": }",
            "{\"kind\":\"a\",\"requester\":{\"name\":\"x\"}} x",
        ] {
            assert!(
                matches!(
                    parse::<Outer>(&Bytes::from(body)),
                    Err(ApiError::MalformedBody(_))
                ),
                "{body:?}"
            );
        }
    }
}
