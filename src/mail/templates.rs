//! The reminder templates (askama, compiled with the binary): one per stage, plain
//! text and HTML, Dutch by default and English by configuration.

use askama::Template;
use chrono::NaiveDate;

use crate::domain::kind::KindCode;
use crate::domain::reminders::{DeadlineKind, StageFamily};
use crate::domain::request::Status;
use crate::domain::vocabulary::in_sentence;
use crate::domain::Language;

/// Who a copy of a reminder is for: its words differ (who else hears, why you do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The assignee; `managers_copied` when a team manager gets the mail too.
    Assignee { managers_copied: bool },
    /// A team manager of the request's team.
    Manager,
    /// A privacy officer who receives a manager's mail because the team has none.
    StandIn,
    /// A privacy officer, escalated to.
    PrivacyOfficer,
    /// The owner of the system a task is for; `deputy_copied` when the system's
    /// deputy gets the mail too.
    TaskOwner { deputy_copied: bool },
    /// The deputy of the system a task is for.
    Deputy,
}

/// Everything a reminder may say — and so everything it can say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFacts {
    pub reference: String,
    pub kind: KindCode,
    pub status: Status,
    /// The team code (`AMW`): no personal data.
    pub team: String,
    pub deadline: DeadlineKind,
    pub deadline_date: NaiveDate,
    /// Working days until the deadline, or since it passed.
    pub working_days: u32,
    /// The legal limit of AVG 12(3), and whether the request is still open after it.
    pub legal_date: NaiveDate,
    pub past_legal_limit: bool,
    /// The deadline was extended already (it can be extended once).
    pub extended: bool,
    pub reader: Reader,
    pub link: String,
    /// The name of the system, for a reminder about a task (`deadline` is then
    /// [`DeadlineKind::Task`]): a system's name, never the client's.
    pub system: Option<String>,
}

/// What the templates see.
pub struct MailView {
    pub reference: String,
    pub kind_label: String,
    pub status_label: String,
    pub team: String,
    pub deadline_label: &'static str,
    pub deadline_name: String,
    pub deadline_date: String,
    /// "3 werkdagen", "1 working day".
    pub working_days: String,
    pub legal_date: String,
    pub past_legal_limit: bool,
    /// What the reader should do now.
    pub next_step: String,
    /// Who else receives this, or why this reader does.
    pub copy_note: Option<String>,
    pub link: String,
    /// The system, for a reminder about a task.
    pub system: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Dates in mails stand in sentences: "4 december 2026" / "4 December 2026".
fn date_label(date: NaiveDate, nl: bool) -> String {
    if nl {
        crate::domain::vocabulary::date_in_words(date)
    } else {
        date.format("%-d %B %Y").to_string()
    }
}

/// A number of working days with its noun in agreement.
fn working_days(n: u32, nl: bool) -> String {
    match (n, nl) {
        (1, true) => "1 werkdag".into(),
        (n, true) => format!("{n} werkdagen"),
        (1, false) => "1 working day".into(),
        (n, false) => format!("{n} working days"),
    }
}

impl MailView {
    /// What to do now, for the stage and the deadline at hand.
    fn next_step(stage: StageFamily, facts: &MailFacts, nl: bool) -> String {
        let legal = date_label(facts.legal_date, nl);
        if let Some(system) = &facts.system {
            return Self::task_step(stage, system, &date_label(facts.deadline_date, nl), &legal, nl);
        }
        let team = &facts.team;
        match (stage, facts.deadline, facts.past_legal_limit, facts.extended, nl) {
            (StageFamily::Unassigned, ..) if nl => {
                format!("Wijs het verzoek toe aan een behandelaar van team {team}.")
            }
            (StageFamily::Unassigned, ..) => format!("Assign the request to a caseworker of team {team}."),
            (StageFamily::Escalation, .., true) => "Vraag de behandelaar en de teammanager wat er nodig is om het verzoek af te handelen, en zie erop toe dat de verzoeker bericht krijgt.".into(),
            (StageFamily::Escalation, ..) => "Ask the caseworker and the team manager what is needed to finish the request, and see that the requester is told.".into(),
            (_, DeadlineKind::Response, true, _, true) => "Neem met voorrang een besluit en laat het de verzoeker schriftelijk weten: de wettelijke termijn is al verstreken.".into(),
            (_, DeadlineKind::Response, true, _, false) => "Decide with priority and tell the requester in writing: the legal limit has passed already.".into(),
            (_, DeadlineKind::Response, false, false, true) => format!("Neem een besluit en laat het de verzoeker weten, of verleng de termijn eenmalig met twee maanden; dat moet de verzoeker dan uiterlijk {legal} horen."),
            (_, DeadlineKind::Response, false, false, false) => format!("Decide and tell the requester, or extend the deadline once by two months; the requester must then hear so by {legal}."),
            (_, DeadlineKind::Response, false, true, true) => format!("Neem een besluit en laat het de verzoeker weten, uiterlijk {legal}."),
            (_, DeadlineKind::Response, false, true, false) => format!("Decide and tell the requester, by {legal} at the latest."),
            (_, DeadlineKind::Execution, true, _, true) => "Voer het verzoek met voorrang uit en leg de afronding vast in avg-loket: de wettelijke termijn is al verstreken.".into(),
            (_, DeadlineKind::Execution, true, _, false) => "Carry out the request with priority and record its completion in avg-loket: the legal limit has passed already.".into(),
            (_, DeadlineKind::Execution, false, _, true) => format!("Voer het verzoek uit en leg de afronding vast in avg-loket, uiterlijk {legal}."),
            (_, DeadlineKind::Execution, false, _, false) => format!("Carry out the request and record its completion in avg-loket, by {legal} at the latest."),
            (_, DeadlineKind::Task, ..) => unreachable!("a task's reminder names its system"),
        }
    }

