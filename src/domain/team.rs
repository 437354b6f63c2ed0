//! Teams: the service lines (e.g. AMW, jeugd) that help clients; every request
//! belongs to the team that helps its subject.

use super::Invalid;

super::upper_code! {
    /// A team code such as `AMW` or `JGD-NOORD`: 1-16 characters, upper-case letters,
    /// digits and `-`, starting with a letter.
    pub struct TeamCode ("team code", "teamcode", "AMW");
}

/// The team's display name, 1-100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamName(String);

impl TeamName {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        match value.chars().count() {
            0 => Err(Invalid::new(
                "a team name must not be empty",
                "vul de naam van het team in",
            )),
            1..=100 if !value.chars().any(char::is_control) => Ok(TeamName(value.to_string())),
            1..=100 => Err(Invalid::new(
                "a team name must not contain control characters",
                "een teamnaam mag geen stuurtekens bevatten",
            )),
            _ => Err(Invalid::new(
                "a team name has at most 100 characters",
                "een teamnaam heeft hoogstens 100 tekens",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_codes() {
        for good in ["AMW", "JGD-NOORD", "A", "WMO2"] {
            assert_eq!(TeamCode::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "amw", "2AMW", "AMW NOORD", "ABCDEFGHIJKLMNOPQ", "AMW_1"] {
            assert!(TeamCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn team_names() {
        assert_eq!(
            TeamName::parse("  Algemeen maatschappelijk werk ")
                .unwrap()
                .as_str(),
            "Algemeen maatschappelijk werk"
        );
        assert!(TeamName::parse(" ").is_err());
        assert!(TeamName::parse(&"x".repeat(101)).is_err());
        assert!(TeamName::parse("a\u{0}b").is_err());
    }
}
