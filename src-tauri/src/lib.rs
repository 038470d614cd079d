use tauri::{Builder, Runtime, WebviewUrl, WebviewWindowBuilder};

pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_store::Builder::default().build())
        .setup(|app| {
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                .title("ACSES Kiosk")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
}

pub fn run() {
    build_app(Builder::default())
        .run(tauri::generate_context!())
        .expect("error while running the kiosk");
}
