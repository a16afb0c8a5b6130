//! Integration tests of mb-history.
