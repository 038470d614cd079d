//! A bare Tauri 2 window with one static page: what any Tauri app costs before it does anything.
//! docs/PERFORMANCE.md compares the kiosk's memory and start-up with it; the window is opened the
//! way the kiosk opens its own (same builder, same size), so the difference is the kiosk's.

use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    let result = tauri::Builder::default()
        .setup(|app| {
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                .title("Bare window")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("bare-window: {e}");
        std::process::exit(1);
    }
}
