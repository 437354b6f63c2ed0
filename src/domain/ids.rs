//! The identities of the register's records. Each is a UUID with a type of its own,
//! parsed once where it enters (a path, a form, a stored row), so a letter's ID can
//! never be handed where a request's is meant, and nothing further in checks its shape.
//! Stored as the UUID's text (`storage::codes`), shown and serialised the same way;
//! new ones are made by the service (time-ordered UUIDs: the domain reads no clock).

use uuid::Uuid;

use super::Invalid;

/// A UUID's lower-case hyphenated text, kept beside it so that an ID lends its stored
/// form as a `&str` (to the database, to a URL) without allocating.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Hyphenated([u8; uuid::fmt::Hyphenated::LENGTH]);

impl Hyphenated {
    fn of(uuid: Uuid) -> Self {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        uuid.hyphenated().encode_lower(&mut text);
        Hyphenated(text)
    }

    fn as_str(&self) -> &str {
        // Always ASCII: written by `encode_lower`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

macro_rules! record_id {
    ($($(#[$doc:meta])* $name:ident: $what_en:literal, $what_nl:literal;)+) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid, Hyphenated);

        impl $name {
            /// The identity in `text`, any case, with or without hyphens.
            pub fn parse(text: &str) -> Result<Self, Invalid> {
                Uuid::parse_str(text.trim()).map($name::from).map_err(|_| {
                    Invalid::new(
                        concat!("not the ID of ", $what_en, " (a UUID)"),
                        concat!("geen ID van ", $what_nl, " (een UUID)"),
                    )
                })
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }

            /// As stored and shown: lower-case, hyphenated.
            pub fn as_str(&self) -> &str {
                self.1.as_str()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                $name(uuid, Hyphenated::of(uuid))
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = Invalid;

            fn from_str(text: &str) -> Result<Self, Invalid> {
                $name::parse(text)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Uuid::deserialize(deserializer).map($name::from)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                        utoipa::openapi::schema::KnownFormat::Uuid,
                    )))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )+};
}

record_id! {
    /// A request in the register.
    RequestId: "a request", "een verzoek";
    /// A letter (a draft or a sent one) to a request's requester.
    LetterId: "a letter", "een brief";
    /// A member of staff.
    UserId: "a user", "een gebruiker";
    /// A personal API token.
    TokenId: "a token", "een token";
    /// A mail in the outbox.
    MailId: "a mail", "een e-mail";
    /// An event in the audit trail.
    EventId: "an event", "een gebeurtenis";
    /// One system's part in carrying out a request.
    TaskId: "a task", "een taak";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_back_as_it_was_written() {
        let id = RequestId::from(Uuid::from_u128(0x1234_5678_9abc));
        assert_eq!(RequestId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(RequestId::parse(&id.to_string().to_uppercase()).unwrap(), id);
    }

    #[test]
    fn anything_but_a_uuid_is_refused_with_what_was_expected() {
        let err = LetterId::parse("1; DROP TABLE letters").unwrap_err();
        assert!(err.0.en.contains("a letter"), "{:?}", err.0);
        assert!(UserId::parse("").is_err());
    }
}
