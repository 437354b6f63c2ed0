//! The audit trail's hash chain.
//!
//! Every event carries `hash = SHA-256(canonical content ‖ previous event's hash)`.
//! Editing any field of any event, deleting one, or inserting one breaks the chain at
//! that point; the chain head (sequence number and hash of the last event, kept
//! separately) also catches removal of the newest events.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::request::ActionName;
use super::{code_enum, Language};

code_enum! {
    /// The audit events that are not a lifecycle action ([`ActionName`]); an event's
    /// `action` is the code of one or the other.
    pub enum RecordAction ("audit action") {
        Register = ("register", "Geregistreerd", "Registered"),
        Seed = ("seed", "Synthetische verzoeken aangemaakt", "Synthetic requests written"),
        Purge = ("purge", "Persoonsgegevens verwijderd (bewaartermijn)", "Personal data removed (retention)"),
        TeamCreated = ("team_created", "Team toegevoegd", "Team added"),
        UserCreated = ("user_created", "Gebruiker toegevoegd", "User added"),
        UserDeactivated = ("user_deactivated", "Gebruiker gedeactiveerd", "User deactivated"),
        TokenIssued = ("token_issued", "Sleutel uitgegeven", "Token issued"),
        TokenRevoked = ("token_revoked", "Sleutel ingetrokken", "Token revoked"),
        TokensRevoked = ("tokens_revoked", "Sleutels ingetrokken", "Tokens revoked"),
        RemindersSet = ("reminders_set", "Herinneringsvoorkeur gewijzigd", "Reminder preference changed"),
        UserChanged = ("user_changed", "Rol of teams van gebruiker gewijzigd", "User's role or teams changed"),
        UserReactivated = ("user_reactivated", "Gebruiker weer actief", "User reactivated"),
        TeamRenamed = ("team_renamed", "Team hernoemd", "Team renamed"),
        SignedIn = ("signed_in", "Ingelogd", "Signed in"),
        SignedOut = ("signed_out", "Uitgelogd", "Signed out"),
        RoleWithdrawn = ("role_withdrawn", "Rol ingetrokken door de groepen", "Role withdrawn by the groups"),
        SignInRefused = ("sign_in_refused", "Inloggen geweigerd", "Sign-in refused"),
        IdentityBound = ("identity_bound", "Organisatie-account gekoppeld", "Organisation account bound"),
        IdentityUnbound = ("identity_unbound", "Koppeling met organisatie-account opgeheven", "Organisation account unbound"),
        LetterQueued = ("letter_queued", "Brief klaargezet voor verzending per e-mail", "Letter queued for e-mail"),
        LetterSent = ("letter_sent", "Brief verstuurd", "Letter sent"),
        SystemCreated = ("system_created", "Systeem toegevoegd", "System added"),
        SystemChanged = ("system_changed", "Systeem gewijzigd", "System changed"),
        SystemSecretRotated = ("system_secret_rotated", "Sleutel van systeem vervangen", "System's key replaced"),
        TaskOpened = ("task_opened", "Taak geopend", "Task opened"),
        TaskDone = ("task_done", "Taak uitgevoerd", "Task done"),
        TaskNotFound = ("task_not_found", "Taak: geen gegevens gevonden", "Task: no data found"),
        TaskException = ("task_exception", "Taak: uitzondering gemeld", "Task: exception reported"),
        TaskSkipped = ("task_skipped", "Taak overgeslagen", "Task skipped"),
        TaskReopened = ("task_reopened", "Taak heropend", "Task reopened"),
    }
}

/// The label of an event's `action`: a lifecycle action or a [`RecordAction`]; an
/// unknown code (from a newer version) is shown as it is.
pub fn action_label(code: &str, language: Language) -> String {
    ActionName::parse(code)
        .map(|a| a.label(language))
        .or_else(|_| RecordAction::parse(code).map(|a| a.label(language)))
        .map(str::to_string)
        .unwrap_or_else(|_| code.to_string())
}

