//! What the binary embeds: Tauri packs every file under `build.frontendDist` (ui/) into it, so
//! that folder holds the app and nothing else. The browser preview with its mock backend, the
//! UI's tests and its guide live in ui-dev/.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Whether `rel` (a path under the shipped folder, `/`-separated) belongs in the app: the page,
/// its icon, stylesheets under css/ and modules under js/, none of them dev-only or a test.
fn ships(rel: &str) -> bool {
    let app_file = rel == "index.html"
        || rel == "favicon.svg"
        || (rel.starts_with("css/") && rel.ends_with(".css"))
        || (rel.starts_with("js/") && rel.ends_with(".js"));
    let dev_or_test = rel.split('/').any(|part| {
        let part = part.to_ascii_lowercase();
        matches!(part.as_str(), "dev" | "test" | "tests" | "__tests__")
            || ["mock", "preview", "fixture", ".test.", ".spec."]
                .iter()
                .any(|word| part.contains(word))
    });
    app_file && !dev_or_test
}

#[test]
fn the_rule_tells_app_files_from_dev_and_test_files() {
    for rel in [
        "index.html",
        "favicon.svg",
        "css/base.css",
        "css/screens/pin.css",
        "js/main.js",
    ] {
        assert!(ships(rel), "{rel}");
    }
    for rel in [
        "README.md",
        "dev/preview.html",
        "dev/mock-tauri.js",
        "js/mock-tauri.js",
        "tests/i18n.test.mjs",
        "js/i18n.test.js",
        "js/tests/bus.js",
        "preview.html",
        "css/notes.txt",
    ] {
        assert!(!ships(rel), "{rel}");
    }
}

#[test]
fn the_shipped_ui_folder_holds_only_the_app() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conf: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tauri.conf.json")).expect("tauri.conf.json"),
    )
    .expect("tauri.conf.json is JSON");
    let dist = root.join(
        conf["build"]["frontendDist"]
            .as_str()
            .expect("frontendDist"),
    );
    let mut files = Vec::new();
    files_under(&dist, &mut files);
    let rel: Vec<String> = files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&dist).expect("under the folder");
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert!(rel.iter().any(|r| r == "index.html"), "{rel:?}");
    assert!(rel.iter().any(|r| r == "js/main.js"), "{rel:?}");
    let stray: Vec<&String> = rel.iter().filter(|r| !ships(r)).collect();
    assert!(
        stray.is_empty(),
        "not part of the app, yet {} would embed it in the binary: {stray:?}",
        dist.display()
    );
}
