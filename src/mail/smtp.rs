//! SMTP with pooled connections of our own.
//!
//! lettre's pooled transport opens its sockets without `TCP_NODELAY`, and it writes a
//! mail's terminating `.` in a write of its own after the body. With Nagle's algorithm
//! on, the kernel holds that small write until the server acknowledges the body, and
//! a server that has nothing to say until the `.` arrives delays its acknowledgement
//! (40 ms on Linux): every mail on every connection waited for it, and 12,000
//! reminders took three minutes (docs/performance.md). Here the connection is opened
//! by us, with `TCP_NODELAY`, and handed to lettre's SMTP client, which still speaks
//! the protocol: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA.
//!
//! `smtps://` (TLS from the first byte) is the exception: lettre must wrap the socket
//! before the server's greeting, so it opens that one itself, without `TCP_NODELAY`.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

/// Connections kept open between mails: more than the delivery senders
/// (`service::reminders::SENDERS`) plus a letter or two.
const MAX_IDLE: usize = 8;
/// A connection unused for this long is closed (lettre's pool did the same).
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is secured.
#[derive(Clone)]
pub enum Security {
    /// Plain text (`?tls=none`).
    None,
    /// STARTTLS when the server offers it (`smtp://`).
    Opportunistic(TlsParameters),
    /// STARTTLS or fail (`?tls=required`).
    Required(TlsParameters),
    /// TLS from the first byte (`smtps://`).
    Implicit(TlsParameters),
}

/// Where and how to deliver.
#[derive(Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<Credentials>,
    pub hello: ClientId,
    /// For connecting and for each answer of the server.
    pub timeout: Duration,
}

/// A pool of SMTP connections to one server; clones share it.
#[derive(Clone)]
pub struct Smtp {
    inner: Arc<Inner>,
}

struct Inner {
    server: Server,
    idle: Mutex<Vec<Parked>>,
}

struct Parked {
    connection: AsyncSmtpConnection,
    since: Instant,
}

impl Smtp {
    /// The pool; call it inside the async runtime (a task closes idle connections).
    pub fn new(server: Server) -> Smtp {
        let inner = Arc::new(Inner {
            server,
            idle: Mutex::new(Vec::new()),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(close_idle(Arc::downgrade(&inner)));
        }
        Smtp { inner }
    }

    /// Sends one message over a pooled connection (or a new one).
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), String> {
        let mut connection = self.connection().await?;
        connection
            .send(envelope, message)
            .await
            .map_err(|e| e.to_string())?;
        self.park(connection);
        Ok(())
    }

    /// An idle connection that still answers, or a new one.
    async fn connection(&self) -> Result<AsyncSmtpConnection, String> {
        loop {
            let parked = self.idle().pop();
            let Some(parked) = parked else { break };
            let mut connection = parked.connection;
            // As lettre's pool: a NOOP finds a connection the server has closed.
            if parked.since.elapsed() < IDLE_TIMEOUT && connection.test_connected().await {
                return Ok(connection);
            }
            connection.abort().await;
        }
        self.inner.server.connect().await
    }

    fn park(&self, connection: AsyncSmtpConnection) {
        if connection.has_broken() {
            return;
        }
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(Parked {
                connection,
                since: Instant::now(),
            });
        }
        // Beyond MAX_IDLE the connection is dropped, which closes its socket.
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Parked>> {
        self.inner.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Every half minute, says QUIT on the connections idle longer than
/// [`IDLE_TIMEOUT`]; ends with the pool.
async fn close_idle(pool: Weak<Inner>) {
    loop {
        tokio::time::sleep(IDLE_TIMEOUT / 2).await;
        let Some(inner) = pool.upgrade() else { return };
        let stale: Vec<Parked> = {
            let mut idle = inner.idle.lock().unwrap_or_else(|p| p.into_inner());
            let (stale, fresh) = std::mem::take(&mut *idle)
                .into_iter()
                .partition(|p| p.since.elapsed() >= IDLE_TIMEOUT);
            *idle = fresh;
            stale
        };
        drop(inner);
        for mut parked in stale {
            parked.connection.abort().await;
        }
    }
}

impl Server {
    /// A new connection: greeted, secured and signed in.
    async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let mut connection = match &self.security {
            Security::Implicit(tls) => AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.timeout),
                &self.hello,
                Some(tls.clone()),
                None,
            )
            .await
            .map_err(|e| e.to_string())?,
            _ => {
                let address = (self.host.as_str(), self.port);
                let stream = tokio::time::timeout(self.timeout, tokio::net::TcpStream::connect(address))
                    .await
                    .map_err(|_| "Connection error: connection timed out".to_string())?
                    .map_err(|e| format!("Connection error: {e}"))?;
                stream
                    .set_nodelay(true)
                    .map_err(|e| format!("Connection error: {e}"))?;
                let greeted = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello);
                tokio::time::timeout(self.timeout, greeted)
                    .await
                    .map_err(|_| "Connection error: no greeting from the mail server".to_string())?
                    .map_err(|e| e.to_string())?
            }
        };
        let secured = match &self.security {
            Security::Opportunistic(tls) if connection.can_starttls() => {
                connection.starttls(tls.clone(), &self.hello).await
            }
            Security::Required(tls) => connection.starttls(tls.clone(), &self.hello).await,
            _ => Ok(()),
        };
        secured.map_err(|e| e.to_string())?;
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(connection)
    }
}