/// The "previous hash" of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event of the audit trail as stored; `hash` chains it to the one before.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    pub id: String,
    pub request_id: Option<String>,
    /// The user id, or `cli`, `system`, `seed`.
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
    /// A lifecycle action (`decide`, …) or a [`RecordAction`] (`register`, …).
    pub action: String,
    #[schema(value_type = Option<crate::domain::request::Status>)]
    pub from_status: Option<String>,
    #[schema(value_type = Option<crate::domain::request::Status>)]
    pub to_status: Option<String>,
    /// Codes, dates and counts of the change: never names or free text. Stored as
    /// canonical JSON (sorted keys), exactly as hashed; answered as the object.
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Object)]
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
}

/// JSON text as the value it holds (null if it holds none).
fn as_json<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    serde_json::from_str::<serde_json::Value>(text)
        .unwrap_or(serde_json::Value::Null)
        .serialize(serializer)
}

impl AuditEvent {
    /// The hash this event must carry, given its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let content = json!([
            self.seq,
            self.id,
            self.request_id,
            self.actor,
            self.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.action,
            self.from_status,
            self.to_status,
            self.data,
            self.prev_hash,
        ]);
        let digest = Sha256::digest(content.to_string().as_bytes());
        hex::encode(digest)
    }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at event {seq} ({id}): {reason}")]
pub struct ChainBreak {
    pub seq: i64,
    pub id: String,
    pub reason: String,
}

/// Checks events one by one, in sequence order, without holding them all.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    prev_id: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
            prev_id: String::new(),
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, event: &AuditEvent) -> Result<(), ChainBreak> {
        let broken = |reason: String| ChainBreak {
            seq: event.seq,
            id: event.id.clone(),
            reason,
        };
        if event.seq != self.expected_seq {
            return Err(broken(format!(
                "expected event number {}, found {} (an event is missing or was inserted)",
                self.expected_seq, event.seq
            )));
        }
        if event.prev_hash != self.prev_hash {
            return Err(broken(
                "its link to the previous event does not match (an event before it was changed or removed)"
                    .into(),
            ));
        }
        if event.compute_hash() != event.hash {
            return Err(broken(
                "its content does not match its hash (the event was changed)".into(),
            ));
        }
        self.expected_seq += 1;
        self.prev_hash = event.hash.clone();
        self.prev_id = event.id.clone();
        Ok(())
    }

    /// Compares the last event seen with the recorded chain head.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        if head_seq != last || head_hash != self.prev_hash {
            return Err(ChainBreak {
                seq: last + 1,
                id: self.prev_id,
                reason: format!(
                    "the chain head records {head_seq} events but {last} were found (the newest events were removed or the head was changed)"
                ),
            });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn chain(n: i64) -> Vec<AuditEvent> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEvent {
                    seq,
                    id: format!("e{seq}"),
                    request_id: Some("r1".into()),
                    actor: "system".into(),
                    occurred_at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, seq as u32).unwrap(),
                    action: "assign".into(),
                    from_status: Some("received".into()),
                    to_status: Some("received".into()),
                    data: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(events: &[AuditEvent], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in events {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let events = chain(5);
        assert_eq!(verify(&events, (5, &events[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn any_edit_or_removal_is_found_at_its_place() {
        let events = chain(5);
        let head = (5, events[4].hash.clone());
        let mut edited = events.clone();
        edited[2].actor = "someone else".into();
        assert_eq!(verify(&edited, (head.0, &head.1)).unwrap_err().seq, 3);
        let mut removed = events.clone();
        removed.remove(1);
        assert_eq!(verify(&removed, (head.0, &head.1)).unwrap_err().seq, 3);
        let mut rehashed = events.clone();
        rehashed[1].data = "{\"x\":1}".into();
        rehashed[1].hash = rehashed[1].compute_hash();
        assert_eq!(
            verify(&rehashed, (head.0, &head.1)).unwrap_err().seq,
            3,
            "the next link breaks"
        );
        let truncated = &events[..4];
        assert!(verify(truncated, (head.0, &head.1)).is_err());
    }
}
