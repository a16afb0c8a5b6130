//! mb-api integration tests: the client against tiny local stubs (`transport`) for transport
//! behaviour, and against mb-fake (`fake_*`, `curl_compare`) for the contract of every
//! endpoint; the real keychain where a Secret Service exists (`keychain`).

mod curl_compare;
mod fake;
mod fake_api;
mod fake_oauth;
mod hostile;
mod keychain;
mod logs;
mod stub;
mod transport;
