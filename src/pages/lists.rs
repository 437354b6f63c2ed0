//! "Mijn verzoeken", the team list and the look-up by reference, at `/requests`.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use super::labels::{choices, short_date, Choice};
use super::{page, see_other, Message, SignedIn};
use super::{Answer, State};
use crate::clock;
use crate::domain::access::{ListScope, Role, View};
use crate::domain::kind::KindCode;
use crate::domain::request::Status;
use crate::domain::team::TeamCode;
use crate::service::admin;
use crate::service::requests::{self as service, ListFilter, ListStanding, Sort, SortKey};
use crate::service::sessions::WebUser;
use crate::service::ServiceError;

const PER_PAGE: i64 = 50;

/// The list's filters, as the form sends them (unknown values are ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// `mij` (mine, and my teams' requests without a worker) or `alle` (everything
    /// the caller sees).
    wie: String,
    status: String,
    kind: String,
    team: String,
    /// Where open requests stand, as the dashboard counts them: `open`, `verstreken`,
    /// `wettelijk`, `binnenkort`, `zonder-behandelaar`.
    stand: String,
    /// `ja`: only overdue requests (what `stand=verstreken` says; older links).
    verstreken: String,
    /// The start of the requester's or the client's name (or of a word in it), a
    /// client number, or a reference (which opens the request).
    q: String,
    /// Received from / up to and including (YYYY-MM-DD).
    van: String,
    tot: String,
    reference: String,
    pagina: String,
    /// After a transfer out of the caller's teams: the reference, and the team.
    verplaatst: String,
    naar: String,
}

/// The choices of "Stand", in the dashboard's words.
const STANDINGS: [Choice; 5] = [
    ("open", "Open"),
    ("wettelijk", "Wettelijke termijn overschreden"),
    ("verstreken", "Eigen termijn verstreken"),
    ("binnenkort", "Termijn loopt bijna af"),
    ("zonder-behandelaar", "Zonder behandelaar"),
];

struct Row {
    id: String,
    reference: String,
    kind: &'static str,
    status: &'static str,
    team: String,
    received: String,
    /// Who asks, relative to the client ("—" in the front desk's status view).
    relation: &'static str,
    /// Open and nobody's yet: to take on.
    unassigned: bool,
    due: Option<String>,
    /// "Wettelijke termijn overschreden", "Verstreken", "Binnenkort" or nothing: said in
    /// words, not by colour alone.
    flag: Option<&'static str>,
    /// The flag is a deadline that passed.
    late: bool,
}

#[derive(Template)]
#[template(path = "pages/list.html")]
struct List<'a> {
    user: &'a WebUser,
    query: &'a ListQuery,
    mine: bool,
    /// The front desk's search: the status of each request, no filters but the search.
    status_only: bool,
    rows: Vec<Row>,
    total: i64,
    exact: bool,
    page: i64,
    next: Option<String>,
    previous: Option<String>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    standings: [Choice; 5],
    teams: Vec<String>,
    /// A filter that could not be read, by its field (`van`, `tot`): said beside it;
    /// the list is not searched until it is fixed.
    errors: Vec<(&'static str, String)>,
    /// "Exporteren": the same filters, as a file for Excel.
    export: String,
}

impl List<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, e)| e)
    }

    /// What the list shows, in words, for its heading and the page title.
    fn title(&self) -> &'static str {
        if self.status_only {
            "Verzoeken gevonden"
        } else if self.mine {
            "Mijn verzoeken"
        } else {
            "Verzoeken"
        }
    }
}

