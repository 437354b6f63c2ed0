//! The six kinds of request (AVG art. 15-21) and their options.

use super::code_enum;

code_enum! {
    /// The kind without its options: for filters, periods and ground validity.
    pub enum KindCode ("kind") {
        Access = ("access", "Inzage", "Access"),
        Rectification = ("rectification", "Rectificatie", "Rectification"),
        Erasure = ("erasure", "Verwijdering", "Erasure"),
        Restriction = ("restriction", "Beperking", "Restriction"),
        Portability = ("portability", "Overdraagbaarheid", "Portability"),
        Objection = ("objection", "Bezwaar", "Objection"),
    }
}

impl KindCode {
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

code_enum! {
    /// Rectification: correct the data, or add the client's own statement.
    pub enum RectificationMode ("mode") {
        Correct = ("correct", "Corrigeren", "Correct"),
        Supplement = ("supplement", "Aanvullen", "Supplement"),
    }
}

code_enum! {
    /// Erasure: some data, or the whole file.
    pub enum ErasureScope ("scope") {
        Data = ("data", "Bepaalde gegevens", "Some data"),
        WholeFile = ("whole_file", "Het hele dossier", "The whole file"),
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

    /// The options of the kind, each set only for the kind it belongs to.
    pub fn options(&self) -> KindOptions {
        let mut options = KindOptions::default();
        match self {
            Kind::Rectification { mode } => options.mode = Some(*mode),
            Kind::Erasure { scope } => options.scope = Some(*scope),
            Kind::Objection { direct_marketing } => options.direct_marketing = Some(*direct_marketing),
            Kind::Restriction { related_request } => options.related_request = *related_request,
            Kind::Access | Kind::Portability => {}
        }
        options
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

/// A kind's options as separate fields, as rows and answers carry them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindOptions {
    pub mode: Option<RectificationMode>,
    pub scope: Option<ErasureScope>,
    pub direct_marketing: Option<bool>,
    pub related_request: Option<uuid::Uuid>,
}
