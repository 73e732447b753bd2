//! Live capture, for real (placeholder).
