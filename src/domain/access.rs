//! Who may see and do what — the need-to-know rules of the privacy statements of
//! LEVgroep and MEE Zuid-Limburg, in one place.
//!
//! | role | sees | may do |
//! |---|---|---|
//! | front desk | any request, but only reference, kind, team, status, receipt and deadlines; in full what it registered itself while that is still received | register for any team; withdraw on a caller's behalf; correct what it registered while it is still received |
//! | caseworker | everything about the requests of their own teams | register for and act on those (no transfer); assign requests that are unassigned or their own |
//! | manager | everything about the requests of the teams they manage | as caseworker, plus reassign and transfer to another team |
//! | privacy officer | everything | everything, plus users, teams and tokens |
//! | auditor | everything | nothing |
//!
//! A request outside the caller's sight is "not found" (its existence is not
//! revealed); a visible request with an action the role may not take is "forbidden".

use uuid::Uuid;

use super::request::{ActionName, Status};
use super::team::TeamCode;
use super::{code_enum, Message};

code_enum! {
    pub enum Role ("role") {
        FrontDesk = ("front_desk", "Baliemedewerker", "Front desk"),
        Caseworker = ("caseworker", "Behandelaar", "Caseworker"),
        Manager = ("manager", "Teammanager", "Team manager"),
        PrivacyOfficer = ("privacy_officer", "Functionaris gegevensbescherming", "Privacy officer"),
        Auditor = ("auditor", "Kwaliteitsmedewerker", "Auditor"),
    }
}

impl Role {
    /// Roles that handle requests and can be their assignee.
    pub fn is_worker(self) -> bool {
        matches!(self, Role::Caseworker | Role::Manager)
    }
}

/// The authenticated user behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub role: Role,
    /// The teams a caseworker works in or a manager manages.
    pub teams: Vec<TeamCode>,
}

/// What decides what a caller may see of, and do with, one request.
#[derive(Debug, Clone, Copy)]
pub struct OnRequest<'a> {
    pub team: &'a TeamCode,
    pub assignee: Option<Uuid>,
    pub status: Status,
    /// The user who registered it (none for requests from before this was kept).
    pub registered_by: Option<Uuid>,
}

/// How much of a request the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Reference, kind, team, status, receipt date and deadlines (front desk).
    Status,
    /// Everything.
    Full,
}

/// Which requests a list may contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    All,
    Teams(Vec<TeamCode>),
    /// Only a look-up by reference (front desk).
    ByReferenceOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Outside the caller's sight: answer as if it did not exist.
    #[error("not found")]
    NotFound,
    /// Visible, but not for this role to do.
    #[error("{0}")]
    Forbidden(Message),
}

impl Denied {
    pub fn forbidden(en: impl Into<String>, nl: impl Into<String>) -> Self {
        Denied::Forbidden(Message::new(en, nl))
    }

    fn auditor() -> Self {
        Denied::forbidden(
            "an auditor reads and changes nothing",
            "een kwaliteitsmedewerker leest mee en wijzigt niets",
        )
    }
}

impl Caller {
    fn sees_everything_of(&self, team: &TeamCode) -> bool {
        match self.role {
            Role::PrivacyOfficer | Role::Auditor => true,
            Role::Caseworker | Role::Manager => self.teams.iter().any(|t| t == team),
            Role::FrontDesk => false,
        }
    }

    /// How much the caller sees of a request of `team`, if anything.
    pub fn view_of(&self, team: &TeamCode) -> Option<View> {
        if self.sees_everything_of(team) {
            Some(View::Full)
        } else if self.role == Role::FrontDesk {
            Some(View::Status)
        } else {
            None
        }
    }

    pub fn list_scope(&self) -> ListScope {
        match self.role {
            Role::PrivacyOfficer | Role::Auditor => ListScope::All,
            Role::Caseworker | Role::Manager => ListScope::Teams(self.teams.clone()),
            Role::FrontDesk => ListScope::ByReferenceOnly,
        }
    }

    /// Whether the role registers requests at all (for any team).
    pub fn may_register_somewhere(&self) -> Result<(), Denied> {
        match self.role {
            Role::Auditor => Err(Denied::auditor()),
            _ => Ok(()),
        }
    }

    pub fn may_register(&self, team: &TeamCode) -> Result<(), Denied> {
        match self.role {
            Role::FrontDesk | Role::PrivacyOfficer => Ok(()),
            Role::Caseworker | Role::Manager if self.sees_everything_of(team) => Ok(()),
            Role::Caseworker | Role::Manager => Err(Denied::forbidden(
                format!("you register requests for your own teams only; team {team} is not one of them"),
                format!(
                    "u registreert verzoeken alleen voor uw eigen teams; team {team} hoort daar niet bij"
                ),
            )),
            Role::Auditor => Err(Denied::auditor()),
        }
    }

    pub fn may_read(&self, team: &TeamCode) -> Result<View, Denied> {
        self.view_of(team).ok_or(Denied::NotFound)
    }

