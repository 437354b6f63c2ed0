//! The reminder templates (askama, compiled with the binary): one per stage, plain
//! text and HTML, Dutch by default and English by configuration.

use askama::Template;
use chrono::NaiveDate;

use crate::domain::kind::KindCode;
use crate::domain::reminders::{DeadlineKind, StageFamily};
use crate::domain::request::Status;
use crate::domain::vocabulary::in_sentence;
use crate::domain::Language;

/// Everything a reminder may say — and so everything it can say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFacts {
    pub reference: String,
    pub kind: KindCode,
    pub status: Status,
    pub deadline: DeadlineKind,
    pub deadline_date: NaiveDate,
    /// Working days until the deadline, or since it passed.
    pub working_days: u32,
    pub link: String,
}

/// What the templates see.
pub struct MailView {
    pub reference: String,
    pub kind_label: String,
    pub status_label: String,
    pub deadline_label: &'static str,
    pub deadline_name: String,
    pub deadline_date: String,
    pub working_days: u32,
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn date_label(date: NaiveDate, nl: bool) -> String {
    if nl {
        date.format("%d-%m-%Y").to_string()
    } else {
        date.format("%-d %B %Y").to_string()
    }
}

impl MailView {
    fn of(facts: &MailFacts, language: Language) -> Self {
        let nl = language == Language::Dutch;
        MailView {
            reference: facts.reference.clone(),
            kind_label: in_sentence(facts.kind.label(language)),
            status_label: in_sentence(facts.status.label(language)),
            deadline_label: facts.deadline.label(language),
            deadline_name: in_sentence(facts.deadline.label(language)),
            deadline_date: date_label(facts.deadline_date, nl),
            working_days: facts.working_days,
            link: facts.link.clone(),
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
fn subject_of(stage: StageFamily, nl: bool, view: &MailView) -> String {
    Subject {
        nl,
        stage,
        reference: &view.reference,
        kind: &view.kind_label,
        days: view.working_days,
    }
    .render()
    .expect("the subject template renders")
}

/// Renders the reminder of a stage (of its family: every overdue repetition reads
/// the same).
pub fn render_reminder(stage: StageFamily, language: Language, facts: &MailFacts) -> Rendered {
    let nl = language == Language::Dutch;
    let view = MailView::of(facts, language);
    let subject = subject_of(stage, nl, &view);
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
        let view = MailView::of(facts, language);
        let subject = subject_of(stage, nl, &view);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> MailFacts {
        MailFacts {
            reference: "AVG-2026-00042".into(),
            kind: KindCode::Access,
            status: Status::InAssessment,
            deadline: DeadlineKind::Response,
            deadline_date: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            working_days: 3,
            link: "https://avg.zorg.example/requests/0190".into(),
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

    #[test]
    fn every_template_renders_text_and_html_with_the_facts() {
        for stage in [
            StageFamily::DueSoon,
            StageFamily::DueToday,
            StageFamily::Overdue,
            StageFamily::Escalation,
            StageFamily::Unassigned,
        ] {
            for language in [Language::Dutch, Language::English] {
                let r = render_reminder(stage, language, &facts());
                for body in [&r.text, &r.html] {
                    assert!(body.contains("AVG-2026-00042"), "{stage}: {body}");
                    assert!(body.contains("https://avg.zorg.example/requests/0190"), "{stage}");
                }
                assert!(r.html.starts_with("<!DOCTYPE html>"));
                let date = if language == Language::Dutch {
                    "16-11-2026"
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
        assert_eq!(digest.subject, "Termijnoverzicht 16-11-2026 — 1 verzoek");
        assert!(digest
            .text
            .contains("AVG-2026-00042 (inzage), Termijn verloopt vandaag (reactietermijn 16-11-2026)"));
    }
}
