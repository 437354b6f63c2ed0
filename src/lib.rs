//! avg-loket: registers AVG (GDPR) data-subject requests, runs them through their
//! lifecycle with legal deadlines and keeps a tamper-evident audit trail.
//!
//! Layers (see `docs/architecture.md`): [`domain`] is pure; [`storage`] holds all SQL;
//! [`service`] holds the use cases; [`http`] (the JSON API) and [`pages`] (HTML) are
//! sibling adapters over it that never import each other; [`web`] wires them, and
//! [`cli`] and [`startup`] start it all.

pub mod cli;
pub mod clock;
pub mod configuration;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod oidc;
pub mod pages;
pub mod private_files;
pub mod service;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod web;