    /// What to do now about a system's task.
    fn task_step(stage: StageFamily, system: &str, due: &str, legal: &str, nl: bool) -> String {
        match (stage, nl) {
            (StageFamily::Unassigned, true) => format!("Geef {system} een actieve eigenaar onder Beheer › Systemen; de open taken gaan dan naar die eigenaar."),
            (StageFamily::Unassigned, false) => format!("Give {system} an active owner under Beheer › Systemen; its open tasks then go to that owner."),
            (StageFamily::Escalation, true) => format!("Vraag de eigenaar van {system} wat er nodig is om de taak af te ronden: het verzoek kan pas worden afgerond als de taak klaar is, en de wettelijke termijn loopt tot {legal}."),
            (StageFamily::Escalation, false) => format!("Ask the owner of {system} what is needed to finish the task: the request cannot be completed before it is, and the legal limit is {legal}."),
            (StageFamily::Overdue, true) => format!("Voer het verzoek met voorrang uit in {system} en leg het resultaat vast bij de taak (Mijn taken): het verzoek kan pas worden afgerond als de taak klaar is, en de wettelijke termijn loopt tot {legal}."),
            (StageFamily::Overdue, false) => format!("Carry out the request in {system} with priority and record the outcome with the task (My tasks): the request cannot be completed before it is, and the legal limit is {legal}."),
            (_, true) => format!("Voer het verzoek uit in {system} en leg het resultaat vast bij de taak (Mijn taken), uiterlijk {due}."),
            (_, false) => format!("Carry out the request in {system} and record the outcome with the task (My tasks), by {due} at the latest."),
        }
    }

    fn copy_note(facts: &MailFacts, nl: bool) -> Option<String> {
        let team = &facts.team;
        match (facts.reader, nl) {
            (
                Reader::Assignee {
                    managers_copied: true,
                },
                true,
            ) => Some("De teammanager ontvangt dit bericht ook.".into()),
            (
                Reader::Assignee {
                    managers_copied: true,
                },
                false,
            ) => Some("The team manager receives this message too.".into()),
            (Reader::Manager, true) => {
                Some(format!("U ontvangt dit bericht als teammanager van team {team}."))
            }
            (Reader::Manager, false) => Some(format!(
                "You receive this message as team manager of team {team}."
            )),
            (Reader::StandIn, true) => Some(format!(
                "U ontvangt dit bericht omdat team {team} geen actieve teammanager heeft."
            )),
            (Reader::StandIn, false) => Some(format!(
                "You receive this message because team {team} has no active team manager."
            )),
            (Reader::TaskOwner { deputy_copied: true }, true) => {
                Some("De plaatsvervanger voor dit systeem ontvangt dit bericht ook.".into())
            }
            (Reader::TaskOwner { deputy_copied: true }, false) => {
                Some("The deputy for this system receives this message too.".into())
            }
            (Reader::Deputy, true) => Some(format!(
                "U ontvangt dit bericht als plaatsvervanger van de eigenaar van {}.",
                facts.system.as_deref().unwrap_or_default()
            )),
            (Reader::Deputy, false) => Some(format!(
                "You receive this message as deputy of the owner of {}.",
                facts.system.as_deref().unwrap_or_default()
            )),
            _ => None,
        }
    }

