//! The workspace's `rust-version` is true: every crate of the workspace declares it, and no locked
//! dependency asks for a newer Rust. Clippy's `incompatible_msrv` lint checks the standard
//! library APIs the code uses against the same number.
//!
//! What neither can show is a build with that Rust itself: only one toolchain is installed where
//! the tests run, and none can be downloaded, so the declared version is checked, not built with.

use std::process::Command;

use serde_json::Value;

/// `"1.90"` or `"1.90.1"` as `(1, 90, 1)`.
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text
        .split('.')
        .map(|p| p.parse().unwrap_or_else(|_| panic!("bad version {text:?}")));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// `cargo metadata` of the workspace, with the versions the lock file pins. It needs every
/// locked package's manifest, also those only other systems build with: the first run may
/// download them.
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

#[test]
fn rust_version_is_declared_by_every_crate_and_enough_for_every_dependency() {
    let declared = env!("CARGO_PKG_RUST_VERSION");
    assert!(
        !declared.is_empty(),
        "the root package declares no rust-version"
    );
    let meta = metadata();
    let members: Vec<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    let mut undeclared = Vec::new();
    let mut too_new = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let wanted = package["rust_version"].as_str();
        if members.contains(&package["id"].as_str().unwrap()) {
            if wanted != Some(declared) {
                undeclared.push(format!("{name}: {wanted:?}"));
            }
        } else if let Some(wanted) = wanted.filter(|w| version(w) > version(declared)) {
            too_new.push(format!("{name} {}: {wanted}", package["version"]));
        }
    }
    assert!(
        undeclared.is_empty(),
        "crates without `rust-version.workspace = true` ({declared}): {undeclared:?}"
    );
    assert!(
        too_new.is_empty(),
        "locked dependencies that need a newer Rust than rust-version {declared}: {too_new:?}"
    );
    // The check sees something: the workspace has dependencies that declare a rust-version.
    assert!(meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| !members.contains(&p["id"].as_str().unwrap()) && p["rust_version"].is_string()));
}

#[test]
fn versions_compare_by_number() {
    assert!(version("1.90") > version("1.80"));
    assert!(version("1.100") > version("1.90"));
    assert!(version("1.90.1") > version("1.90"));
    assert_eq!(version("1.90"), version("1.90.0"));
}
