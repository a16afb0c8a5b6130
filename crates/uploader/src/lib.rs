//! mb-uploader: placeholder, filled in by its issue.
