//! The reminder templates (askama, compiled with the binary): one per stage, plain
//! text and HTML, Dutch by default and English by configuration.

use askama::Template;
use chrono::NaiveDate;

use crate::configuration::Language;
use crate::domain::kind::KindCode;
use crate::domain::reminders::DeadlineKind;
use crate::domain::request::Status;

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
    pub kind_label: &'static str,
    pub status_label: &'static str,
    pub deadline_label: &'static str,
    pub deadline_name: &'static str,
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

fn kind_label(kind: KindCode, nl: bool) -> &'static str {
    if nl {
        kind.label_nl()
    } else {
        match kind {
            KindCode::Access => "access",
            KindCode::Rectification => "rectification",
            KindCode::Erasure => "erasure",
            KindCode::Restriction => "restriction",
            KindCode::Portability => "portability",
            KindCode::Objection => "objection",
        }
    }
}

fn status_label(status: Status, nl: bool) -> &'static str {
    match (status, nl) {
        (Status::Received, true) => "ontvangen",
        (Status::InAssessment, true) => "in beoordeling",
        (Status::AwaitingRequester, true) => "wacht op verzoeker",
        (Status::InExecution, true) => "in uitvoering",
        (Status::Completed, true) => "afgehandeld",
        (Status::Refused, true) => "afgewezen",
        (Status::Withdrawn, true) => "ingetrokken",
        (Status::Received, false) => "received",
        (Status::InAssessment, false) => "in assessment",
        (Status::AwaitingRequester, false) => "awaiting requester",
        (Status::InExecution, false) => "in execution",
        (Status::Completed, false) => "completed",
        (Status::Refused, false) => "refused",
        (Status::Withdrawn, false) => "withdrawn",
    }
}

fn date_label(date: NaiveDate, nl: bool) -> String {
    if nl {
        date.format("%d-%m-%Y").to_string()
    } else {
        date.format("%-d %B %Y").to_string()
    }
}

impl MailView {
    fn of(facts: &MailFacts, nl: bool) -> Self {
        let (label, name) = match (facts.deadline, nl) {
            (DeadlineKind::Response, true) => ("Reactietermijn", "reactietermijn"),
            (DeadlineKind::Execution, true) => ("Uitvoeringstermijn", "uitvoeringstermijn"),
            (DeadlineKind::Response, false) => ("Response deadline", "response deadline"),
            (DeadlineKind::Execution, false) => ("Execution deadline", "execution deadline"),
        };
        MailView {
            reference: facts.reference.clone(),
            kind_label: kind_label(facts.kind, nl),
            status_label: status_label(facts.status, nl),
            deadline_label: label,
            deadline_name: name,
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
    stage: &'a str,
    reference: &'a str,
    kind: &'a str,
    days: u32,
}

macro_rules! stage_templates {
    ($($text:ident, $html:ident, $path:literal, $text_path:literal, $html_path:literal;)+) => {
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

        fn render_stage(template: &str, nl: bool, m: &MailView, subject: &str) -> Result<(String, String), askama::Error> {
            match template {
                $($path => Ok(($text { nl, m }.render()?, $html { nl, m, subject }.render()?)),)+
                other => unreachable!("no template for stage {other}"),
            }
        }
    };
}

stage_templates! {
    DueSoonText, DueSoonHtml, "due_soon", "mail/due_soon.txt", "mail/due_soon.html";
    DueTodayText, DueTodayHtml, "due_today", "mail/due_today.txt", "mail/due_today.html";
    OverdueText, OverdueHtml, "overdue", "mail/overdue.txt", "mail/overdue.html";
    EscalationText, EscalationHtml, "escalation", "mail/escalation.txt", "mail/escalation.html";
    UnassignedText, UnassignedHtml, "unassigned", "mail/unassigned.txt", "mail/unassigned.html";
}

/// The subject line of a reminder.
fn subject_of(stage_template: &str, nl: bool, view: &MailView) -> String {
    Subject {
        nl,
        stage: stage_template,
        reference: &view.reference,
        kind: view.kind_label,
        days: view.working_days,
    }
    .render()
    .expect("the subject template renders")
}

/// Renders the reminder of `stage_template` (see `Stage::template`).
pub fn render_reminder(stage_template: &str, language: Language, facts: &MailFacts) -> Rendered {
    let nl = language == Language::Dutch;
    let view = MailView::of(facts, nl);
    let subject = subject_of(stage_template, nl, &view);
    let (text, html) = render_stage(stage_template, nl, &view, &subject).expect("the stage templates render");
    Rendered { subject, text, html }
}

/// One line of a morning digest.
#[derive(Debug, Clone)]
pub struct DigestItem {
    pub reference: String,
    pub kind_label: &'static str,
    pub summary: String,
    pub link: String,
}

impl DigestItem {
    pub fn of(stage_template: &str, language: Language, facts: &MailFacts) -> Self {
        let nl = language == Language::Dutch;
        let view = MailView::of(facts, nl);
        let subject = subject_of(stage_template, nl, &view);
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
        stage: "digest",
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
        let r = render_reminder("due_soon", Language::Dutch, &facts());
        assert_eq!(
            r.subject,
            "Termijn verloopt over 3 werkdagen — AVG-2026-00042 (inzage)"
        );
        let r = render_reminder("due_soon", Language::English, &facts());
        assert_eq!(r.subject, "Deadline in 3 working days — AVG-2026-00042 (access)");
        let one = MailFacts {
            working_days: 1,
            ..facts()
        };
        assert_eq!(
            render_reminder("due_soon", Language::Dutch, &one).subject,
            "Termijn verloopt over 1 werkdag — AVG-2026-00042 (inzage)"
        );
        for (stage, subject) in [
            ("due_today", "Termijn verloopt vandaag — AVG-2026-00042 (inzage)"),
            ("overdue", "Termijn verlopen — AVG-2026-00042 (inzage)"),
            (
                "escalation",
                "Escalatie: termijn verlopen — AVG-2026-00042 (inzage)",
            ),
            ("unassigned", "Nog niet toegewezen — AVG-2026-00042 (inzage)"),
        ] {
            assert_eq!(render_reminder(stage, Language::Dutch, &facts()).subject, subject);
        }
    }

    #[test]
    fn every_template_renders_text_and_html_with_the_facts() {
        for stage in ["due_soon", "due_today", "overdue", "escalation", "unassigned"] {
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
            &[DigestItem::of("due_today", Language::Dutch, &facts())],
        );
        assert_eq!(digest.subject, "Termijnoverzicht 16-11-2026 — 1 verzoek");
        assert!(digest
            .text
            .contains("AVG-2026-00042 (inzage), Termijn verloopt vandaag (reactietermijn 16-11-2026)"));
    }
}
