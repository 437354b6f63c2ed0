//! Background work of `serve`: the reminder sweep and the mail delivery worker, every
//! `AVG_LOKET_SWEEP_INTERVAL_SECONDS`, the retention purge and the move of the
//! dashboard's 90-day window once a day, until shutdown.

use tokio::sync::watch;

use crate::clock;
use crate::domain::deadlines::Period;
use crate::mail::Mailer;
use crate::service::delivery::{deliver_concurrently, next_due, MailSettings, Outbox};
use crate::service::letters::LetterSetup;
use crate::service::reminders::sweep;
use crate::service::retention::purge;
use crate::service::Rules;
use crate::storage::Db;

/// How long to wait before the next round: the interval, or less when a mail falls
/// due sooner — a retry, or the lease of a worker that may have died (so that its
/// mails go out within [`LEASE`](crate::service::delivery::LEASE) and a second, not
/// a whole interval later). At least a second.
async fn next_look(db: &Db, letters: &LetterSetup, interval: std::time::Duration) -> std::time::Duration {
    match next_due(db, letters).await.ok().flatten() {
        Some(at) => (at - clock::now() + chrono::Duration::seconds(1))
            .to_std()
            .unwrap_or_default()
            .clamp(
                std::time::Duration::from_secs(1),
                interval.max(std::time::Duration::from_secs(1)),
            ),
        None => interval,
    }
}

/// Stops the background loop when dropped or told to.
pub struct Background {
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Background {
    pub fn start(
        db: Db,
        rules: Rules,
        mail: MailSettings,
        mailer: Mailer,
        interval: std::time::Duration,
        retention: Period,
        letters: LetterSetup,
    ) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut purged_on = None;
            loop {
                let round = async {
                    let now = clock::now();
                    let today = rules.today(now);
                    if purged_on != Some(today) {
                        match purge(&db, &rules, retention, "system", now).await {
                            Ok(_) => purged_on = Some(today),
                            Err(error) => tracing::error!(%error, "retention purge failed"),
                        }
                    }
                    if let Err(error) = crate::service::dashboard::keep_window(&db, &rules, now).await {
                        tracing::error!(%error, "moving the dashboard's window failed");
                    }
                    if let Err(error) = crate::service::sessions::forget_kept_forms(&db, now).await {
                        tracing::error!(%error, "forgetting kept forms failed");
                    }
                    if let Err(error) = crate::service::written_once::forget_old_keys(&db, now).await {
                        tracing::error!(%error, "forgetting idempotency and form keys failed");
                    }
                    if let Err(error) = sweep(&db, &rules, &mail, now).await {
                        tracing::error!(%error, "reminder sweep failed");
                    }
                    let outbox = Outbox::new(&db, &rules, &letters, &mailer, &mail);
                    if let Err(error) = deliver_concurrently(&outbox, clock::now).await {
                        tracing::error!(%error, "mail delivery failed");
                    }
                    next_look(&db, &letters, interval).await
                };
                // A stop abandons a long round (a backlog of thousands of mails) at its
                // next await: every database write is a transaction of its own, and a
                // mail whose sending was cut short is retried when its lease expires.
                let pause = tokio::select! {
                    pause = round => pause,
                    _ = stopped.changed() => break,
                };
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stopped.changed() => break,
                }
            }
            tracing::info!("background jobs stopped");
        });
        Background { stop, handle }
    }

    /// Stops, abandoning a round in progress at its next await.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}
