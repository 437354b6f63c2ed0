//! The integration tests: one binary, each test with a database of its own — a
//! temporary SQLite file, or, when `AVG_LOKET_TEST_POSTGRES_URL` is set, a fresh
//! PostgreSQL database that is dropped afterwards.
//!
//! Most tests are black-box: they start the service on port 0 ([`helpers::spawn_app`])
//! and speak HTTP to it, or run the `avg-loket` binary. Every JSON answer they receive
//! through the helpers is checked against the OpenAPI document ([`openapi::conforms`]).
//! Some reach inside, and say so here:
//!
//! | module | through the real interface | in-process, and why |
//! |---|---|---|
//! | `access`, `corrections`, `dashboard`, `errors`, `health`, `reference`, `reports`, `requests`, `teams` | HTTP | `helpers::create_user_directly` makes users through `service::admin` as `avg-loket user add` would; a few tests count rows or read the token table with diesel to prove what the API cannot show (a hash, not the token, is stored; a count past the list's cap) |
//! | `workflow` | HTTP, and `avg-loket audit verify` | edits the audit table with SQL (dropping its append-only triggers) to prove that tampering is found |
//! | `pages` | HTTP, as a browser without JavaScript (cookies, forms, redirects) | counts rows with diesel to prove a refused form changed nothing |
//! | `cli`, `seed` | the binary | `seed` opens the database to compare two seeded registers row by row |
//! | `reminders` | HTTP to create requests; mail through a real SMTP server on 127.0.0.1 | calls `service::reminders::sweep` and `deliver` with a chosen `now` (the clock cannot be moved from outside), and writes outbox rows directly to test two delivery workers on one database |
//! | `retention` | HTTP and the binary (`avg-loket purge --now`) | reads the personal-data columns with diesel to prove they are empty |
//! | `openapi` | HTTP for the served document | generates the document in-process to compare it with `docs/openapi.json` |
//! | `schema` | — | runs the migrations of both backends and lists the columns |
//! | `setup` | — | reads the README, `Cargo.toml`, `Cargo.lock` (and the manifests cargo unpacked for it), the `Dockerfile` and `docker-compose.yml`; and every tracked source and document, for the documents they name |
//! | `duplicates` | HTTP and the pages | — |
//! | `walkthrough` | the shell blocks of the README's "A first request" and of `docs/api.md`, run verbatim by `bash` with the built binary and `curl` | — |
//! | `letters` | HTTP and the pages; the PDFs read with `pdftotext` and `qpdf`; e-mail through a real SMTP server over TLS on 127.0.0.1 (a CA of the test's own, trusted with `AVG_LOKET_MAIL_CA_FILE`); `avg-loket purge` and `audit verify` | calls `service::letters::deliver` with a chosen `now`, as the background loop does |
//! | `letter_layout` | — | composes letters from the sample cases and renders them in-process as the service does, to read each page and each word's box with `pdftotext` (names in every accepted script, the signature with its paragraph, long words within the margin) |
//! | `search` | HTTP | deletes the name keys with diesel and calls `fill_missing_requester_keys` as `migrate` does, to prove that requests from before the keys are found once it ran |
//! | `sign_in` | HTTP as a browser, through a real OpenID provider (`oidc-provider` on 127.0.0.1, `tests/oidc-provider/`) and its own login form; `avg-loket audit verify` | reads the audit events and counts sessions with diesel to prove a refusal left an event and no session; sets the provider's accounts and faults over its loopback-only test endpoints |
//! | `backup` | the binary (`backup`, `migrate`, `audit verify` on the copy) under HTTP write load | opens the copy with diesel to find every acknowledged request |
//! | `faults` | the binary (`serve` killed with SIGKILL, two instances on one PostgreSQL, `audit verify`) over HTTP, with a slow SMTP server on 127.0.0.1 | writes the morning's reminders straight into the outbox, as a sweep would; opens the database with diesel to find every acknowledged request |
//! | `upgrade` | the binary (`migrate`, `audit verify`, `serve`) and HTTP before and after | takes the register back to the oldest supported schema with the migrations' own down steps (diesel's migration harness), and calls `sweep` with the current moment to fill the outbox |
//! | `probe` | HTTP and the binary | counts requests with diesel to prove a refused registration stored nothing; writes a user's name with a control character straight into the table, as a row from before the check would be |
//! | `administration` | HTTP, as a browser without JavaScript | counts users with diesel to prove a refused form added nothing |
//! | `hardening` | HTTP, with forged forwarding headers; as a browser through a real OpenID provider and its logout prompt | reads audit events with diesel to count what an outage left; calls `storage::users::insert_attempt` with a small bound to show the sign-ins under way are bounded; calls `service::auth::authenticate` with a chosen `now` and moves a token's expiry and a session's last use back with diesel (time cannot be moved from outside); gives a first token as the operator does (`helpers::issue_token_directly`) |
//!
//! The browser walk (`browser-tests/walk.mjs`, run by `.ci/run`) drives the pages in a
//! real headless Chromium.

mod access;
mod administration;
mod backup;
mod cli;
mod corrections;
mod dashboard;
mod duplicates;
mod errors;
mod faults;
mod hardening;
mod health;
mod helpers;
mod letter_layout;
mod letters;
mod openapi;
mod pages;
mod probe;
mod reference;
mod reminders;
mod reports;
mod requests;
mod retention;
mod schema;
mod search;
mod seed;
mod setup;
mod sign_in;
mod smtp_sink;
mod tasks;
mod teams;
mod upgrade;
mod walkthrough;
mod workflow;
