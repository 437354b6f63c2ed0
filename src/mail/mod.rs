//! E-mail: rendering the reminder templates and sending through the configured
//! transport (a folder of `.eml` files, SMTP, or — in tests — memory).
//!
//! A mail carries the request's reference, kind, status, which deadline, its date, the
//! working days left or overdue and a link — never the requester's or subject's name,
//! contact details, client reference, description or any explanation. The templates
//! only receive [`MailFacts`], which holds nothing else.

pub mod templates;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use crate::configuration::MailUrl;
pub use templates::{render_digest, render_reminder, DigestItem, MailFacts, Reader, Rendered};

/// A mail as handed to the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Stable per outbox row: becomes the Message-ID, so a receiver can drop the
    /// rare duplicate of an at-least-once delivery.
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A letter to the requester as handed to the transport: a short cover text with
/// the letter attached as PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingLetter {
    /// The letter's id: becomes the Message-ID.
    pub id: String,
    pub to: String,
    pub reply_to: String,
    pub subject: String,
    pub text: String,
    pub pdf: Vec<u8>,
    pub file_name: String,
}

/// How mail leaves the building.
#[derive(Clone)]
pub enum Mailer {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
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
        let root = match &settings.mail_ca_file {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| format!("AVG_LOKET_MAIL_CA_FILE: {}: {e}", path.display()))?,
            ),
            None => None,
        };
        Mailer::with_root(&settings.mail_url, root.as_deref())
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
            MailUrl::Smtp(url) => {
                let builder =
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url)?).map_err(|e| {
                        format!(
                            "AVG_LOKET_MAIL_URL: {} ({e})",
                            crate::configuration::redact_password(url)
                        )
                    })?;
                let builder = match root {
                    Some(pem) => builder.tls(tls_with_root(url, pem)?),
                    None => builder,
                };
                Ok(Mailer::Smtp(
                    builder.timeout(Some(Duration::from_secs(30))).build(),
                ))
            }
        }
    }

    /// Keeps every mail in memory; for tests.
    pub fn memory() -> (Mailer, Arc<Mutex<Vec<OutgoingMail>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    /// Sends one mail; returns its Message-ID.
    pub async fn send(&self, from: &Mailbox, mail: &OutgoingMail) -> Result<String, String> {
        let message_id = format!("<{}@avg-loket>", mail.id);
        if let Mailer::Memory(sent) = self {
            sent.lock().unwrap_or_else(|p| p.into_inner()).push(mail.clone());
            return Ok(message_id);
        }
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
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
            Mailer::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Memory(_) => unreachable!("memory mail is kept before a message is built"),
        }
    }

    /// Sends a letter with its PDF attached; returns its Message-ID.
    pub async fn send_letter(&self, from: &Mailbox, letter: &OutgoingLetter) -> Result<String, String> {
        use lettre::message::{header::ContentType, Attachment, SinglePart};
        let message_id = format!("<letter-{}@avg-loket>", letter.id);
        if let Mailer::Memory(sent) = self {
            sent.lock().unwrap_or_else(|p| p.into_inner()).push(OutgoingMail {
                id: letter.id.clone(),
                to: letter.to.clone(),
                subject: letter.subject.clone(),
                text: letter.text.clone(),
                html: String::new(),
            });
            return Ok(message_id);
        }
        let to: Mailbox = letter
            .to
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        let reply_to: Mailbox = letter
            .reply_to
            .parse()
            .map_err(|e| format!("bad reply-to address: {e}"))?;
        let pdf = ContentType::parse("application/pdf").expect("a valid content type");
        let message = Message::builder()
            .from(from.clone())
            .reply_to(reply_to)
            .to(to)
            .subject(&letter.subject)
            .message_id(Some(message_id.clone()))
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(letter.text.clone()))
                    .singlepart(Attachment::new(letter.file_name.clone()).body(letter.pdf.clone(), pdf)),
            )
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transmit(message).await?;
        Ok(message_id)
    }
}

/// The TLS of `url` (implicit for `smtps://`, STARTTLS as the URL says) with `pem`
/// added to the trusted roots.
fn tls_with_root(url: &str, pem: &[u8]) -> Result<lettre::transport::smtp::client::Tls, String> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let certificate = Certificate::from_pem(pem)
        .map_err(|e| format!("AVG_LOKET_MAIL_CA_FILE: not a PEM certificate ({e})"))?;
    let parameters = TlsParameters::builder(host.to_string())
        .add_root_certificate(certificate)
        .build_rustls()
        .map_err(|e| format!("AVG_LOKET_MAIL_URL: TLS for {host}: {e}"))?;
    Ok(if url.starts_with("smtps://") {
        Tls::Wrapper(parameters)
    } else if url.contains("tls=none") {
        Tls::None
    } else if url.contains("tls=required") {
        Tls::Required(parameters)
    } else {
        Tls::Opportunistic(parameters)
    })
}

/// Our URL contract (`smtp://` = STARTTLS when the server offers it, `?tls=required`,
/// `?tls=none`; `smtps://` = implicit TLS) in lettre's terms, where a plain `smtp://`
/// means no TLS at all and STARTTLS-when-offered is `?tls=opportunistic`.
fn lettre_url(url: &str) -> Result<String, String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut tls = None;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tls", value)) => tls = Some(value),
            _ => rest.push(pair),
        }
    }
    let smtps = base.starts_with("smtps://");
    let tls_param = match (smtps, tls) {
        (true, None) => None,
        (true, Some(other)) => {
            return Err(format!(
                "AVG_LOKET_MAIL_URL: smtps:// always uses TLS; leave out tls={other}"
            ))
        }
        (false, None | Some("opportunistic")) => Some("opportunistic"),
        (false, Some("required")) => Some("required"),
        (false, Some("none")) => None,
        (false, Some(other)) => {
            return Err(format!(
                "AVG_LOKET_MAIL_URL: unknown tls={other} (expected required or none)"
            ))
        }
    };
    if let Some(value) = tls_param {
        rest.push(if value == "required" {
            "tls=required"
        } else {
            "tls=opportunistic"
        });
    }
    Ok(if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn mail_urls_follow_the_interface_contract() {
        assert_eq!(
            lettre_url("smtp://mail:587").unwrap(),
            "smtp://mail:587?tls=opportunistic"
        );
        assert_eq!(
            lettre_url("smtp://u:p@mail:587?tls=required").unwrap(),
            "smtp://u:p@mail:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtp://127.0.0.1:2525?tls=none").unwrap(),
            "smtp://127.0.0.1:2525"
        );
        assert_eq!(lettre_url("smtps://mail:465").unwrap(), "smtps://mail:465");
        assert!(lettre_url("smtp://mail?tls=maybe").is_err());
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
