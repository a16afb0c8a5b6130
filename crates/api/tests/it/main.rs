//! mb-api integration tests: the client against tiny local stubs (`stub`) for transport
//! behaviour, and against mb-fake (`fake_*`) for the contract of every endpoint.

mod keychain;
mod stub;
mod transport;
