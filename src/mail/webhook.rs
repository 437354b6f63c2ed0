//! The other outgoing transport of the outbox: a signed HTTP POST to a system's
//! webhook, telling its automation of a new task. The body names the task, the
//! request's reference, its kind and the due date — nothing about the client.

use std::sync::OnceLock;
use std::time::Duration;

/// How long a system may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            // A webhook that moved says so by failing, not by sending the task elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client")
    })
}

/// Posts `body` to `url` with its signature (`X-Avg-Signature`); what the system
/// answered (`HTTP 200`), or why it failed — an answer outside 2xx is a failure, tried
/// again with the outbox's back-off.
pub async fn post(url: &str, body: String, signature: &str) -> Result<String, String> {
    let response = client()
        .post(url)
        .header("content-type", "application/json")
        .header("X-Avg-Signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| format!("the webhook could not be called: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(format!("the webhook answered HTTP {}", status.as_u16()))
    }
}
