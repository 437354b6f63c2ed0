//! "Exporteren": the list and the annual report as a file that Dutch Excel opens as it
//! should — UTF-8 with a byte order mark (without it Excel reads the file as
//! Windows-1252 and "cliënt" becomes "cliÃ«nt"), `;` between the fields (the Dutch list
//! separator: the comma is the decimal sign), Dutch headers and labels, names instead
//! of ids, and dates as dd-mm-jjjj. The API's CSV (codes, ISO dates, commas) is for
//! programs and stays as it is.

use actix_web::web;
use actix_web::web::Bytes;
use futures_util::StreamExt;

use super::dates::shown;
use super::lists::{filter_of, ListQuery};
use super::{see_other, PageError, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::request::decision_due;
use crate::service::reports::{AnnualReport, GroupFigures};
use crate::service::requests::{self as service, ExportPage, RequestSummary};
use crate::service::ServiceError;
use crate::web::download::attachment;

/// The byte order mark that tells Excel the file is UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

const CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// Rows as Dutch Excel reads them: `;` between fields, CRLF after each row. A cell
/// that Excel would take for a formula (it starts with `=`, `+`, `-` or `@`) is
/// written with a leading apostrophe, so that a name can never become a formula.
fn excel_rows(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Bytes, ServiceError> {
    let fail = |e: csv::Error| ServiceError::internal(format!("CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let row = row.into_iter().map(|cell| {
            if cell.starts_with(['=', '+', '-', '@']) {
                format!("'{cell}")
            } else {
                cell
            }
        });
        writer.write_record(row).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ServiceError::internal(format!("CSV: {e}")))?;
    Ok(Bytes::from(bytes))
}

/// The header row and what follows it, with the byte order mark in front.
fn excel_start(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Bytes, ServiceError> {
    let mut start = BOM.to_vec();
    start.extend_from_slice(&excel_rows([header.iter().map(|h| h.to_string()).collect()])?);
    start.extend_from_slice(&excel_rows(rows)?);
    Ok(Bytes::from(start))
}

const REQUEST_COLUMNS: [&str; 24] = [
    "Kenmerk",
    "Soort verzoek",
    "Nader",
    "Kanaal",
    "Wie vraagt",
    "Status",
    "Dubbel geregistreerd",
    "Team",
    "Behandelaar",
    "Ontvangen op",
    "Antwoord uiterlijk",
    "Uitgevoerd uiterlijk",
    "Wettelijke termijn",
    "Eerstvolgende termijn",
    "Stand",
    "Dagen stilgezet",
    "Verlenging gemeld op",
    "Verlengd tot",
    "Besluit",
    "Besluit meegedeeld op",
    "Besluit op tijd",
    "Afgerond op",
    "Op tijd uitgevoerd",
    "Gesloten op",
];

fn yes_no(value: bool) -> String {
    if value { "ja" } else { "nee" }.to_string()
}

fn day(date: Option<chrono::NaiveDate>) -> String {
    date.map(shown).unwrap_or_default()
}

/// One request as a row of [`REQUEST_COLUMNS`]: labels, names and dates, no personal
/// data of the requester or the client (the list shows none either).
fn request_row(page: &ExportPage, item: &RequestSummary) -> Vec<String> {
    let facts = &item.facts;
    let nader = match (facts.mode, facts.scope, facts.direct_marketing) {
        (Some(mode), _, _) => mode.label_nl(),
        (_, Some(scope), _) => scope.label_nl(),
        (_, _, Some(true)) => "tegen direct marketing",
        _ => "",
    };
    let standing = if facts.past_legal_limit {
        "Wettelijke termijn overschreden"
    } else if facts.overdue {
        "Termijn verstreken"
    } else if facts.due_soon {
        "Termijn loopt bijna af"
    } else {
        ""
    };
    let decided_on = item.decision.as_ref().and_then(|d| d.communicated_on);
    let decided_on_time = decided_on.map(|on| {
        on <= decision_due(
            &facts.deadlines,
            item.extension.as_ref().map(|e| e.informed_on),
            decided_on,
        )
    });
    vec![
        facts.reference.clone(),
        facts.kind.label_nl().to_string(),
        nader.to_string(),
        facts.channel.label_nl().to_string(),
        item.relation.label_nl().to_string(),
        facts.status.label_nl().to_string(),
        if item.duplicate_of.is_some() { "ja" } else { "" }.to_string(),
        facts.team.to_string(),
        page.assignee_of(item).unwrap_or_default().to_string(),
        shown(facts.received_on),
        shown(facts.deadlines.response),
        shown(facts.deadlines.execution),
        shown(facts.deadlines.legal),
        day(facts.open_deadline),
        standing.to_string(),
        facts.suspended_days.to_string(),
        day(item.extension.as_ref().map(|e| e.informed_on)),
        day(item.extension.as_ref().and_then(|e| e.until)),
        item.decision
            .as_ref()
            .map(|d| d.outcome.label_nl())
            .unwrap_or_default()
            .to_string(),
        day(decided_on),
        decided_on_time.map(yes_no).unwrap_or_default(),
        day(item.completed_on),
        item.completed_on
            .map(|on| yes_no(on <= facts.deadlines.execution))
            .unwrap_or_default(),
        day(item.closed_on),
    ]
}

const NO_EXPORT: &str = "Exporteren is voor het overzicht van de organisatie; de balie zoekt verzoeken op.";

/// `GET /requests/export`: every request the list shows with the same filters, in its
/// order and the caller's sight, streamed a thousand at a time.
pub async fn requests(state: State, SignedIn(user): SignedIn, query: web::Query<ListQuery>) -> Answer {
    let query = query.into_inner();
    let now = clock::now();
    let chosen = filter_of(&query, &user, &state.rules, now);
    if !chosen.errors.is_empty() {
        // The list says beside the field what could not be read.
        return Ok(see_other(&super::lists::page_link(&query, 1)));
    }
    let (first, rest) = service::export(&state.ctx(&user.caller), chosen.filter)
        .await
        .map_err(|error| PageError::from(error).forbidden_says(NO_EXPORT))?;
    let start = excel_start(
        &REQUEST_COLUMNS,
        first.items.iter().map(|item| request_row(&first, item)),
    )?;
    let rest = rest.map(|page| {
        page.and_then(|page| excel_rows(page.items.iter().map(|item| request_row(&page, item))))
            .map_err(|error| actix_web::error::ErrorInternalServerError(error.to_string()))
    });
    let body = futures_util::stream::iter([Ok::<_, actix_web::Error>(start)]).chain(rest);
    Ok(attachment(
        &format!("AVG-verzoeken {}.csv", shown(state.rules.today(now))),
        CONTENT_TYPE,
    )
    .streaming(body))
}

/// A share as Dutch Excel reads a percentage: "87,5%"; empty when withheld.
fn percent(share: Option<f64>) -> String {
    share
        .map(|s| format!("{:.1}%", s * 100.0).replace('.', ","))
        .unwrap_or_default()
}

/// A number of days with a decimal comma: "9,5".
fn days(value: Option<f64>) -> String {
    value
        .map(|d| {
            if d.fract() == 0.0 {
                format!("{d:.0}")
            } else {
                format!("{d:.1}").replace('.', ",")
            }
        })
        .unwrap_or_default()
}

/// The annual report as Dutch Excel reads it: one row per group, the groups by name.
pub fn annual_report(report: &AnnualReport) -> Answer {
    let row = |dimension: &str, group: String, f: &GroupFigures| {
        vec![
            dimension.to_string(),
            group,
            f.requests.to_string(),
            percent(f.decided_on_time_share),
            percent(f.completed_on_time_share),
            days(f.median_days_to_decision),
        ]
    };
    // A count without measures: all requests, an outcome, a system.
    let count = |dimension: &str, group: String, n: String| {
        vec![
            dimension.to_string(),
            group,
            n,
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    let mut rows = vec![count(
        "Alle verzoeken",
        String::new(),
        report.requests.to_string(),
    )];
    rows.extend(
        report
            .by_kind
            .iter()
            .map(|(kind, f)| row("Soort verzoek", kind.label_nl().to_string(), f)),
    );
    rows.extend(
        report
            .by_team
            .iter()
            .map(|(team, f)| row("Team", team.to_string(), f)),
    );
    rows.extend(
        report
            .by_outcome
            .iter()
            .map(|(outcome, n)| count("Uitkomst", outcome.label_nl().to_string(), n.to_string())),
    );
    rows.extend(report.by_system.iter().map(|(code, f)| {
        count(
            "Uitgevoerd in systeem",
            format!("{} ({code})", f.name),
            f.carried_out.to_string(),
        )
    }));
    let body = excel_start(
        &[
            "Indeling",
            "Groep",
            "Verzoeken",
            "Besluit op tijd",
            "Op tijd uitgevoerd",
            "Mediaan dagen tot besluit",
        ],
        rows,
    )?;
    Ok(attachment(&format!("AVG-jaarverslag {}.csv", report.year), CONTENT_TYPE).body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_gets_semicolons_crlf_a_bom_and_no_formulas() {
        let bytes = excel_start(
            &["Kenmerk", "Behandelaar"],
            [vec![
                "AVG-2026-00001".to_string(),
                "=HYPERLINK(\"x\")".to_string(),
            ]],
        )
        .unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "Kenmerk;Behandelaar\r\nAVG-2026-00001;\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }

    #[test]
    fn shares_and_days_have_a_decimal_comma() {
        assert_eq!(percent(Some(0.875)), "87,5%");
        assert_eq!(percent(None), "");
        assert_eq!(days(Some(9.5)), "9,5");
        assert_eq!(days(Some(12.0)), "12");
    }
}
