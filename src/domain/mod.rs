//! The pure domain: no database, web framework or mail code, and no clock — time
//! comes in as a parameter.
//!
//! Besides the standard library it uses `chrono`, `uuid` and `serde` for values, and
//! `utoipa` only to describe its code sets to the OpenAPI document: every closed set
//! of codes is a [`code_enum!`] that carries its codes, its Dutch and English labels
//! and its schema (with the codes as `enum` values) in one definition.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod deadlines;
pub mod glossary;
pub mod grounds;
pub mod ids;
pub mod intake;
pub mod kind;
pub mod letters;
pub mod organisation;
pub mod printable;
pub mod reminders;
pub mod report;
pub mod request;
pub mod sign_in;
pub mod statistics;
pub mod tasks;
pub mod team;
pub mod vocabulary;

pub use vocabulary::Language;

/// What the product says to a person, in both its languages: the API answers in
/// English, the pages speak Dutch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub en: String,
    pub nl: String,
}

impl Message {
    pub fn new(en: impl Into<String>, nl: impl Into<String>) -> Self {
        Message {
            en: en.into(),
            nl: nl.into(),
        }
    }

    pub fn text(&self, language: Language) -> &str {
        match language {
            Language::Dutch => &self.nl,
            Language::English => &self.en,
        }
    }

    /// "is required" / "is verplicht".
    pub fn required() -> Self {
        Message::new("is required", "is verplicht")
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// A value that failed to parse, with the reason in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub Message);

impl Invalid {
    pub fn new(en: impl Into<String>, nl: impl Into<String>) -> Self {
        Invalid(Message::new(en, nl))
    }
}

/// A field that failed a rule, by its API name (`requester.relation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub message: Message,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, en: impl Into<String>, nl: impl Into<String>) -> Self {
        FieldIssue {
            field: field.into(),
            message: Message::new(en, nl),
        }
    }

    pub fn of(field: impl Into<String>, message: Message) -> Self {
        FieldIssue {
            field: field.into(),
            message,
        }
    }
}

/// `a`, `a or b`, `a, b or c`: a list of codes as an error message names them.
pub fn one_of(codes: &[&str]) -> String {
    match codes {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A short code an organisation chooses itself (a team's `AMW`, a system's `ECD`):
/// 1-16 characters, upper-case letters, digits and `-`, starting with a letter. One
/// definition gives the type its parser (with the message in both languages), `as_str`,
/// `Display`, `Serialize` and its OpenAPI schema (a pattern).
macro_rules! upper_code {
    ($(#[$meta:meta])* pub struct $name:ident ($en:literal, $nl:literal, $example:literal);) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, $crate::domain::Invalid> {
                let value = value.trim();
                let valid = (1..=16).contains(&value.len())
                    && value.starts_with(|c: char| c.is_ascii_uppercase())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
                if valid {
                    Ok($name(value.to_string()))
                } else {
                    Err($crate::domain::Invalid::new(
                        concat!("a ", $en, " has 1 to 16 characters: upper-case letters, digits and '-', starting with a letter (e.g. ", $example, ")"),
                        concat!("een ", $nl, " heeft 1 tot 16 tekens: hoofdletters, cijfers en '-', en begint met een letter (bijvoorbeeld ", $example, ")"),
                    ))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some("^[A-Z][A-Z0-9-]{0,15}$"))
                    .description(Some(concat!("A ", $en, ", e.g. `", $example, "`")))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}
pub(crate) use upper_code;

/// A closed set of codes: stable snake_case codes as stored and as shown in the API,
/// with the label of each code in Dutch and English (the one vocabulary of pages,
/// mails and docs), and its OpenAPI schema listing the codes.
///
/// ```ignore
/// code_enum! {
///     /// Where a request stands.
///     pub enum Status ("status") {
///         Received = ("received", "Ontvangen", "Received"),
///     }
/// }
/// ```
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident ($what:literal) {
        $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $nl:literal, $en:literal)),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// What the set is called in messages (`status`, `kind`, …).
            pub const WHAT: &'static str = $what;

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::domain::Invalid> {
                match value {
                    $($code => Ok($name::$variant),)+
                    other => Err(<Self as $crate::domain::vocabulary::Code>::unknown(other)),
                }
            }

            /// The Dutch label: how pages, mails and docs name the code.
            pub fn label_nl(self) -> &'static str {
                match self { $($name::$variant => $nl),+ }
            }

            /// The English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            pub fn label(self, language: $crate::domain::Language) -> &'static str {
                match language {
                    $crate::domain::Language::Dutch => self.label_nl(),
                    $crate::domain::Language::English => self.label_en(),
                }
            }
        }

        impl $crate::domain::vocabulary::Code for $name {
            const ALL: &'static [Self] = $name::ALL;
            const WHAT: &'static str = $what;

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label_nl(self) -> &'static str {
                $name::label_nl(self)
            }

            fn label_en(self) -> &'static str {
                $name::label_en(self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::domain::vocabulary::code_schema(
                    $what,
                    &[$(($code, $en)),+],
                )
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}
pub(crate) use code_enum;
