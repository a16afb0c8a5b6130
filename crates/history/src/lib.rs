//! mb-history: placeholder, filled in by its issue.
