//! Integration tests of mb-history: one binary, one module per concern.

mod catalog;
mod common;
mod concurrency;
mod ledger;
mod lifecycle;
mod migrations;
mod open;
mod privacy;
mod queries;
mod transitions;
