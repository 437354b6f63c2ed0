//! Answers both adapters give the same way: a file to download, and whether the
//! client asked for CSV.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

/// A file to download (`Content-Disposition: attachment`), e.g. a CSV export; never
/// kept by a cache.
pub fn download(filename: &str, content_type: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// A `Content-Disposition` value (`inline` or `attachment`) for `filename`, which may
/// hold spaces and letters beyond ASCII: RFC 6266's `filename*` carries it, `filename`
/// an ASCII fallback.
fn disposition(how: &str, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(filename, percent_encoding::NON_ALPHANUMERIC);
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A PDF shown in the browser and saved under `filename`; never kept by a cache, as it
/// holds personal data.
pub fn pdf(filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, disposition("inline", filename)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The start of an answer that is saved as `filename` (a Dutch name is fine), of
/// `content_type`; never kept by a cache. The caller adds the body (or a stream).
pub fn attachment(filename: &str, content_type: &str) -> HttpResponseBuilder {
    let mut answer = HttpResponse::Ok();
    answer
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition("attachment", filename)))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    answer
}

/// Did the client ask for CSV (`Accept: text/csv`)?
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}
