//! Letters to the requester: drafting from the case, editing the free paragraphs,
//! previewing, sending by post or e-mail, and delivering the e-mails.
//!
//! A draft keeps only its free paragraphs; its text and the elements it still misses
//! are composed afresh on every read, so that a change to the case or the template
//! shows at once. Sending composes it one last time, renders the PDF, and keeps both
//! exactly as they went out, with the SHA-256 of the PDF in the audit trail. The date
//! a letter is sent becomes the date the decision was communicated (or the extension
//! announced): the deadlines measure what the requester received.
//!
//! By job: [`setup`] (the organisation and templates), [`access`] (who may see and
//! write which letter), [`drafts`], [`sending`] (final, PDF, post or e-mail) and
//! [`delivery`] (the e-mails' queue).

mod access;
mod delivery;
mod drafts;
mod sending;
mod setup;

pub use access::letter_id;
pub(crate) use delivery::{cover_mail, delivered_in};
pub use drafts::{
    create, discard, get, list, update, LetterChange, LetterView, MissingElement, NewLetterInput, SendInput,
};
pub use sending::{finalise, pdf, send, sha256_hex};
pub use setup::{email_allowed, templates_of, LetterSetup};
