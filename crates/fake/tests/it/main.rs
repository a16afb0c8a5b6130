//! Integration tests of mb-fake: every endpoint's shape, every sample fixture, OAuth flows,
//! quotas and scripted faults, plus an independent check with the `curl` binary.

mod cdp;
mod common;
mod curl;
mod faults;
mod fidelity;
mod management;
mod oauth;
mod offline;
mod quotas;
