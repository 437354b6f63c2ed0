//! Answers both adapters give the same way: a file to download, and whether the
//! client asked for CSV.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

/// A file to download (`Content-Disposition: attachment`), e.g. a CSV export.
pub fn download(filename: &str, content_type: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Did the client ask for CSV (`Accept: text/csv`)?
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}
