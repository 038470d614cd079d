//! Integration tests, one binary (faster to link than one per file).

mod serde_models;
