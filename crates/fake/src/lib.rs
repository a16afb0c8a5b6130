//! mb-fake: placeholder, filled in by its issue.
