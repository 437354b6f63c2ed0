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
pub use templates::{render_digest, render_reminder, DigestItem, MailFacts, Rendered};

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
    pub fn from_url(url: &MailUrl) -> Result<Mailer, String> {
        match url {
            MailUrl::File(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!("AVG_LOKET_MAIL_URL: cannot create folder {}: {e}", dir.display())
                })?;
                Ok(Mailer::File(AsyncFileTransport::new(dir)))
            }
            MailUrl::Smtp(url) => {
                let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| {
                    format!(
                        "AVG_LOKET_MAIL_URL: {} ({e})",
                        crate::configuration::redact_password(url)
                    )
                })?;
                Ok(Mailer::Smtp(
                    builder.timeout(Some(Duration::from_secs(30))).build(),
                ))
            }
        }
    }

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
            Mailer::Memory(_) => unreachable!("handled above"),
        }?;
        Ok(message_id)
    }
}
