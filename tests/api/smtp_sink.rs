//! A minimal SMTP server on 127.0.0.1 for end-to-end tests: it speaks enough SMTP
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for lettre, and keeps every message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
    /// When the server said "250" to it.
    pub at: std::time::Instant,
}

pub struct SmtpSink {
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts a server on `port` (0: any free port).
    pub fn start(port: u16) -> SmtpSink {
        Self::start_slow(port, std::time::Duration::ZERO)
    }

    /// A server that takes `pause` over each message before it says "250", as a busy
    /// mail server does.
    pub fn start_slow(port: u16, pause: std::time::Duration) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &store, pause, None);
                });
            }
        });
        SmtpSink { received }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A port nothing listens on (yet).
///
/// Drawn below the kernel's range of ephemeral ports (32768 and up), from which every
/// outgoing connection and every `bind(0)` of the tests running beside takes its port:
/// a port found free there was taken again before the service bound it, now and then,
/// on a busy machine ("Address already in use"). Here only another test drawing the
/// same port between the check and the bind could take it.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static DRAWN: AtomicU32 = AtomicU32::new(0);
    let seed = std::process::id()
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
    loop {
        let n = seed.wrapping_add(DRAWN.fetch_add(7919, Ordering::Relaxed));
        let port = 20_000 + (n % 12_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// One SMTP session; with `sign_in` (the base64 of AUTH PLAIN's answer) mail is taken
/// only after AUTH PLAIN with it (and the greeting was said before STARTTLS).
fn session<S: Read + Write>(
    stream: S,
    store: &Mutex<Vec<Received>>,
    pause: std::time::Duration,
    sign_in: Option<&str>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    if sign_in.is_none() {
        reader.get_mut().write_all(b"220 sink ESMTP\r\n")?;
    }
    let mut signed_in = sign_in.is_none();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            if sign_in.is_some() {
                b"250-sink\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n"
            } else {
                b"250-sink\r\n250 8BITMIME\r\n"
            }
        } else if command.starts_with("AUTH PLAIN ") {
            signed_in = sign_in == Some(line.trim_end()[11..].trim());
            if signed_in {
                b"235 2.7.0 Authentication successful\r\n"
            } else {
                b"535 5.7.8 Authentication credentials invalid\r\n"
            }
        } else if command.starts_with("MAIL FROM") && !signed_in {
            b"530 5.7.0 Authentication required\r\n"
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            to.push(line.trim_end()[8..].trim().trim_matches(['<', '>']).to_string());
            b"250 OK\r\n"
        } else if command == "DATA" {
            reader.get_mut().write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            std::thread::sleep(pause);
            store.lock().unwrap().push(Received {
                to: to.clone(),
                data,
                at: std::time::Instant::now(),
            });
            b"250 queued\r\n"
        } else if command == "QUIT" {
            reader.get_mut().write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        reader.get_mut().write_all(reply)?;
        reader.get_mut().flush()?;
    }
}

/// A certificate authority of the test's own, and a certificate for 127.0.0.1
/// signed by it: (the CA's PEM, the server's certificate chain and key).
fn test_certificates() -> (
    String,
    Vec<rustls::pki_types::CertificateDer<'static>>,
    rustls::pki_types::PrivateKeyDer<'static>,
) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "avg-loket test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    (
        ca.pem(),
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
}

/// The PEM of a test authority and a server configuration with a certificate it signed.
fn server_config() -> (String, Arc<rustls::ServerConfig>) {
    let (ca_pem, chain, key) = test_certificates();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    (ca_pem, Arc::new(config))
}

/// A test authority and a server certificate it signed: made before the sink starts
/// when the client must trust it first (a mail server that is down at the start).
pub struct Tls {
    /// The authority's PEM, for `AVG_LOKET_MAIL_CA_FILE`.
    pub ca_pem: String,
    config: Arc<rustls::ServerConfig>,
}

impl Tls {
    pub fn new() -> Tls {
        let (ca_pem, config) = server_config();
        Tls { ca_pem, config }
    }
}

impl SmtpSink {
    /// A sink that speaks SMTP over implicit TLS (`smtps://`) only; returns it and the
    /// PEM of the authority its certificate is signed by.
    pub fn start_tls(port: u16) -> (SmtpSink, String) {
        let tls = Tls::new();
        (
            Self::start_tls_with(port, &tls, std::time::Duration::ZERO),
            tls.ca_pem,
        )
    }

    /// A sink over implicit TLS with the certificate of `tls`, taking `pause` over each
    /// message as a busy server does.
    pub fn start_tls_with(port: u16, tls: &Tls, pause: std::time::Duration) -> SmtpSink {
        let config = tls.config.clone();
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (store, config) = (store.clone(), config.clone());
                std::thread::spawn(move || {
                    let Ok(connection) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let _ = session(rustls::StreamOwned::new(connection, stream), &store, pause, None);
                });
            }
        });
        SmtpSink { received }
    }
}

impl SmtpSink {
    /// A sink on `smtp://` that offers STARTTLS (with a certificate of the test's own
    /// authority, whose PEM it returns) and takes mail only over TLS, after AUTH PLAIN
    /// as `user` with `password`: an organisation's submission server on port 587.
    pub fn start_submission(port: u16, user: &str, password: &str) -> (SmtpSink, String) {
        use base64::Engine as _;
        let (ca_pem, config) = server_config();
        let sign_in = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (store, config, sign_in) = (store.clone(), config.clone(), sign_in.clone());
                std::thread::spawn(move || {
                    let Ok(Some(stream)) = until_starttls(stream) else {
                        return;
                    };
                    let Ok(connection) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let _ = session(
                        rustls::StreamOwned::new(connection, stream),
                        &store,
                        std::time::Duration::ZERO,
                        Some(&sign_in),
                    );
                });
            }
        });
        (SmtpSink { received }, ca_pem)
    }
}

/// The plain-text part of a session that must turn to TLS: the stream once the
/// client has said STARTTLS, `None` if it left before.
fn until_starttls(stream: std::net::TcpStream) -> std::io::Result<Option<std::net::TcpStream>> {
    let mut reader = BufReader::new(stream);
    reader.get_mut().write_all(b"220 sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            reader
                .get_mut()
                .write_all(b"250-sink\r\n250-STARTTLS\r\n250 8BITMIME\r\n")?;
        } else if command == "STARTTLS" {
            reader.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\n")?;
            return Ok(Some(reader.into_inner()));
        } else if command == "QUIT" {
            reader.get_mut().write_all(b"221 bye\r\n")?;
            return Ok(None);
        } else {
            reader
                .get_mut()
                .write_all(b"530 5.7.0 Must issue a STARTTLS command first\r\n")?;
        }
    }
}
