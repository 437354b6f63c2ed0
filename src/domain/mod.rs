//! The pure domain: no database, web framework or mail code, and no clock — time
//! comes in as a parameter.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod deadlines;
pub mod grounds;
pub mod intake;
pub mod kind;
pub mod reminders;
pub mod report;
pub mod request;
pub mod statistics;
pub mod team;

/// A value that failed to parse, with the reason in words a user understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// A field that failed a rule, by its API name (`requester.relation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldIssue {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An enumeration with stable snake_case codes, as stored and as shown in the API.
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident ($what:literal) { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(value: &str) -> Result<Self, $crate::domain::Invalid> {
                match value {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::domain::Invalid(format!(
                        "unknown {} '{}' (expected {})", $what, other, [$($code),+].join(", ")
                    ))),
                }
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
    };
}
pub(crate) use code_enum;
