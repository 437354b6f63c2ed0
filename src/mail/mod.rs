//! E-mail: rendering the reminder templates and sending through the configured
//! transport (a folder of `.eml` files, SMTP, or — in tests — memory).
//!
//! A mail carries the request's reference, kind, status, which deadline, its date, the
//! working days left or overdue and a link — never the requester's or subject's name,
//! contact details, client reference, description or any explanation. The templates
//! only receive [`MailFacts`], which holds nothing else.

pub mod smtp;
pub mod templates;
pub mod webhook;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use crate::configuration::MailUrl;
pub use templates::{
    render_digest, render_letter_cover, render_reminder, CoverFacts, DigestItem, MailFacts, Reader, Rendered,
};

/// A mail as handed to the transport: a reminder or digest (text and HTML), or the
/// cover of a letter (text, the letter attached as PDF, replies to the organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Stable per outbox row: becomes the Message-ID, so a receiver can drop the
    /// rare duplicate of an at-least-once delivery.
    pub id: String,
    pub to: String,
    /// Where replies go, when not to the sender.
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    /// The HTML alternative; empty for a text-only mail.
    pub html: String,
    pub attachment: Option<Attachment>,
}

/// A file sent with a mail: the PDF of a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub pdf: Vec<u8>,
}

/// How mail leaves the building.
#[derive(Clone)]
pub enum Mailer {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(smtp::Smtp),
    /// Keeps every mail in memory (tests).
    Memory(Arc<Mutex<Vec<OutgoingMail>>>),
}

impl Mailer {
    /// The transport of `AVG_LOKET_MAIL_URL`; the folder of `file://` is created.
    /// Call it inside the async runtime (the SMTP pool starts a task).
    pub fn from_url(url: &MailUrl) -> Result<Mailer, String> {
        Mailer::with_root(url, None)
    }

    /// The transport of the settings: `AVG_LOKET_MAIL_URL`, trusting the certificate
    /// authority of `AVG_LOKET_MAIL_CA_FILE` besides the usual ones when it is set.
    pub fn from_settings(settings: &crate::configuration::Settings) -> Result<Mailer, String> {
        let root = match &settings.mail.ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| format!("AVG_LOKET_MAIL_CA_FILE: {}: {e}", path.display()))?,
            ),
            None => None,
        };
        Mailer::with_root(&settings.mail.url, root.as_deref())
    }

    /// As [`Mailer::from_url`], trusting also the certificate authority `root` (PEM)
    /// for SMTP over TLS: an organisation's own mail server with its own CA.
    pub fn with_root(url: &MailUrl, root: Option<&[u8]>) -> Result<Mailer, String> {
        match url {
            MailUrl::File(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!("AVG_LOKET_MAIL_URL: cannot create folder {}: {e}", dir.display())
                })?;
                Ok(Mailer::File(AsyncFileTransport::new(dir)))
            }
            MailUrl::Smtp(url) => Ok(Mailer::Smtp(smtp::Smtp::new(smtp_server(url, root)?))),
        }
    }

    /// Keeps every mail in memory; for tests.
    pub fn memory() -> (Mailer, Arc<Mutex<Vec<OutgoingMail>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    /// Sends one mail; returns its Message-ID.
    pub async fn send(&self, from: &Mailbox, mail: &OutgoingMail) -> Result<String, String> {
        use lettre::message::{header::ContentType, Attachment as Part, SinglePart};
        let message_id = format!("<{}@avg-loket>", mail.id);
        if let Mailer::Memory(sent) = self {
            sent.lock().unwrap_or_else(|p| p.into_inner()).push(mail.clone());
            return Ok(message_id);
        }
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(message_id.clone()));
        if let Some(reply_to) = &mail.reply_to {
            builder = builder.reply_to(
                reply_to
                    .parse()
                    .map_err(|e| format!("bad reply-to address: {e}"))?,
            );
        }
        let message = match (&mail.attachment, mail.html.is_empty()) {
            (None, false) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            )),
            (None, true) => builder.singlepart(SinglePart::plain(mail.text.clone())),
            (Some(file), _) => {
                let pdf = ContentType::parse("application/pdf").expect("a valid content type");
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(mail.text.clone()))
                        .singlepart(Part::new(file.file_name.clone()).body(file.pdf.clone(), pdf)),
                )
            }
        }
        .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transmit(message).await?;
        Ok(message_id)
    }
}

