//! How WebKit should draw on this machine, decided before the web view starts.
//!
//! WebKitGTK composites the page with OpenGL. A kiosk PC without a GPU (or a VM) gets Mesa's
//! software OpenGL (llvmpipe) instead, and then compositing costs more than it saves: measured on
//! a 2-core machine without a GPU (docs/PERFORMANCE.md), it made the web process 115 MiB bigger,
//! the first PIN after a start took 1.5 s instead of 0.2 s to paint (shaders compiled on the
//! CPU), and a waiting PIN's spinner used more CPU. So without a GPU render node the kiosk asks
//! WebKit for its plain software path. Whoever sets `WEBKIT_DISABLE_COMPOSITING_MODE` themselves
//! (to `0` to keep compositing, for instance) is obeyed.

use std::ffi::OsStr;
use std::path::Path;

/// The variable WebKitGTK reads once, when its first web view starts.
pub const COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Where Linux lists GPU render nodes (`renderD128`, ...).
pub const DRI_DIR: &str = "/dev/dri";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// A GPU is there: WebKit's default (composited with OpenGL).
    Gpu,
    /// No GPU: set [`COMPOSITING_VAR`] to `1` before the web view starts.
    SoftwareOnly,
    /// The variable was set by the user or the service unit: left as it is.
    AsConfigured,
}

impl Compositing {
    /// What to set in the environment, if anything.
    pub fn env(self) -> Option<(&'static str, &'static str)> {
        (self == Compositing::SoftwareOnly).then_some((COMPOSITING_VAR, "1"))
    }
}

/// The choice for a machine whose variable is `configured` and with `render_nodes` GPU render
/// nodes.
pub fn choose(configured: Option<&OsStr>, render_nodes: usize) -> Compositing {
    match (configured, render_nodes) {
        (Some(_), _) => Compositing::AsConfigured,
        (None, 0) => Compositing::SoftwareOnly,
        (None, _) => Compositing::Gpu,
    }
}

/// How many GPU render nodes `dir` lists (0 when it does not exist).
pub fn render_nodes(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("renderD"))
                .count()
        })
        .unwrap_or(0)
}

/// The choice for this machine, from its environment and [`DRI_DIR`].
pub fn detect() -> Compositing {
    choose(
        std::env::var_os(COMPOSITING_VAR).as_deref(),
        render_nodes(Path::new(DRI_DIR)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_only_without_a_render_node_unless_configured() {
        assert_eq!(choose(None, 0), Compositing::SoftwareOnly);
        assert_eq!(choose(None, 0).env(), Some((COMPOSITING_VAR, "1")));
        assert_eq!(choose(None, 1), Compositing::Gpu);
        assert_eq!(choose(None, 1).env(), None);
        for value in ["0", "1", ""] {
            let c = choose(Some(OsStr::new(value)), 0);
            assert_eq!(c, Compositing::AsConfigured, "{value:?}");
            assert_eq!(c.env(), None);
        }
    }

    #[test]
    fn render_nodes_counts_only_render_nodes() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(render_nodes(&dir.path().join("missing")), 0);
        assert_eq!(render_nodes(dir.path()), 0);
        for name in ["card0", "by-path", "renderD128", "renderD129"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        assert_eq!(render_nodes(dir.path()), 2);
    }
}