/// The list's address with the filters that are set, at `page`.
pub(super) fn page_link(query: &ListQuery, page: i64) -> String {
    let page = page.to_string();
    let mut pairs = filters_set(query);
    pairs.push(("pagina", page.as_str()));
    format!(
        "/requests?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// The export of what the list shows: the same filters, no page.
fn export_link(query: &ListQuery) -> String {
    format!(
        "/requests/export?{}",
        serde_urlencoded::to_string(filters_set(query)).unwrap_or_default()
    )
}

/// The filters of `query` that are set, as (name, value).
fn filters_set(query: &ListQuery) -> Vec<(&'static str, &str)> {
    [
        ("wie", query.wie.as_str()),
        ("status", &query.status),
        ("kind", &query.kind),
        ("team", &query.team),
        ("stand", &query.stand),
        ("verstreken", &query.verstreken),
        ("q", &query.q),
        ("van", &query.van),
        ("tot", &query.tot),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .collect()
}

/// A date filter as typed (27-11-2026 or 2026-11-27); an error for its field when it
/// is no date, never silently ignored.
fn date_of(
    field: &'static str,
    typed: &str,
    errors: &mut Vec<(&'static str, String)>,
) -> Option<chrono::NaiveDate> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let date = super::dates::read(typed);
    if date.is_none() {
        errors.push((
            field,
            format!("‘{typed}’ is geen datum; schrijf de datum zo: 27-11-2026"),
        ));
    }
    date
}

/// What the filters of a list (or its export) come to.
pub(super) struct Chosen {
    pub filter: ListFilter,
    /// "Mijn verzoeken": mine, and my teams' requests without a worker.
    pub mine: bool,
    /// A filter that could not be read, by its field.
    pub errors: Vec<(&'static str, String)>,
}

/// The list filter the query asks for, in the caller's sight.
pub(super) fn filter_of(
    query: &ListQuery,
    user: &WebUser,
    rules: &crate::service::Rules,
    now: chrono::DateTime<chrono::Utc>,
) -> Chosen {
    let q = query.q.trim();
    let status_only = user.caller.list_scope() == ListScope::ByReferenceOnly;
    let (today, soon_until) = (rules.today(now), rules.soon_until(now));
    let mine = !status_only
        && (query.wie == "mij" || (query.wie.is_empty() && user.caller.role == Role::Caseworker));
    let standing = match (query.stand.as_str(), query.verstreken.as_str()) {
        ("open", _) => Some(ListStanding::Open),
        ("wettelijk", _) => Some(ListStanding::PastLegalLimit { today }),
        ("binnenkort", _) => Some(ListStanding::DueSoon {
            from: today,
            until: soon_until,
        }),
        ("zonder-behandelaar", _) => Some(ListStanding::Unassigned),
        _ => None,
    };
    let overdue = query.stand == "verstreken" || query.verstreken == "ja";
    let mut errors = Vec::new();
    let received_from = date_of("van", &query.van, &mut errors);
    let received_to = date_of("tot", &query.tot, &mut errors);
    let filter = ListFilter {
        statuses: Status::parse(&query.status).into_iter().collect(),
        kinds: KindCode::parse(&query.kind).into_iter().collect(),
        teams: TeamCode::parse(&query.team).into_iter().collect(),
        mine_or_unassigned: mine.then_some(user.caller.user_id),
        overdue_on: overdue.then_some(today),
        standing,
        q: (!q.is_empty()).then(|| q.chars().take(200).collect()),
        received_from,
        received_to,
        sort: Sort {
            key: SortKey::OpenDue,
            descending: false,
        },
        ..Default::default()
    };
    Chosen { filter, mine, errors }
}

pub async fn list(state: State, SignedIn(user): SignedIn, query: web::Query<ListQuery>) -> Answer {
    let query = query.into_inner();
    let now = clock::now();
    if !query.reference.trim().is_empty() {
        return match service::by_reference(&state.ctx(&user.caller), &query.reference).await {
            Ok(view) => Ok(see_other(&format!("/requests/{}", view.stored.request.id))),
            Err(ServiceError::NotFound(_)) => Ok(page(
                StatusCode::NOT_FOUND,
                &Message {
                    heading: "Geen verzoek met dit kenmerk",
                    message: "Controleer het kenmerk (AVG-jaar-nummer, bijvoorbeeld AVG-2026-00012).",
                    link: "/requests",
                    link_text: "Opnieuw zoeken",
                },
            )),
            Err(error) => Err(error.into()),
        };
    }
    let q = query.q.trim();
    // A reference typed into the search box (any case, leading zeros or not) is
    // looked up as one.
    if let Some(reference) = crate::domain::request::read_reference(q) {
        return Ok(see_other(&format!(
            "/requests?reference={}",
            percent_encoding::utf8_percent_encode(&reference, percent_encoding::NON_ALPHANUMERIC)
        )));
    }
    let status_only = user.caller.list_scope() == ListScope::ByReferenceOnly;
    if status_only && q.is_empty() {
        return Ok(page(StatusCode::OK, &Lookup { user: &user }));
    }
    let Chosen { filter, mine, errors } = filter_of(&query, &user, &state.rules, now);
    let page_number = query.pagina.parse::<i64>().unwrap_or(1).clamp(1, 1_000_000);
    let list = if errors.is_empty() {
        service::list(&state.ctx(&user.caller), filter, page_number, PER_PAGE).await?
    } else {
        service::RequestList {
            items: Vec::new(),
            total: service::Total {
                count: 0,
                exact: true,
            },
            sight: View::Status,
        }
    };
    let shown_to = (page_number - 1) * PER_PAGE + list.items.len() as i64;
    let full = list.sight == View::Full;
    let rows = list
        .items
        .iter()
        .map(|r| Row {
            id: r.facts.id.to_string(),
            reference: r.facts.reference.clone(),
            kind: r.facts.kind.label_nl(),
            status: r.facts.status.label_nl(),
            team: r.facts.team.to_string(),
            received: short_date(r.facts.received_on),
            relation: if full { r.relation.label_nl() } else { "—" },
            unassigned: full && r.facts.assignee.is_none() && r.facts.open_deadline.is_some(),
            due: r.facts.open_deadline.map(short_date),
            flag: if r.facts.past_legal_limit {
                Some("Wettelijke termijn overschreden")
            } else if r.facts.overdue {
                Some("Verstreken")
            } else if r.facts.due_soon {
                Some("Binnenkort")
            } else {
                None
            },
            late: r.facts.overdue || r.facts.past_legal_limit,
        })
        .collect();
    let teams = match user.caller.list_scope() {
        ListScope::Teams(teams) => teams,
        _ => admin::teams(&state.db)
            .await?
            .into_iter()
            .map(|t| t.code)
            .collect(),
    };
    let (total, exact) = (list.total.count, list.total.exact);
    Ok(page(
        StatusCode::OK,
        &List {
            user: &user,
            query: &query,
            mine,
            status_only,
            rows,
            total,
            exact,
            page: page_number,
            next: (shown_to < total || !exact).then(|| page_link(&query, page_number + 1)),
            export: export_link(&query),
            previous: (page_number > 1).then(|| page_link(&query, page_number - 1)),
            statuses: choices::<Status>(),
            kinds: choices::<KindCode>(),
            standings: STANDINGS,
            teams: teams.iter().map(ToString::to_string).collect(),
            errors,
        },
    ))
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