    fn of(stage: StageFamily, facts: &MailFacts, language: Language) -> Self {
        let nl = language == Language::Dutch;
        MailView {
            reference: facts.reference.clone(),
            kind_label: in_sentence(facts.kind.label(language)),
            status_label: in_sentence(facts.status.label(language)),
            team: facts.team.clone(),
            deadline_label: facts.deadline.label(language),
            deadline_name: match (&facts.system, nl) {
                (Some(system), true) => format!("taaktermijn voor {system}"),
                (Some(system), false) => format!("task deadline for {system}"),
                (None, _) => in_sentence(facts.deadline.label(language)),
            },
            deadline_date: date_label(facts.deadline_date, nl),
            working_days: working_days(facts.working_days, nl),
            legal_date: date_label(facts.legal_date, nl),
            past_legal_limit: facts.past_legal_limit,
            next_step: Self::next_step(stage, facts, nl),
            copy_note: Self::copy_note(facts, nl),
            link: facts.link.clone(),
            system: facts.system.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "mail/subject.txt", escape = "none")]
struct Subject<'a> {
    nl: bool,
    stage: StageFamily,
    reference: &'a str,
    kind: &'a str,
    days: u32,
    past_legal_limit: bool,
    /// A task's system: the subject starts with it.
    system: Option<&'a str>,
}

macro_rules! stage_templates {
    ($($text:ident, $html:ident, $path:ident, $text_path:literal, $html_path:literal;)+) => {
        $(
            #[derive(Template)]
            #[template(path = $text_path, escape = "none")]
            struct $text<'a> {
                nl: bool,
                m: &'a MailView,
            }

            #[derive(Template)]
            #[template(path = $html_path)]
            struct $html<'a> {
                nl: bool,
                m: &'a MailView,
                subject: &'a str,
            }
        )+

        fn render_stage(stage: StageFamily, nl: bool, m: &MailView, subject: &str) -> Result<(String, String), askama::Error> {
            match stage {
                $(StageFamily::$path => Ok(($text { nl, m }.render()?, $html { nl, m, subject }.render()?)),)+
                StageFamily::Digest => unreachable!("a digest is rendered by render_digest"),
                StageFamily::Letter => unreachable!("a letter's cover is rendered by render_letter_cover"),
                StageFamily::Webhook => unreachable!("a webhook is no mail"),
            }
        }
    };
}

stage_templates! {
    DueSoonText, DueSoonHtml, DueSoon, "mail/due_soon.txt", "mail/due_soon.html";
    DueTodayText, DueTodayHtml, DueToday, "mail/due_today.txt", "mail/due_today.html";
    OverdueText, OverdueHtml, Overdue, "mail/overdue.txt", "mail/overdue.html";
    EscalationText, EscalationHtml, Escalation, "mail/escalation.txt", "mail/escalation.html";
    UnassignedText, UnassignedHtml, Unassigned, "mail/unassigned.txt", "mail/unassigned.html";
}

/// The subject line of a reminder.
fn subject_of(stage: StageFamily, nl: bool, facts: &MailFacts, view: &MailView) -> String {
    Subject {
        nl,
        stage,
        reference: &view.reference,
        kind: &view.kind_label,
        days: facts.working_days,
        past_legal_limit: facts.past_legal_limit,
        system: facts.system.as_deref(),
    }
    .render()
    .expect("the subject template renders")
}

