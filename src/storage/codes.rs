//! The codes of the domain as `TEXT` columns on both backends: every code set reads
//! and writes itself (`Status::Received` is stored as `received`), so rows, filters
//! and raw queries carry domain types, never strings. A stored value the code does
//! not know is a deserialisation error naming the type, never a silent default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::access::Role;
use crate::domain::ids::{EventId, LetterId, MailId, RequestId, TaskId, TokenId, UserId};
use crate::domain::intake::{AgeBand, Channel, Relation};
use crate::domain::kind::{ErasureScope, KindCode, RectificationMode};
use crate::domain::letters::{LetterChannel, LetterKind, LetterStatus};
use crate::domain::reminders::{DeadlineKind, MailStage, OutboxStatus, ReminderPreference};
use crate::domain::request::{IdentityCheck, Outcome, Status, SuspendReason};
use crate::domain::tasks::{SystemCode, TaskStatus};
use crate::domain::team::TeamCode;
use crate::domain::vocabulary::Language;

/// `AsExpression<Text>` and `FromSqlRow` for a domain type (derived on a stand-in that
/// names it, as diesel does for foreign types), `ToSql` through its code and
/// `FromSql` through its parser.
macro_rules! text_column {
    ($($ty:ident as $stand_in:ident: |$value:ident| $code:expr;)+) => {$(
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(foreign_derive, sql_type = Text)]
        #[allow(dead_code)]
        struct $stand_in($ty);

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                let $value = self;
                <str as ToSql<Text, DB>>::to_sql($code, out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                $ty::parse(&text).map_err(|e| format!("{}: {e}", stringify!($ty)).into())
            }
        }
    )+};
}

text_column! {
    KindCode as KindCodeColumn: |v| v.code();
    RectificationMode as RectificationModeColumn: |v| v.code();
    ErasureScope as ErasureScopeColumn: |v| v.code();
    Channel as ChannelColumn: |v| v.code();
    Relation as RelationColumn: |v| v.code();
    AgeBand as AgeBandColumn: |v| v.code();
    Status as StatusColumn: |v| v.code();
    IdentityCheck as IdentityCheckColumn: |v| v.code();
    SuspendReason as SuspendReasonColumn: |v| v.code();
    Outcome as OutcomeColumn: |v| v.code();
    Role as RoleColumn: |v| v.code();
    DeadlineKind as DeadlineKindColumn: |v| v.code();
    OutboxStatus as OutboxStatusColumn: |v| v.code();
    ReminderPreference as ReminderPreferenceColumn: |v| v.code();
    TeamCode as TeamCodeColumn: |v| v.as_str();
    LetterKind as LetterKindColumn: |v| v.code();
    LetterStatus as LetterStatusColumn: |v| v.code();
    LetterChannel as LetterChannelColumn: |v| v.code();
    Language as LanguageColumn: |v| v.code();
    RequestId as RequestIdColumn: |v| v.as_str();
    LetterId as LetterIdColumn: |v| v.as_str();
    UserId as UserIdColumn: |v| v.as_str();
    TokenId as TokenIdColumn: |v| v.as_str();
    MailId as MailIdColumn: |v| v.as_str();
    EventId as EventIdColumn: |v| v.as_str();
    TaskId as TaskIdColumn: |v| v.as_str();
    SystemCode as SystemCodeColumn: |v| v.as_str();
    TaskStatus as TaskStatusColumn: |v| v.code();
}

/// A mail's stage is written as its code (`overdue_week_2` is not a fixed string), so
/// rows carry it with `serialize_as` / `deserialize_as` through these conversions.
impl From<MailStage> for String {
    fn from(stage: MailStage) -> String {
        stage.code()
    }
}

impl TryFrom<String> for MailStage {
    type Error = crate::domain::Invalid;

    fn try_from(code: String) -> Result<MailStage, Self::Error> {
        MailStage::parse(&code)
    }
}
