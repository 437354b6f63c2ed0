//! A new request as the front desk gives it, before any check: the one input of
//! registration, whichever way it comes in. The JSON API reads it from the body
//! (field names and nesting are the API's); the "Nieuw verzoek" form fills it from
//! its fields. [`RegistrationInput::parse`] checks it into a [`Registration`],
//! naming every field that is wrong by its API name (`requester.email`).

use chrono::NaiveDate;
use serde::Deserialize;

use super::input::Issues;
use super::ServiceError;
use crate::domain::intake::{check_representation, AgeBand, Channel, Intake, Relation, Requester, Subject};
use crate::domain::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use crate::domain::team::TeamCode;
use crate::domain::Language;
use uuid::Uuid;

/// A request to register, as given (`POST /api/v1/requests`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    #[schema(value_type = KindCode)]
    pub kind: String,
    #[schema(value_type = Channel)]
    pub channel: String,
    /// The day the request reached the organisation (default today; never in the future).
    #[schema(value_type = Option<NaiveDate>)]
    pub received_on: Option<String>,
    /// The code of the team that helps the subject.
    #[schema(value_type = TeamCode)]
    pub team: String,
    pub requester: RequesterInput,
    pub subject: SubjectInput,
    pub description: Option<String>,
    /// Rectification only.
    #[schema(value_type = Option<RectificationMode>)]
    pub mode: Option<String>,
    /// Erasure only.
    #[schema(value_type = Option<ErasureScope>)]
    pub scope: Option<String>,
    /// Objection only: against direct marketing (cannot be refused).
    pub direct_marketing: Option<bool>,
    /// Restriction only: the rectification or objection it belongs to.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub related_request: Option<String>,
    /// A worker of the team, or none yet.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(value_type = Relation)]
    pub relation: String,
    /// Only needed for letters by post.
    pub address: Option<AddressInput>,
    /// The language of the letters to the requester (default `nl`).
    #[schema(value_type = Option<Language>)]
    pub language: Option<String>,
}

/// A postal address in the Netherlands or abroad.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// Street and number (one line).
    pub line: String,
    pub postcode: String,
    pub city: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// The client's name: required when the requester is not the client
    /// (`requester.relation` other than `self`).
    pub name: Option<String>,
    #[schema(value_type = AgeBand)]
    pub age_band: String,
    pub client_reference: Option<String>,
    /// For a 12-15 year old who asks themselves: were the parents informed?
    pub parents_informed: Option<bool>,
}

/// A checked registration, ready to be stored.
#[derive(Debug, Clone)]
pub struct Registration {
    pub kind: Kind,
    pub received_on: NaiveDate,
    pub team: TeamCode,
    pub assignee: Option<Uuid>,
    pub intake: Intake,
}

impl RegistrationInput {
    /// The kind with its options; options of other kinds are refused.
    fn kind(&self, issues: &mut Issues) -> Option<Kind> {
        let code = issues.code::<KindCode>("kind", &self.kind)?;
        if code != KindCode::Rectification {
            issues.forbid("mode", &self.mode, KindCode::Rectification.code());
        }
        if code != KindCode::Erasure {
            issues.forbid("scope", &self.scope, KindCode::Erasure.code());
        }
        if code != KindCode::Objection {
            issues.forbid(
                "direct_marketing",
                &self.direct_marketing,
                KindCode::Objection.code(),
            );
        }
        if code != KindCode::Restriction {
            issues.forbid(
                "related_request",
                &self.related_request,
                KindCode::Restriction.code(),
            );
        }
        let required = |issues: &mut Issues, field: &str, codes: &[&str]| {
            issues.push(
                field,
                format!(
                    "is required for {} ({})",
                    code.code(),
                    crate::domain::one_of(codes)
                ),
                format!(
                    "is verplicht bij soort verzoek ‘{}’",
                    crate::domain::vocabulary::in_sentence(code.label_nl())
                ),
            );
            None
        };
        match code {
            KindCode::Access => Some(Kind::Access),
            KindCode::Portability => Some(Kind::Portability),
            KindCode::Rectification => match &self.mode {
                None => required(issues, "mode", &["correct", "supplement"]),
                Some(mode) => issues
                    .code::<RectificationMode>("mode", mode)
                    .map(|mode| Kind::Rectification { mode }),
            },
            KindCode::Erasure => match &self.scope {
                None => required(issues, "scope", &["data", "whole_file"]),
                Some(scope) => issues
                    .code::<ErasureScope>("scope", scope)
                    .map(|scope| Kind::Erasure { scope }),
            },
            KindCode::Objection => Some(Kind::Objection {
                direct_marketing: self.direct_marketing.unwrap_or(false),
            }),
            KindCode::Restriction => match &self.related_request {
                None => Some(Kind::Restriction {
                    related_request: None,
                }),
                Some(id) => issues.uuid("related_request", id).map(|id| Kind::Restriction {
                    related_request: Some(id),
                }),
            },
        }
    }

    fn requester(&self, issues: &mut Issues) -> Option<Requester> {
        let given = &self.requester;
        let name = detail::name(issues, &given.name);
        let email = detail::email(issues, given.email.as_deref());
        let phone = detail::phone(issues, given.phone.as_deref());
        let relation = issues.code::<Relation>("requester.relation", &given.relation);
        let address = match &given.address {
            None => Some(None),
            Some(address) => detail::address(issues, address).map(Some),
        };
        let language = match &given.language {
            None => Some(Language::Dutch),
            Some(code) => issues.code::<Language>("requester.language", code),
        };
        Some(Requester {
            name: name?,
            email,
            phone,
            relation: relation?,
            address: address?,
            language: language?,
        })
    }