/// Renders the reminder of a stage (of its family: every overdue repetition reads
/// the same).
pub fn render_reminder(stage: StageFamily, language: Language, facts: &MailFacts) -> Rendered {
    let nl = language == Language::Dutch;
    let view = MailView::of(stage, facts, language);
    let subject = subject_of(stage, nl, facts, &view);
    let (text, html) = render_stage(stage, nl, &view, &subject).expect("the stage templates render");
    Rendered { subject, text, html }
}

/// One line of a morning digest.
#[derive(Debug, Clone)]
pub struct DigestItem {
    pub reference: String,
    pub kind_label: String,
    pub summary: String,
    pub link: String,
}

impl DigestItem {
    pub fn of(stage: StageFamily, language: Language, facts: &MailFacts) -> Self {
        let nl = language == Language::Dutch;
        let view = MailView::of(stage, facts, language);
        let subject = subject_of(stage, nl, facts, &view);
        let summary = subject.split(" — ").next().unwrap_or_default().to_string();
        DigestItem {
            reference: view.reference,
            kind_label: view.kind_label,
            summary: format!("{summary} ({} {})", view.deadline_name, view.deadline_date),
            link: view.link,
        }
    }
}

#[derive(Template)]
#[template(path = "mail/digest.txt", escape = "none")]
struct DigestText<'a> {
    nl: bool,
    today: &'a str,
    items: &'a [DigestItem],
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    nl: bool,
    today: &'a str,
    items: &'a [DigestItem],
    subject: &'a str,
}

pub fn render_digest(language: Language, today: NaiveDate, items: &[DigestItem]) -> Rendered {
    let nl = language == Language::Dutch;
    let today_label = date_label(today, nl);
    let subject = Subject {
        nl,
        stage: StageFamily::Digest,
        reference: &today_label,
        kind: "",
        days: items.len() as u32,
        past_legal_limit: false,
        system: None,
    }
    .render()
    .expect("the subject template renders");
    let text = DigestText {
        nl,
        today: &today_label,
        items,
    }
    .render()
    .expect("digest text renders");
    let html = DigestHtml {
        nl,
        today: &today_label,
        items,
        subject: &subject,
    }
    .render()
    .expect("digest html renders");
    Rendered { subject, text, html }
}

/// Everything the e-mail that carries a letter may say: the letter itself is the
/// PDF. Never the letter's own subject line, which may name the client (a mailbox
/// shows subjects where others can see them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverFacts {
    pub reference: String,
    /// What the letter is, in a sentence ("besluit op uw verzoek").
    pub letter: String,
    pub organisation: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "mail/letter_cover_subject.txt", escape = "none")]
struct CoverSubject<'a> {
    nl: bool,
    c: &'a CoverFacts,
}

#[derive(Template)]
#[template(path = "mail/letter_cover.txt", escape = "none")]
struct CoverText<'a> {
    nl: bool,
    c: &'a CoverFacts,
}

