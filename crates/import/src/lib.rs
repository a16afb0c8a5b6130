//! mb-import: placeholder, filled in by its issue.
