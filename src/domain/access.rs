//! Who may see and do what — the need-to-know rules of the privacy statements of
//! LEVgroep and MEE Zuid-Limburg, in one place.
//!
//! | role | sees | may do |
//! |---|---|---|
//! | front desk | any request, but only reference, kind, team, status, receipt and deadlines, found by reference | register for any team; withdraw on a caller's behalf |
//! | caseworker | everything about the requests of their own teams | register for and act on those; assign requests that are unassigned or their own |
//! | manager | everything about the requests of the teams they manage | as caseworker, plus reassign |
//! | privacy officer | everything | everything, plus users, teams and tokens |
//! | auditor | everything | nothing |
//!
//! A request outside the caller's sight is "not found" (its existence is not
//! revealed); a visible request with an action the role may not take is "forbidden".

use uuid::Uuid;

use super::request::ActionName;
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

    /// May the caller take `action` on a request of `team` now assigned to `assignee`?
    pub fn may_act(&self, action: ActionName, team: &TeamCode, assignee: Option<Uuid>) -> Result<(), Denied> {
        self.may_read(team)?;
        match self.role {
            Role::PrivacyOfficer | Role::Manager => Ok(()),
            Role::Auditor => Err(Denied::auditor()),
            Role::FrontDesk if action == ActionName::Withdraw => Ok(()),
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
        assert_eq!(cw.may_act(ActionName::Decide, &team("AMW"), me), Ok(()));
        assert_eq!(
            cw.may_act(ActionName::Decide, &team("JGD"), me),
            Err(Denied::NotFound)
        );
        assert_eq!(cw.may_act(ActionName::Assign, &team("AMW"), None), Ok(()));
        assert_eq!(cw.may_act(ActionName::Assign, &team("AMW"), me), Ok(()));
        assert!(matches!(
            cw.may_act(ActionName::Assign, &team("AMW"), other),
            Err(Denied::Forbidden(_))
        ));
        assert_eq!(
            caller(Role::Manager, &["AMW"]).may_act(ActionName::Assign, &team("AMW"), other),
            Ok(())
        );
        let fd = caller(Role::FrontDesk, &[]);
        assert_eq!(fd.may_act(ActionName::Withdraw, &team("AMW"), other), Ok(()));
        assert!(matches!(
            fd.may_act(ActionName::Decide, &team("AMW"), other),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            caller(Role::Auditor, &[]).may_act(ActionName::Withdraw, &team("AMW"), None),
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
