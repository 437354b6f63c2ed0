//! Teams: the service lines (e.g. AMW, jeugd) that help clients; every request
//! belongs to the team that helps its subject.

use super::Invalid;

/// A team code such as `AMW` or `JGD-NOORD`: 1-16 characters, upper-case letters,
/// digits and `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TeamCode(String);

impl TeamCode {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let valid = (1..=16).contains(&value.len())
            && value.starts_with(|c: char| c.is_ascii_uppercase())
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if valid {
            Ok(TeamCode(value.to_string()))
        } else {
            Err(Invalid::new(
                "a team code has 1 to 16 characters: upper-case letters, digits and '-', starting with a letter (e.g. AMW)",
                "een teamcode heeft 1 tot 16 tekens: hoofdletters, cijfers en '-', en begint met een letter (bijvoorbeeld AMW)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TeamCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for TeamCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl utoipa::PartialSchema for TeamCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Z][A-Z0-9-]{0,15}$"))
            .description(Some("A team code, e.g. `AMW`"))
            .into()
    }
}

impl utoipa::ToSchema for TeamCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TeamCode")
    }
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
