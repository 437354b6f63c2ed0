//! Black-box tests: each starts the service on port 0 with a database of its own —
//! a temporary SQLite file, or, when `AVG_LOKET_TEST_POSTGRES_URL` is set, a fresh
//! PostgreSQL database that is dropped afterwards.

mod access;
mod cli;
mod dashboard;
mod errors;
mod health;
mod helpers;
mod openapi;
mod pages;
mod reference;
mod reminders;
mod reports;
mod requests;
mod retention;
mod schema;
mod seed;
mod smtp_sink;
mod teams;
mod workflow;
