//! `docs/vocabulary.md`: every code set with its labels, written from the definitions.
//!
//! Apart from [`super::vocabulary`], which every code set uses: this module knows
//! every code set, so it sits above them all and none of them imports it.

use super::vocabulary::{Code, Language};

/// Appends the table of one code set to `out`.
fn table<T: Code>(out: &mut String, title: &str) {
    out.push_str(&format!(
        "\n## {title}\n\n| code | Nederlands | English |\n|---|---|---|\n"
    ));
    for value in T::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            value.code(),
            value.label_nl(),
            value.label_en()
        ));
    }
}

/// `docs/vocabulary.md`: every code set with its labels, as the code defines them.
pub fn markdown() -> String {
    use super::access::Role;
    use super::audit::RecordAction;
    use super::calendar::Calendar;
    use super::intake::{AgeBand, Channel, Relation};
    use super::kind::{ErasureScope, KindCode, RectificationMode};
    use super::organisation::ControllerType;
    use super::reminders::{Audience, DeadlineKind, OutboxStatus, ReminderPreference, StageFamily};
    use super::report::ReportOutcome;
    use super::request::{ActionName, IdentityCheck, Outcome, Status, SuspendReason};
    use super::sign_in::Refusal;
    use super::tasks::{TaskAction, TaskStatus};

    let mut out = String::from(
        "# Vocabulary\n\n\
         Every closed set of codes, with the words pages, mails, letters and docs use for \
         each code. Generated from the code (`domain::glossary::markdown`); a test keeps \
         this file equal to it — after changing a label, run \
         `AVG_LOKET_UPDATE_VOCABULARY=1 cargo test --lib glossary` and commit the result.\n\n\
         Labels are written as they stand at the start of a line or in a table cell; inside \
         a sentence the first letter is lower case (\"in beoordeling\"), unless the word is \
         an abbreviation or a name (\"DigiD\"). The Dutch words follow the Autoriteit \
         Persoonsgegevens: inzage, rectificatie, verwijdering (the right to erasure, \
         \"recht op vergetelheid\"), beperking, overdraagbaarheid, bezwaar.\n",
    );
    table::<KindCode>(&mut out, "Kinds of request (`kind`)");
    table::<RectificationMode>(&mut out, "Rectification modes (`mode`)");
    table::<ErasureScope>(&mut out, "Erasure scopes (`scope`)");
    table::<Status>(&mut out, "Statuses (`status`)");
    table::<ActionName>(&mut out, "Actions (`allowed_actions`, `/actions/{action}`)");
    table::<RecordAction>(&mut out, "Other audit events (`action` of an event)");
    table::<Refusal>(
        &mut out,
        "Refused sign-ins (`reason` of a `sign_in_refused` event)",
    );
    table::<Channel>(&mut out, "Channels (`channel`)");
    table::<Relation>(&mut out, "Relations to the subject (`requester.relation`)");
    table::<AgeBand>(&mut out, "Age bands (`subject.age_band`)");
    table::<IdentityCheck>(&mut out, "Identity checks (`identity_verified_by`)");
    table::<SuspendReason>(&mut out, "Suspension reasons (`suspension.reason`)");
    table::<Outcome>(&mut out, "Outcomes of a decision (`decision.outcome`)");
    table::<ReportOutcome>(&mut out, "Outcomes in the annual report (`by_outcome`)");
    table::<Role>(&mut out, "Roles (`role`)");
    table::<DeadlineKind>(&mut out, "Deadlines (`deadline`)");
    table::<StageFamily>(
        &mut out,
        "Reminder stages (`stage`; repeated overdue reminders are `overdue_week_N`)",
    );
    table::<Audience>(&mut out, "Who receives a reminder");
    table::<OutboxStatus>(&mut out, "Outbox statuses (`status` of a mail)");
    table::<crate::domain::letters::LetterKind>(&mut out, "Letters to the requester (`kind` of a letter)");
    table::<crate::domain::letters::LetterStatus>(&mut out, "Letter statuses (`status` of a letter)");
    table::<crate::domain::letters::LetterChannel>(&mut out, "How a letter goes out (`channel` of a letter)");
    table::<Language>(
        &mut out,
        "Languages of letters (`requester.language`, `language` of a letter)",
    );
    table::<TaskStatus>(&mut out, "Task statuses (`status` of a task)");
    table::<TaskAction>(&mut out, "Task actions (`/tasks/{id}/actions/{action}`)");
    table::<ReminderPreference>(&mut out, "Reminder preferences (`reminders`)");
    table::<Calendar>(&mut out, "Calendars (`AVG_LOKET_CALENDAR`, `calendar`)");
    table::<Language>(&mut out, "Languages");
    table::<ControllerType>(
        &mut out,
        "Controller types (`controller_type` in the organisation file)",
    );
    grounds(&mut out);
    out
}

/// The refusal-ground catalogue: what a (partial) refusal may name, for which kinds,
/// under which article (`GET /api/v1/refusal-grounds` gives the same).
fn grounds(out: &mut String) {
    out.push_str(
        "\n## Refusal grounds (`grounds` of a decision)\n\n\
         A refusal or partial refusal names one or more of these, valid for the request's \
         kind, and explains in its own words how it applies.\n\n\
         | code | Nederlands | English | article | kinds |\n|---|---|---|---|---|\n",
    );
    for ground in super::grounds::CATALOGUE {
        let kinds = match ground.only_for {
            None => "every kind".to_string(),
            Some(kinds) => kinds
                .iter()
                .map(|k| format!("`{}`", k.code()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            ground.code, ground.label_nl, ground.label_en, ground.reference, kinds
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_label_in_both_languages_and_codes_are_unique_per_set() {
        let text = markdown();
        for line in text.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            assert!(!cells[2].is_empty() && !cells[3].is_empty(), "{line}");
        }
        for section in text.split("\n## ").skip(1) {
            let codes: Vec<&str> = section
                .lines()
                .filter(|l| l.starts_with("| `"))
                .map(|l| l.split('`').nth(1).unwrap())
                .collect();
            let mut unique = codes.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), codes.len(), "{section}");
        }
    }

    #[test]
    fn the_committed_vocabulary_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/vocabulary.md");
        let generated = markdown();
        if std::env::var_os("AVG_LOKET_UPDATE_VOCABULARY").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/vocabulary.md differs from the vocabulary the code defines; run \
             `AVG_LOKET_UPDATE_VOCABULARY=1 cargo test --lib glossary` and commit the result"
        );
    }
}
