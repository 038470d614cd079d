//! Integration tests, one binary (faster to link than one per file).

mod common;
mod endpoints;
mod errors;
mod logging;
mod props;
mod retry;
mod serde_models;