impl Mailer {
    /// Hands a built message to the file or SMTP transport.
    async fn transmit(&self, message: Message) -> Result<(), String> {
        match self {
            Mailer::File(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Smtp(pool) => pool.send(message.envelope(), &message.formatted()).await,
            Mailer::Memory(_) => unreachable!("memory mail is kept before a message is built"),
        }
    }
}

/// The server of an `smtp://` or `smtps://` URL (our contract: `smtp://` = STARTTLS
/// when the server offers it, `?tls=required`, `?tls=none`; `smtps://` = TLS from the
/// first byte), trusting also the certificate authority `root` (PEM) for TLS.
fn smtp_server(url: &str, root: Option<&[u8]>) -> Result<smtp::Server, String> {
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::client::{Certificate, TlsParameters};
    use lettre::transport::smtp::extension::ClientId;
    let shown = crate::configuration::redact_password(url);
    let parsed = url::Url::parse(url).map_err(|e| format!("AVG_LOKET_MAIL_URL: {shown} ({e})"))?;
    let host = match parsed.host() {
        Some(url::Host::Ipv6(address)) => address.to_string(),
        Some(host) if !host.to_string().is_empty() => host.to_string(),
        _ => return Err(format!("AVG_LOKET_MAIL_URL: {shown} names no host")),
    };
    let smtps = parsed.scheme() == "smtps";
    let mut tls = None;
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "tls" => tls = Some(value.into_owned()),
            other => {
                return Err(format!(
                    "AVG_LOKET_MAIL_URL: unknown parameter {other} (expected tls=required or tls=none)"
                ))
            }
        }
    }
    let parameters = || -> Result<TlsParameters, String> {
        let builder = TlsParameters::builder(host.clone());
        let builder = match root {
            // A file without a certificate would parse as none, and trust nothing more.
            Some(pem) if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") => {
                return Err(
                    "AVG_LOKET_MAIL_CA_FILE: holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
                )
            }
            Some(pem) => builder.add_root_certificate(
                Certificate::from_pem(pem)
                    .map_err(|e| format!("AVG_LOKET_MAIL_CA_FILE: not a PEM certificate ({e})"))?,
            ),
            None => builder,
        };
        builder
            .build_rustls()
            .map_err(|e| format!("AVG_LOKET_MAIL_URL: TLS for {host}: {e}"))
    };
    let (security, default_port) = match (smtps, tls.as_deref()) {
        (true, None) => (smtp::Security::Implicit(parameters()?), 465),
        (true, Some(other)) => {
            return Err(format!(
                "AVG_LOKET_MAIL_URL: smtps:// always uses TLS; leave out tls={other}"
            ))
        }
        (false, None | Some("opportunistic")) => (smtp::Security::Opportunistic(parameters()?), 587),
        (false, Some("required")) => (smtp::Security::Required(parameters()?), 587),
        (false, Some("none")) => (smtp::Security::None, 25),
        (false, Some(other)) => {
            return Err(format!(
                "AVG_LOKET_MAIL_URL: unknown tls={other} (expected required or none)"
            ))
        }
    };
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(part)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| format!("AVG_LOKET_MAIL_URL: {shown}: the user name or password is not UTF-8"))
    };
    let credentials = match parsed.password() {
        Some(password) => Some(Credentials::new(decode(parsed.username())?, decode(password)?)),
        None if !parsed.username().is_empty() => {
            return Err(format!(
                "AVG_LOKET_MAIL_URL: {shown} names a user without a password (smtp://user:password@host)"
            ))
        }
        None => None,
    };
    // The path names us in EHLO (as lettre's URLs do); the machine's name otherwise.
    let name = parsed.path().trim_matches('/');
    let hello = if name.is_empty() {
        ClientId::default()
    } else {
        ClientId::Domain(name.to_string())
    };
    Ok(smtp::Server {
        port: parsed.port().unwrap_or(default_port),
        host,
        security,
        credentials,
        hello,
        timeout: Duration::from_secs(30),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn mail_urls_follow_the_interface_contract() {
        use smtp::Security;
        let server = |url: &str| smtp_server(url, None);
        let s = server("smtp://mail.example.nl").unwrap();
        assert!(matches!(s.security, Security::Opportunistic(_)));
        assert_eq!((s.host.as_str(), s.port), ("mail.example.nl", 587));
        assert!(s.credentials.is_none());
        let s = server("smtp://u%40x:p%3Aw@mail:2587?tls=required").unwrap();
        assert!(matches!(s.security, Security::Required(_)));
        assert_eq!(s.port, 2587);
        assert_eq!(
            s.credentials,
            Some(lettre::transport::smtp::authentication::Credentials::new(
                "u@x".into(),
                "p:w".into()
            ))
        );
        let s = server("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert!(matches!(s.security, Security::None));
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 2525));
        let s = server("smtps://[::1]").unwrap();
        assert!(matches!(s.security, Security::Implicit(_)));
        assert_eq!((s.host.as_str(), s.port), ("::1", 465));
        let s = server("smtp://mail:25/avg-loket.example.nl?tls=none").unwrap();
        assert_eq!(s.hello.to_string(), "avg-loket.example.nl");
        for (url, says) in [
            ("smtp://mail?tls=maybe", "unknown tls=maybe"),
            ("smtps://mail?tls=none", "leave out tls=none"),
            ("smtp://mail?pool=3", "unknown parameter pool"),
            ("smtp://user@mail", "without a password"),
            ("smtp://", "AVG_LOKET_MAIL_URL"),
        ] {
            let error = server(url).err().unwrap_or_else(|| panic!("{url} accepted"));
            assert!(error.contains(says), "{url}: {error}");
        }
        assert!(smtp_server("smtps://mail", Some(b"not a certificate"))
            .err()
            .is_some_and(|e| e.contains("AVG_LOKET_MAIL_CA_FILE")));
        for url in [
            "smtp://mail:587",
            "smtp://mail:587?tls=required",
            "smtp://mail:25?tls=none",
            "smtps://mail:465",
        ] {
            assert!(Mailer::from_url(&MailUrl::Smtp(url.into())).is_ok(), "{url}");
        }
    }
}