    fn subject(&self, issues: &mut Issues) -> Option<Subject> {
        let given = &self.subject;
        let age_band = issues.code::<AgeBand>("subject.age_band", &given.age_band);
        let client_reference = detail::client_reference(issues, given.client_reference.as_deref());
        let before = issues.0.len();
        let name = detail::subject_name(issues, given.name.as_deref());
        // A name given but wrong is not also "required".
        let name = (issues.0.len() == before).then_some(name);
        Some(Subject {
            name: name?,
            age_band: age_band?,
            client_reference,
            parents_informed: given.parents_informed,
        })
    }

    /// Checks the input into a registration, listing every field that is wrong.
    pub fn parse(self, today: NaiveDate) -> Result<Registration, ServiceError> {
        let mut issues = Issues::default();
        let kind = self.kind(&mut issues);
        let channel = issues.code::<Channel>("channel", &self.channel);
        let received_on = issues.optional_date("received_on", self.received_on.as_deref());
        let received_on = received_on.map(|date| date.unwrap_or(today));
        if let Some(date) = received_on {
            detail::received_on(&mut issues, date, today);
        }
        let team = if self.team.trim().is_empty() {
            issues.push(
                "team",
                "is required: the team that helps the client",
                "kies een team",
            );
            None
        } else {
            issues.parse("team", TeamCode::parse(&self.team))
        };
        let requester = self.requester(&mut issues);
        let subject = self.subject(&mut issues);
        let description = detail::description(&mut issues, self.description.as_deref());
        let assignee = match &self.assignee {
            Some(id) => issues.uuid("assignee", id).map(Some),
            None => Some(None),
        };
        let registration = (|| {
            Some(Registration {
                kind: kind?,
                received_on: received_on?,
                team: team?,
                assignee: assignee?,
                intake: Intake {
                    channel: channel?,
                    requester: requester?,
                    subject: subject?,
                    description,
                },
            })
        })();
        if let Some(registration) = &registration {
            issues.0.extend(check_representation(
                &registration.intake.requester,
                &registration.intake.subject,
            ));
        }
        issues.into_result(registration)
    }
}

/// The checks of each registered detail, shared by registration and correction:
/// the value as kept, `None` when it is empty or wrong (and then `issues` says why).
pub mod detail {
    use chrono::NaiveDate;

    use super::Issues;
    use crate::domain::intake::{
        check_email, check_past_date, check_phone, gdpr_start, optional_line, optional_text, required_line,
        PostalAddress,
    };

    const MAX_NAME: usize = 200;
    const MAX_EMAIL: usize = 254;
    const MAX_PHONE: usize = 40;
    const MAX_CLIENT_REFERENCE: usize = 64;
    const MAX_DESCRIPTION: usize = 10_000;

    pub fn name(issues: &mut Issues, value: &str) -> Option<String> {
        required_line("requester.name", Some(value), MAX_NAME, &mut issues.0)
    }

    /// The client's name; whether it is required depends on who asks
    /// (`check_representation`).
    pub fn subject_name(issues: &mut Issues, value: Option<&str>) -> Option<String> {
        optional_line("subject.name", value, MAX_NAME, &mut issues.0)
    }

    pub fn email(issues: &mut Issues, value: Option<&str>) -> Option<String> {
        let email = optional_line("requester.email", value, MAX_EMAIL, &mut issues.0)?;
        check_email("requester.email", &email, &mut issues.0);
        Some(email)
    }

    pub fn phone(issues: &mut Issues, value: Option<&str>) -> Option<String> {
        let phone = optional_line("requester.phone", value, MAX_PHONE, &mut issues.0)?;
        check_phone("requester.phone", &phone, &mut issues.0);
        Some(phone)
    }

    pub fn client_reference(issues: &mut Issues, value: Option<&str>) -> Option<String> {
        optional_line(
            "subject.client_reference",
            value,
            MAX_CLIENT_REFERENCE,
            &mut issues.0,
        )
    }

    pub fn description(issues: &mut Issues, value: Option<&str>) -> Option<String> {
        optional_text("description", value, MAX_DESCRIPTION, &mut issues.0)
    }

    /// All three lines are required; a Dutch postcode is written `1234 AB`.
    pub fn address(issues: &mut Issues, value: &super::AddressInput) -> Option<PostalAddress> {
        let line = required_line("requester.address.line", Some(&value.line), 200, &mut issues.0);
        let postcode = required_line(
            "requester.address.postcode",
            Some(&value.postcode),
            16,
            &mut issues.0,
        );
        let city = required_line("requester.address.city", Some(&value.city), 100, &mut issues.0);
        let postcode = postcode.map(|p| {
            let compact: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            let dutch = compact.len() == 6
                && compact.is_ascii()
                && compact[..4].chars().all(|c| c.is_ascii_digit())
                && compact[4..].chars().all(|c| c.is_ascii_alphabetic());
            if dutch {
                format!("{} {}", &compact[..4], compact[4..].to_uppercase())
            } else {
                p
            }
        });
        Some(PostalAddress {
            line: line?,
            postcode: postcode?,
            city: city?,
        })
    }

    /// Not in the future, not before the GDPR took effect.
    pub fn received_on(issues: &mut Issues, date: NaiveDate, today: NaiveDate) {
        check_past_date(
            "received_on",
            date,
            gdpr_start(),
            (
                "the day the GDPR took effect",
                "de dag waarop de AVG van kracht werd",
            ),
            today,
            &mut issues.0,
        );
    }
}
