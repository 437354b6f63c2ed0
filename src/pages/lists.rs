//! "Mijn verzoeken", the team list and the look-up by reference, at `/requests`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::labels::{label, long_date, Choice, KINDS, STATUSES};
use super::{forbidden_page, page, see_other, signed_in, unavailable, Message};
use crate::clock;
use crate::domain::access::{ListScope, Role};
use crate::http::AppState;
use crate::service::requests as service;
use crate::service::sessions::WebUser;
use crate::service::ServiceError;
use crate::storage::requests::{ListFilter, Sort, SortKey};

const PER_PAGE: i64 = 50;

/// The list's filters, as the form sends them (unknown values are ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// `mij` (assigned to me) or `alle` (everything the caller sees).
    wie: String,
    status: String,
    kind: String,
    team: String,
    /// `ja`: only overdue requests.
    verstreken: String,
    reference: String,
    pagina: String,
}

struct Row {
    id: String,
    reference: String,
    kind: String,
    status: String,
    team: String,
    due: Option<String>,
    /// "Verstreken", "Binnenkort" or nothing: said in words, not by colour alone.
    flag: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "pages/list.html")]
struct List<'a> {
    user: &'a WebUser,
    query: &'a ListQuery,
    mine: bool,
    rows: Vec<Row>,
    total: i64,
    exact: bool,
    page: i64,
    next: Option<String>,
    previous: Option<String>,
    statuses: &'a [Choice],
    kinds: &'a [Choice],
    teams: Vec<String>,
}

fn page_link(query: &ListQuery, page: i64) -> String {
    let page = page.to_string();
    let pairs: Vec<(&str, &str)> = [
        ("wie", query.wie.as_str()),
        ("status", &query.status),
        ("kind", &query.kind),
        ("team", &query.team),
        ("verstreken", &query.verstreken),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .chain([("pagina", page.as_str())])
    .collect();
    format!(
        "/requests?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    let Some(user) = signed_in(&state, &req).await else {
        return see_other("/login");
    };
    let query = query.into_inner();
    let now = clock::now();
    if !query.reference.trim().is_empty() {
        return match service::by_reference(&state.db, &state.rules, &user.caller, &query.reference, now).await
        {
            Ok((view, _)) => see_other(&format!("/requests/{}", view.stored.request.id)),
            Err(ServiceError::NotFound(_)) => page(
                StatusCode::NOT_FOUND,
                &Message {
                    heading: "Geen verzoek met dit kenmerk",
                    message: "Controleer het kenmerk (AVG-jaar-nummer, bijvoorbeeld AVG-2026-00012).",
                    link: "/requests",
                    link_text: "Opnieuw zoeken",
                },
            ),
            Err(ServiceError::Forbidden(message)) => forbidden_page(&message),
            Err(error) => {
                tracing::error!(%error, "look-up by reference");
                unavailable()
            }
        };
    }
    if user.caller.list_scope() == ListScope::ByReferenceOnly {
        return page(StatusCode::OK, &Lookup { user: &user });
    }
    let today = state.rules.today(now);
    let mine = query.wie == "mij" || (query.wie.is_empty() && user.caller.role == Role::Caseworker);
    let only = |value: &str, known: &[Choice]| -> Vec<String> {
        known
            .iter()
            .filter(|(code, _)| *code == value)
            .map(|(code, _)| code.to_string())
            .collect()
    };
    let filter = ListFilter {
        statuses: only(&query.status, &STATUSES),
        kinds: only(&query.kind, &KINDS),
        teams: if query.team.is_empty() {
            vec![]
        } else {
            vec![query.team.clone()]
        },
        assignee: mine.then(|| user.caller.user_id.to_string()),
        overdue_on: (query.verstreken == "ja").then_some(today),
        due_before: None,
        received_from: None,
        received_to: None,
        reference: None,
        visible_teams: None,
        sort: Sort {
            key: SortKey::OpenDue,
            descending: false,
        },
    };
    let page_number = query.pagina.parse::<i64>().unwrap_or(1).clamp(1, 1_000_000);
    let (records, total, _) =
        match service::list(&state.db, &user.caller, filter, page_number, PER_PAGE).await {
            Ok(found) => found,
            Err(ServiceError::Forbidden(message)) => return forbidden_page(&message),
            Err(error) => {
                tracing::error!(%error, "request list page");
                return unavailable();
            }
        };
    let rows = records
        .iter()
        .map(|r| Row {
            id: r.id.clone(),
            reference: r.reference.clone(),
            kind: label(&KINDS, &r.kind),
            status: label(&STATUSES, &r.status),
            team: r.team.clone(),
            due: r.open_due.map(long_date),
            flag: if r.is_overdue(today) {
                Some("Verstreken")
            } else if r
                .open_due
                .is_some_and(|due| r.suspended_since.is_none() && (due - today).num_days() <= 5)
            {
                Some("Binnenkort")
            } else {
                None
            },
        })
        .collect();
    let shown_to = (page_number - 1) * PER_PAGE + records.len() as i64;
    let teams = match user.caller.list_scope() {
        ListScope::Teams(teams) => teams,
        _ => state
            .db
            .read(crate::storage::teams::list)
            .await
            .map(|all| all.into_iter().map(|t| t.code).collect())
            .unwrap_or_default(),
    };
    page(
        StatusCode::OK,
        &List {
            user: &user,
            query: &query,
            mine,
            rows,
            total: total.count,
            exact: total.exact,
            page: page_number,
            next: (shown_to < total.count || !total.exact).then(|| page_link(&query, page_number + 1)),
            previous: (page_number > 1).then(|| page_link(&query, page_number - 1)),
            statuses: &STATUSES,
            kinds: &KINDS,
            teams,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/lookup.html")]
struct Lookup<'a> {
    user: &'a WebUser,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filters_that_are_set() {
        let query = ListQuery {
            wie: "alle".into(),
            team: "A&B".into(),
            verstreken: "ja".into(),
            ..Default::default()
        };
        assert_eq!(
            page_link(&query, 3),
            "/requests?wie=alle&team=A%26B&verstreken=ja&pagina=3"
        );
        assert_eq!(page_link(&ListQuery::default(), 1), "/requests?pagina=1");
    }
}
