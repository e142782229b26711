//! The integration tests: each boots the real server (in-process, or the real binary where a
//! process must be killed) over a fresh database, on SQLite and, when configured, PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod authz;
mod browser;
mod browser_crawl;
mod care;
mod care_alerts;
mod cli;
mod common;
mod compressed;
mod crisis;
mod delivery;
mod durability;
mod errors;
mod exports;
mod frame;
mod history;
mod homework;
mod insights;
mod insights_cache;
mod look;
mod measures;
mod offline;
mod operations;
mod own_import;
mod pages;
mod safety_paths;
mod scale_out;
mod security;
mod security_input;
mod steps;
mod store_rules;
mod time_zone;
mod toolkit;