/// The e-mail that carries a letter: a subject and a short text, no HTML.
pub fn render_letter_cover(language: Language, facts: &CoverFacts) -> Rendered {
    let nl = language == Language::Dutch;
    Rendered {
        subject: CoverSubject { nl, c: facts }
            .render()
            .expect("the cover subject renders"),
        text: CoverText { nl, c: facts }
            .render()
            .expect("the cover text renders"),
        html: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> MailFacts {
        MailFacts {
            reference: "AVG-2026-00042".into(),
            kind: KindCode::Access,
            status: Status::InAssessment,
            team: "AMW".into(),
            deadline: DeadlineKind::Response,
            deadline_date: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            working_days: 3,
            legal_date: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            past_legal_limit: false,
            extended: false,
            reader: Reader::Assignee {
                managers_copied: true,
            },
            link: "https://avg.zorg.example/requests/0190".into(),
            system: None,
        }
    }

    #[test]
    fn subjects_a_caseworker_can_sort_by() {
        let r = render_reminder(StageFamily::DueSoon, Language::Dutch, &facts());
        assert_eq!(
            r.subject,
            "Termijn verloopt over 3 werkdagen — AVG-2026-00042 (inzage)"
        );
        let r = render_reminder(StageFamily::DueSoon, Language::English, &facts());
        assert_eq!(r.subject, "Deadline in 3 working days — AVG-2026-00042 (access)");
        let one = MailFacts {
            working_days: 1,
            ..facts()
        };
        assert_eq!(
            render_reminder(StageFamily::DueSoon, Language::Dutch, &one).subject,
            "Termijn verloopt over 1 werkdag — AVG-2026-00042 (inzage)"
        );
        for (stage, subject) in [
            (
                StageFamily::DueToday,
                "Termijn verloopt vandaag — AVG-2026-00042 (inzage)",
            ),
            (StageFamily::Overdue, "Termijn verlopen — AVG-2026-00042 (inzage)"),
            (
                StageFamily::Escalation,
                "Escalatie: termijn verlopen — AVG-2026-00042 (inzage)",
            ),
            (
                StageFamily::Unassigned,
                "Nog niet toegewezen — AVG-2026-00042 (inzage)",
            ),
        ] {
            assert_eq!(render_reminder(stage, Language::Dutch, &facts()).subject, subject);
        }
    }

    /// Every stage of a reminder about one request (not the digest).
    const REMINDER_STAGES: [StageFamily; 5] = [
        StageFamily::DueSoon,
        StageFamily::DueToday,
        StageFamily::Overdue,
        StageFamily::Escalation,
        StageFamily::Unassigned,
    ];

    #[test]
    fn every_template_renders_text_and_html_with_the_facts() {
        for stage in REMINDER_STAGES {
            for language in [Language::Dutch, Language::English] {
                let r = render_reminder(stage, language, &facts());
                for body in [&r.text, &r.html] {
                    assert!(body.contains("AVG-2026-00042"), "{stage}: {body}");
                    assert!(body.contains("https://avg.zorg.example/requests/0190"), "{stage}");
                }
                assert!(r.html.starts_with("<!DOCTYPE html>"));
                let date = if language == Language::Dutch {
                    "16 november 2026"
                } else {
                    "16 November 2026"
                };
                assert!(r.text.contains(date), "{stage}: {}", r.text);
            }
        }
        let digest = render_digest(
            Language::Dutch,
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            &[DigestItem::of(StageFamily::DueToday, Language::Dutch, &facts())],
        );
        assert_eq!(digest.subject, "Termijnoverzicht 16 november 2026 — 1 verzoek");
        assert!(digest
            .text
            .contains("AVG-2026-00042 (inzage), Termijn verloopt vandaag (reactietermijn 16 november 2026)"));
    }

    #[test]
    fn numbers_agree_with_their_nouns_and_every_mail_says_the_legal_limit_and_what_to_do() {
        let one = MailFacts {
            working_days: 1,
            ..facts()
        };
        let r = render_reminder(StageFamily::DueSoon, Language::Dutch, &one);
        assert!(r.text.contains("over 1 werkdag,"), "{}", r.text);
        assert!(!r.text.contains("1 werkdagen"), "{}", r.text);
        let r = render_reminder(StageFamily::Overdue, Language::English, &one);
        assert!(r.text.contains("1 working day ago"), "{}", r.text);
        for stage in REMINDER_STAGES {
            let r = render_reminder(stage, Language::Dutch, &facts());
            for body in [&r.text, &r.html] {
                assert!(body.contains("Wettelijke termijn"), "{stage}: {body}");
                assert!(body.contains("2 december 2026"), "{stage}: the legal date");
                assert!(body.contains("Wat nu:"), "{stage}: what to do next");
            }
        }
        let late = MailFacts {
            past_legal_limit: true,
            ..facts()
        };
        let r = render_reminder(StageFamily::Overdue, Language::Dutch, &late);
        assert_eq!(
            r.subject,
            "Wettelijke termijn overschreden — AVG-2026-00042 (inzage)"
        );
        assert!(r.text.contains("wettelijke termijn overschreden"), "{}", r.text);
    }

    #[test]
    fn a_mail_says_who_else_receives_it_only_when_someone_does() {
        let to = |reader| MailFacts { reader, ..facts() };
        let text = |reader| render_reminder(StageFamily::Overdue, Language::Dutch, &to(reader)).text;
        assert!(text(Reader::Assignee {
            managers_copied: true
        })
        .contains("De teammanager ontvangt dit bericht ook."));
        let alone = text(Reader::Assignee {
            managers_copied: false,
        });
        assert!(!alone.contains("teammanager ontvangt"), "{alone}");
        let manager = text(Reader::Manager);
        assert!(!manager.contains("teammanager ontvangt"), "{manager}");
        assert!(manager.contains("als teammanager van team AMW"), "{manager}");
        assert!(text(Reader::StandIn).contains("geen actieve teammanager"));
    }

    #[test]
    fn a_tasks_reminder_names_its_system_and_what_to_do_there() {
        let task = |reader| MailFacts {
            deadline: DeadlineKind::Task,
            deadline_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            status: Status::InExecution,
            reader,
            system: Some("Cliëntdossier (ECD)".into()),
            ..facts()
        };
        let owner = render_reminder(
            StageFamily::DueSoon,
            Language::Dutch,
            &task(Reader::TaskOwner { deputy_copied: false }),
        );
        assert_eq!(
            owner.subject,
            "Taak in Cliëntdossier (ECD): Termijn verloopt over 3 werkdagen — AVG-2026-00042 (inzage)"
        );
        for expected in [
            "De taaktermijn voor Cliëntdossier (ECD) van dit verzoek verloopt over 3 werkdagen, op 23 november 2026.",
            "Wat nu: Voer het verzoek uit in Cliëntdossier (ECD) en leg het resultaat vast bij de taak (Mijn taken), uiterlijk 23 november 2026.",
            "Systeem:            Cliëntdossier (ECD)",
            "Taaktermijn: 23 november 2026",
        ] {
            assert!(owner.text.contains(expected), "{expected}\n{}", owner.text);
        }
        assert!(owner.html.contains(
            "<th style=\"text-align: left; padding-right: 1em\">Systeem</th><td>Cliëntdossier (ECD)</td>"
        ));
        let late = render_reminder(
            StageFamily::Overdue,
            Language::Dutch,
            &task(Reader::TaskOwner { deputy_copied: true }),
        );
        assert!(late
            .text
            .contains("De plaatsvervanger voor dit systeem ontvangt dit bericht ook."));
        assert!(
            late.text.contains("met voorrang uit in Cliëntdossier (ECD)"),
            "{}",
            late.text
        );
        let deputy = render_reminder(StageFamily::Overdue, Language::English, &task(Reader::Deputy));
        assert!(
            deputy
                .text
                .contains("You receive this message as deputy of the owner of Cliëntdossier (ECD)."),
            "{}",
            deputy.text
        );
        let ownerless = render_reminder(
            StageFamily::Unassigned,
            Language::Dutch,
            &task(Reader::PrivacyOfficer),
        );
        assert!(ownerless
            .text
            .starts_with("Cliëntdossier (ECD) heeft geen actieve eigenaar meer"));
        assert!(ownerless
            .text
            .contains("Geef Cliëntdossier (ECD) een actieve eigenaar onder Beheer › Systemen"));
    }

    #[test]
    fn a_letters_cover_names_the_reference_and_the_organisation_and_nothing_of_the_letter() {
        let facts = CoverFacts {
            reference: "AVG-2026-00042".into(),
            letter: "besluit".into(),
            organisation: "MEE Zuid-Limburg".into(),
            phone: "088 - 1234567".into(),
        };
        let nl = render_letter_cover(Language::Dutch, &facts);
        assert_eq!(
            nl.subject,
            "Uw verzoek AVG-2026-00042: besluit (MEE Zuid-Limburg)"
        );
        assert_eq!(
            nl.text,
            "Beste heer, mevrouw,\n\nIn de bijlage vindt u een brief van MEE Zuid-Limburg over uw verzoek. De brief is een PDF-bestand.\n\nHeeft u vragen? Beantwoord dan deze e-mail, of bel 088 - 1234567.\n\nMet vriendelijke groet,\nMEE Zuid-Limburg\n"
        );
        assert!(nl.html.is_empty());
        let en = render_letter_cover(Language::English, &facts);
        assert_eq!(
            en.subject,
            "Your request AVG-2026-00042: besluit (MEE Zuid-Limburg)"
        );
        assert!(en
            .text
            .starts_with("Dear Sir or Madam,\n\nAttached is a letter from MEE Zuid-Limburg"));
        assert!(
            en.text.ends_with("Kind regards,\nMEE Zuid-Limburg\n"),
            "{:?}",
            en.text
        );
    }
}
