//! Headers on every answer of either adapter: `nosniff` and the referrer policy; on
//! HTML pages (but the vendored API browser, which brings its own inline styles) a
//! Content-Security-Policy without inline script and no framing; `Cache-Control:
//! no-store` on every answer of the API (each is someone's view of the register, most
//! hold personal data); and, when the service is reached over https
//! (`AVG_LOKET_BASE_URL`), HSTS: browsers use https only, for a year.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let api_browser = req.path().starts_with("/api/docs");
    let api = req.path().starts_with("/api/v1");
    let https = req
        .app_data::<actix_web::web::Data<super::state::AppState>>()
        .is_some_and(|state| state.settings.server.base_url.starts_with("https://"));
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html && !api_browser {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(response)
}
