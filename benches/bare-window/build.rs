fn main() {
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new()) {
        // A build script reports by failing the build.
        panic!("tauri-build failed: {e:#}");
    }
}
