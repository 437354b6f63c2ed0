//! Tasks on the pages: the "Uitvoering per systeem" panel of the request page, its
//! forms (`POST /tasks/{id}`, the action named by the button pressed), and "Mijn
//! taken" (`GET /tasks`), a user's open tasks across the requests.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use super::labels::short_date;
use super::{page, see_other, Answer, CheckedForm, SignedIn, State};
use crate::domain::ids::RequestId;
use crate::domain::tasks::TaskAction;
use crate::service::sessions::WebUser;
use crate::service::tasks::{self as service, TaskActionInput, TaskView};
use crate::service::ServiceError;
use crate::web::state::AppState;

/// One task as a page shows it.
pub struct TaskLine {
    pub id: String,
    pub request_id: String,
    pub reference: String,
    pub system: String,
    pub system_name: String,
    pub status: &'static str,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
    pub note: Option<String>,
    /// "Uitgevoerd door A. de Wit op 7-12-2026".
    pub done: Option<String>,
    /// What the reader can do now: (code, words on the button).
    pub actions: Vec<(&'static str, &'static str)>,
}

impl TaskLine {
    pub fn of(view: &TaskView) -> TaskLine {
        let day = short_date;
        TaskLine {
            id: view.id.to_string(),
            request_id: view.request_id.to_string(),
            reference: view.request_reference.clone(),
            system: view.system.to_string(),
            system_name: view.system_name.clone(),
            status: view.status.label_nl(),
            owner: view.owner_name.clone(),
            due: day(view.due),
            overdue: view.overdue,
            note: view.note.clone(),
            done: match (&view.done_by_name, view.done_at) {
                (Some(by), Some(at)) if !view.status.is_open() => {
                    Some(format!("{by}, {}", day(at.date_naive())))
                }
                _ => None,
            },
            actions: view
                .allowed_actions
                .iter()
                .map(|a| (a.code(), a.label_nl()))
                .collect(),
        }
    }
}

/// A request's tasks as far as the reader may see them (none when they may not).
pub async fn lines(state: &AppState, user: &WebUser, request_id: RequestId) -> Vec<TaskLine> {
    service::of_request(&state.ctx(&user.caller), request_id)
        .await
        .map(|list| list.items.iter().map(TaskLine::of).collect())
        .unwrap_or_default()
}

/// `POST /tasks/{id}`: the action of the button pressed, with the note typed; back
/// to the request's tasks, or the request page with the form as typed and why not.
pub async fn act(state: State, id: web::Path<String>, sent: CheckedForm) -> Answer {
    let (user, pairs) = (sent.user, sent.pairs);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let request = crate::service::requests::request_id(&field("request"))?;
    let action = TaskAction::parse(&field("action")).map_err(|_| super::PageError::BadForm)?;
    let note = Some(field("note")).filter(|n| !n.is_empty());
    let outcome = service::act(
        &state.ctx(&user.caller),
        service::task_id(&id)?,
        action,
        TaskActionInput { note },
    )
    .await;
    match outcome {
        Ok(_) => Ok(see_other(&format!("/requests/{request}#taken"))),
        Err(error @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            super::request_page::refused_task(&state, &user, request, &id, error, pairs).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "pages/tasks.html")]
struct MyTasks<'a> {
    user: &'a WebUser,
    tasks: Vec<TaskLine>,
}

/// `GET /tasks`: "Mijn taken", the open tasks the user owns or stands in for.
pub async fn mine(state: State, SignedIn(user): SignedIn) -> Answer {
    let list = service::mine(&state.ctx(&user.caller)).await?;
    let tasks = list.items.iter().map(TaskLine::of).collect();
    Ok(page(StatusCode::OK, &MyTasks { user: &user, tasks }))
}