    pub fn may_read_events(&self, team: &TeamCode) -> Result<(), Denied> {
        match self.may_read(team)? {
            View::Full => Ok(()),
            View::Status => Err(Denied::forbidden(
                "the front desk sees the status of a request, not its history",
                "de balie ziet de stand van een verzoek, niet de geschiedenis ervan",
            )),
        }
    }

    /// How much the caller sees of one request: as [`Caller::view_of`] its team,
    /// except that the front desk sees in full what it registered itself while the
    /// request is still `received` (to correct it).
    pub fn view_of_request(&self, on: &OnRequest) -> Option<View> {
        if self.registered_and_untouched(on) {
            Some(View::Full)
        } else {
            self.view_of(on.team)
        }
    }

    fn registered_and_untouched(&self, on: &OnRequest) -> bool {
        self.role == Role::FrontDesk
            && on.registered_by == Some(self.user_id)
            && on.status == Status::Received
    }

    /// May the caller take `action` on this request?
    pub fn may_act(&self, action: ActionName, on: &OnRequest) -> Result<(), Denied> {
        let (team, assignee) = (on.team, on.assignee);
        self.may_read(team)?;
        match self.role {
            Role::PrivacyOfficer => Ok(()),
            Role::Auditor => Err(Denied::auditor()),
            Role::Manager => Ok(()),
            Role::FrontDesk if action == ActionName::Withdraw => Ok(()),
            Role::FrontDesk if action == ActionName::Correct && self.registered_and_untouched(on) => Ok(()),
            Role::FrontDesk if action == ActionName::Correct => Err(Denied::forbidden(
                "the front desk corrects a request it registered itself, while it is still received",
                "de balie corrigeert alleen een verzoek dat zij zelf registreerde, zolang het nog de status ‘ontvangen’ heeft",
            )),
            Role::Caseworker if action == ActionName::Transfer => Err(Denied::forbidden(
                "only a manager or the privacy officer moves a request to another team",
                "alleen een teammanager of de functionaris gegevensbescherming verplaatst een verzoek naar een ander team",
            )),
Role::FrontDesk => Err(Denied::forbidden(
                format!("the front desk can withdraw a request on the caller's behalf, not {action} it"),
                format!(
                    "de balie kan een verzoek namens de beller intrekken, maar niet '{}'",
                    super::vocabulary::in_sentence(action.label_nl())
                ),
            )),
            Role::Caseworker => match (action, assignee) {
(ActionName::Assign, Some(current)) if current != self.user_id => Err(Denied::forbidden(
                    "the request is assigned to a colleague; only a manager or the privacy officer reassigns it",
                    "het verzoek is aan een collega toegewezen; alleen een teammanager of de functionaris gegevensbescherming wijst het opnieuw toe",
                )),
                _ => Ok(()),
            },
        }
    }

    /// Users, teams and tokens are the privacy officer's.
    pub fn may_administer(&self) -> Result<(), Denied> {
        if self.role == Role::PrivacyOfficer {
            Ok(())
        } else {
            Err(Denied::forbidden(
                "only the privacy officer manages users, teams and tokens",
                "alleen de functionaris gegevensbescherming beheert gebruikers, teams en sleutels",
            ))
        }
    }

    /// The dashboard's sight: every team (`None`) or the caller's own; the front desk
    /// has none.
    pub fn dashboard_scope(&self) -> Result<Option<Vec<TeamCode>>, Denied> {
        match self.list_scope() {
            ListScope::All => Ok(None),
            ListScope::Teams(teams) => Ok(Some(teams)),
ListScope::ByReferenceOnly => Err(Denied::forbidden(
                "the dashboard is not part of the front desk's work",
                "het overzicht is er voor behandelaars, teammanagers, de functionaris gegevensbescherming en kwaliteitsmedewerkers, niet voor de balie",
            )),
        }
    }

    /// The annual report covers every team: the privacy officer's and the auditor's.
    pub fn may_read_reports(&self) -> Result<(), Denied> {
        match self.list_scope() {
            ListScope::All => Ok(()),
            _ => Err(Denied::forbidden(
                "the annual report is for the privacy officer and the auditor",
                "het jaarverslag is er voor de functionaris gegevensbescherming en de kwaliteitsmedewerker",
            )),
        }
    }

    /// The mail outbox (addresses of colleagues, delivery errors) is the privacy
    /// officer's, like the rest of the administration.
    pub fn may_read_outbox(&self) -> Result<(), Denied> {
        self.may_administer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(code: &str) -> TeamCode {
        TeamCode::parse(code).unwrap()
    }

    fn on(team: &TeamCode, assignee: Option<Uuid>) -> OnRequest<'_> {
        OnRequest {
            team,
            assignee,
            status: Status::InAssessment,
            registered_by: None,
        }
    }

    fn caller(role: Role, teams: &[&str]) -> Caller {
        Caller {
            user_id: Uuid::from_u128(1),
            role,
            teams: teams.iter().map(|t| team(t)).collect(),
        }
    }

