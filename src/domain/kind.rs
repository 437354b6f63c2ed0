//! The six kinds of request (AVG art. 15-21) and their options.

use serde::Serialize;

use super::Invalid;

/// The kind without its options: for filters, periods and ground validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KindCode {
    Access = 0,
    Rectification = 1,
    Erasure = 2,
    Restriction = 3,
    Portability = 4,
    Objection = 5,
}

impl KindCode {
    pub const ALL: [KindCode; 6] = [
        KindCode::Access,
        KindCode::Rectification,
        KindCode::Erasure,
        KindCode::Restriction,
        KindCode::Portability,
        KindCode::Objection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            KindCode::Access => "access",
            KindCode::Rectification => "rectification",
            KindCode::Erasure => "erasure",
            KindCode::Restriction => "restriction",
            KindCode::Portability => "portability",
            KindCode::Objection => "objection",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        KindCode::ALL.into_iter().find(|k| k.code() == value).ok_or_else(|| {
            Invalid(format!(
                "unknown kind '{value}' (expected access, rectification, erasure, restriction, portability or objection)"
            ))
        })
    }

    /// Dutch name, as used in e-mails and pages.
    pub fn label_nl(self) -> &'static str {
        match self {
            KindCode::Access => "inzage",
            KindCode::Rectification => "rectificatie",
            KindCode::Erasure => "gegevenswissing",
            KindCode::Restriction => "beperking",
            KindCode::Portability => "dataportabiliteit",
            KindCode::Objection => "bezwaar",
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            KindCode::Access => "AVG 15",
            KindCode::Rectification => "AVG 16",
            KindCode::Erasure => "AVG 17",
            KindCode::Restriction => "AVG 18",
            KindCode::Portability => "AVG 20",
            KindCode::Objection => "AVG 21",
        }
    }

    /// Kinds whose completion must record the recipients that were informed (AVG 19).
    pub fn informs_recipients(self) -> bool {
        matches!(
            self,
            KindCode::Rectification | KindCode::Erasure | KindCode::Restriction
        )
    }
}

/// Rectification: correct the data, or add the client's own statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationMode {
    Correct,
    Supplement,
}

/// Erasure: some data, or the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureScope {
    Data,
    WholeFile,
}

impl RectificationMode {
    pub fn code(self) -> &'static str {
        match self {
            RectificationMode::Correct => "correct",
            RectificationMode::Supplement => "supplement",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "correct" => Ok(RectificationMode::Correct),
            "supplement" => Ok(RectificationMode::Supplement),
            other => Err(Invalid(format!(
                "unknown mode '{other}' (expected correct or supplement)"
            ))),
        }
    }
}

impl ErasureScope {
    pub fn code(self) -> &'static str {
        match self {
            ErasureScope::Data => "data",
            ErasureScope::WholeFile => "whole_file",
        }
    }

    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value {
            "data" => Ok(ErasureScope::Data),
            "whole_file" => Ok(ErasureScope::WholeFile),
            other => Err(Invalid(format!(
                "unknown scope '{other}' (expected data or whole_file)"
            ))),
        }
    }
}

/// A kind with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Access,
    Rectification {
        mode: RectificationMode,
    },
    Erasure {
        scope: ErasureScope,
    },
    /// May be linked to a pending rectification or objection (by request id).
    Restriction {
        related_request: Option<uuid::Uuid>,
    },
    Portability,
    /// `direct_marketing` makes the objection absolute (AVG 21(3)).
    Objection {
        direct_marketing: bool,
    },
}

impl Kind {
    pub fn code(&self) -> KindCode {
        match self {
            Kind::Access => KindCode::Access,
            Kind::Rectification { .. } => KindCode::Rectification,
            Kind::Erasure { .. } => KindCode::Erasure,
            Kind::Restriction { .. } => KindCode::Restriction,
            Kind::Portability => KindCode::Portability,
            Kind::Objection { .. } => KindCode::Objection,
        }
    }

    /// An objection to direct marketing cannot be refused.
    pub fn is_absolute(&self) -> bool {
        matches!(
            self,
            Kind::Objection {
                direct_marketing: true
            }
        )
    }
}
