//! The HTTP side: where `serve` listens, the address people use, the reverse proxy in
//! front, and the log.

use std::net::SocketAddr;

use super::{ConfigError, Vars, DEFAULT_BASE_URL, DEFAULT_LISTEN};

/// Where and how the service is reached, and what it logs.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// `AVG_LOKET_LISTEN`.
    pub listen: SocketAddr,
    /// `AVG_LOKET_BASE_URL`: the address in links (mails, sign-in), without a trailing `/`.
    pub base_url: String,
    /// The reverse proxy whose forwarding headers are believed
    /// (`AVG_LOKET_TRUSTED_PROXY`, an IP address; none by default), and the header it
    /// writes the client's address into (`AVG_LOKET_TRUSTED_PROXY_HEADER`).
    pub trusted_proxy: Option<TrustedProxy>,
    /// `AVG_LOKET_LOG`.
    pub log_filter: String,
    /// `AVG_LOKET_LOG_FORMAT`.
    pub log_format: LogFormat,
}

impl ServerSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        let listen = vars.parse("AVG_LOKET_LISTEN", DEFAULT_LISTEN, |v| {
            v.trim().parse::<SocketAddr>().map_err(|_| {
                format!("'{v}' is not an address to listen on (expected IP:PORT, e.g. 127.0.0.1:8080)")
            })
        })?;
        let base_url = vars.parse("AVG_LOKET_BASE_URL", DEFAULT_BASE_URL, parse_base_url)?;
        let header = vars.parse("AVG_LOKET_TRUSTED_PROXY_HEADER", "x-forwarded-for", |v| {
            match v.trim().to_ascii_lowercase().as_str() {
                "x-forwarded-for" => Ok(ProxyHeader::XForwardedFor),
                "forwarded" => Ok(ProxyHeader::Forwarded),
                other => Err(format!("'{other}' is not x-forwarded-for or forwarded")),
            }
        })?;
        let trusted_proxy = vars
            .parse("AVG_LOKET_TRUSTED_PROXY", "", |v| {
                let v = v.trim();
                if v.is_empty() {
                    return Ok(None);
                }
                v.parse::<std::net::IpAddr>()
                    .map(Some)
                    .map_err(|_| format!("'{v}' is not an IP address (the reverse proxy's, e.g. 127.0.0.1)"))
            })?
            .map(|address| TrustedProxy { address, header });
        let log_filter = vars.parse("AVG_LOKET_LOG", "info", |v| {
            tracing_subscriber::EnvFilter::try_new(v.trim())
                .map(|_| v.trim().to_string())
                .map_err(|e| format!("'{v}' is not a log filter ({e}); e.g. info or avg_loket=debug"))
        })?;
        let log_format = vars.parse("AVG_LOKET_LOG_FORMAT", "text", |v| match v.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("unknown log format '{other}' (expected text or json)")),
        })?;
        Ok(ServerSettings {
            listen,
            base_url,
            trusted_proxy,
            log_filter,
            log_format,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The header a trusted reverse proxy writes the client's address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyHeader {
    /// `X-Forwarded-For`: the proxy appends the address it saw; the right-most one is
    /// the proxy's own word, anything left of it the client's.
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…`, the right-most element.
    Forwarded,
}

/// The reverse proxy in front of avg-loket (`AVG_LOKET_TRUSTED_PROXY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    pub address: std::net::IpAddr,
    pub header: ProxyHeader,
}

fn parse_base_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| format!("'{value}' is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(format!("'{value}' has no host"));
    }
    Ok(value.to_string())
}