    #[test]
    fn sight_per_role() {
        assert_eq!(
            caller(Role::Caseworker, &["AMW"]).view_of(&team("AMW")),
            Some(View::Full)
        );
        assert_eq!(caller(Role::Caseworker, &["AMW"]).view_of(&team("JGD")), None);
        assert_eq!(caller(Role::Manager, &["JGD"]).view_of(&team("AMW")), None);
        assert_eq!(
            caller(Role::FrontDesk, &[]).view_of(&team("AMW")),
            Some(View::Status)
        );
        assert_eq!(caller(Role::Auditor, &[]).view_of(&team("AMW")), Some(View::Full));
        assert_eq!(
            caller(Role::PrivacyOfficer, &[]).view_of(&team("AMW")),
            Some(View::Full)
        );
    }

    #[test]
    fn actions_per_role() {
        let other = Some(Uuid::from_u128(2));
        let me = Some(Uuid::from_u128(1));
        let cw = caller(Role::Caseworker, &["AMW"]);
        assert_eq!(cw.may_act(ActionName::Decide, &on(&team("AMW"), me)), Ok(()));
        assert_eq!(
            cw.may_act(ActionName::Decide, &on(&team("JGD"), me)),
            Err(Denied::NotFound)
        );
        assert_eq!(cw.may_act(ActionName::Assign, &on(&team("AMW"), None)), Ok(()));
        assert_eq!(cw.may_act(ActionName::Assign, &on(&team("AMW"), me)), Ok(()));
        assert!(matches!(
            cw.may_act(ActionName::Assign, &on(&team("AMW"), other)),
            Err(Denied::Forbidden(_))
        ));
        assert_eq!(
            caller(Role::Manager, &["AMW"]).may_act(ActionName::Assign, &on(&team("AMW"), other)),
            Ok(())
        );
        let fd = caller(Role::FrontDesk, &[]);
        assert_eq!(fd.may_act(ActionName::Withdraw, &on(&team("AMW"), other)), Ok(()));
        assert!(matches!(
            fd.may_act(ActionName::Decide, &on(&team("AMW"), other)),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            caller(Role::Auditor, &[]).may_act(ActionName::Withdraw, &on(&team("AMW"), None)),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            fd.may_read_events(&team("AMW")),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(cw.may_register(&team("JGD")), Err(Denied::Forbidden(_))));
        assert_eq!(fd.may_register(&team("JGD")), Ok(()));
        assert!(cw.may_administer().is_err());
        assert!(caller(Role::PrivacyOfficer, &[]).may_administer().is_ok());
    }

    #[test]
    fn corrections_and_transfers_per_role() {
        let amw = team("AMW");
        let desk = caller(Role::FrontDesk, &[]);
        let mine = OnRequest {
            registered_by: Some(desk.user_id),
            status: Status::Received,
            ..on(&amw, None)
        };
        assert_eq!(desk.may_act(ActionName::Correct, &mine), Ok(()));
        assert_eq!(desk.view_of_request(&mine), Some(View::Full), "to correct it");
        for other in [
            OnRequest {
                status: Status::InAssessment,
                ..mine
            },
            OnRequest {
                registered_by: Some(Uuid::from_u128(7)),
                ..mine
            },
            OnRequest {
                registered_by: None,
                ..mine
            },
        ] {
            assert!(matches!(
                desk.may_act(ActionName::Correct, &other),
                Err(Denied::Forbidden(_))
            ));
            assert_eq!(desk.view_of_request(&other), Some(View::Status));
        }
        assert!(desk.may_act(ActionName::Transfer, &mine).is_err());
        let cw = caller(Role::Caseworker, &["AMW"]);
        assert_eq!(cw.may_act(ActionName::Correct, &on(&amw, None)), Ok(()));
        assert!(matches!(
            cw.may_act(ActionName::Transfer, &on(&amw, None)),
            Err(Denied::Forbidden(_))
        ));
        let manager = caller(Role::Manager, &["AMW"]);
        assert_eq!(manager.may_act(ActionName::Transfer, &on(&amw, None)), Ok(()));
        assert_eq!(
            manager.may_act(ActionName::Transfer, &on(&team("JGD"), None)),
            Err(Denied::NotFound)
        );
        let po = caller(Role::PrivacyOfficer, &[]);
        assert_eq!(po.may_act(ActionName::Transfer, &on(&amw, None)), Ok(()));
        assert!(caller(Role::Auditor, &[])
            .may_act(ActionName::Correct, &on(&amw, None))
            .is_err());
    }

    #[test]
    fn oversight_per_role() {
        let po = caller(Role::PrivacyOfficer, &[]);
        let auditor = caller(Role::Auditor, &[]);
        let manager = caller(Role::Manager, &["AMW"]);
        let desk = caller(Role::FrontDesk, &[]);
        assert_eq!(po.dashboard_scope(), Ok(None));
        assert_eq!(manager.dashboard_scope(), Ok(Some(vec![team("AMW")])));
        assert!(matches!(desk.dashboard_scope(), Err(Denied::Forbidden(_))));
        assert!(po.may_read_reports().is_ok() && auditor.may_read_reports().is_ok());
        assert!(manager.may_read_reports().is_err() && desk.may_read_reports().is_err());
        assert!(po.may_read_outbox().is_ok());
        assert!(auditor.may_read_outbox().is_err() && manager.may_read_outbox().is_err());
    }
}
