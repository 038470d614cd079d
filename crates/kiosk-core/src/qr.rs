//! The PIN as a QR code, for the staff's hand scanners.
//!
//! The QR content is exactly the PIN characters, nothing else (no URL, no prefix): the scanners at
//! the counter act as keyboards and type what they read, and what they type must be what the ACSES
//! keypad expects.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

use crate::error::KioskError;

/// Quiet zone in modules around the code: 4 is what the QR standard asks for.
const QUIET_ZONE: usize = 4;

/// The module matrix of the PIN's QR code, row by row, `true` = dark. Shared by the SVG renderer
/// and the tests that decode it.
pub fn pin_qr_matrix(pin: &str) -> Result<(usize, Vec<bool>), KioskError> {
    if pin.is_empty() || pin.len() > 64 || !pin.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KioskError::internal());
    }
    // Level M survives a scratched or glare-struck screen and still fits a 6-10 digit PIN in
    // the smallest (21x21) symbol.
    let code = QrCode::with_error_correction_level(pin.as_bytes(), EcLevel::M)
        .map_err(|_| KioskError::internal())?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((width, dark))
}

/// An inline `<svg>` of the PIN's QR code: dark on white with a quiet zone, one unit per module
/// in a fixed viewBox, `width`/`height` 100% so the CSS box decides the size, and crisp edges so
/// scaling never blurs a module.
pub fn pin_qr_svg(pin: &str) -> Result<String, KioskError> {
    let (width, dark) = pin_qr_matrix(pin)?;
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::with_capacity(width * width * 4);
    for y in 0..width {
        let row = &dark[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            // One rectangle per horizontal run of dark modules keeps the path short.
            let start = x;
            while x < width && row[x] {
                x += 1;
            }
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE,
                x - start,
                x - start
            );
        }
    }
    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" width="100%" height="100%""#,
            r#" shape-rendering="crispEdges" role="img" aria-label="QR code">"#,
            r##"<rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{p}"/></svg>"##
        ),
        s = size,
        p = path
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rasterizes the SVG's own path (not the matrix) so the test checks what the UI will show.
    fn rasterize_svg(svg: &str, scale: usize) -> (usize, Vec<u8>) {
        let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let size: usize = view.split(' ').next().unwrap().parse().unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let px = size * scale;
        let mut img = vec![255u8; px * px];
        for cmd in d.split('M').filter(|c| !c.is_empty()) {
            // "x yhNv1h-Nz"
            let (xy, rest) = cmd.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let n: usize = rest.split('v').next().unwrap().parse().unwrap();
            for yy in y * scale..(y + 1) * scale {
                for xx in x * scale..(x + n) * scale {
                    img[yy * px + xx] = 0;
                }
            }
        }
        (px, img)
    }

    fn decode(px: usize, img: &[u8]) -> String {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| img[y * px + x]);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code expected");
        let (_, content) = grids[0].decode().unwrap();
        content
    }

    #[test]
    fn svg_decodes_to_exactly_the_pin() {
        for pin in ["1234", "004711", "9876543210", "12345678901234567890"] {
            let svg = pin_qr_svg(pin).unwrap();
            let (px, img) = rasterize_svg(&svg, 6);
            assert_eq!(decode(px, &img), pin);
        }
    }

    #[test]
    fn svg_has_quiet_zone_fixed_viewbox_and_no_pixel_size() {
        let svg = pin_qr_svg("123456").unwrap();
        let (width, _) = pin_qr_matrix("123456").unwrap();
        assert!(
            svg.starts_with("<svg "),
            "inline svg, no XML prolog: {svg:.60}"
        );
        let side = width + 2 * QUIET_ZONE;
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
        assert!(svg.contains("width=\"100%\" height=\"100%\""));
        assert!(svg.contains("crispEdges"));
        // The quiet zone is white: no dark module starts left of/above it.
        let (px, img) = rasterize_svg(&svg, 1);
        for i in 0..px {
            for j in 0..QUIET_ZONE {
                assert_eq!(img[j * px + i], 255, "top quiet zone dark at {i},{j}");
                assert_eq!(img[i * px + j], 255, "left quiet zone dark at {j},{i}");
                assert_eq!(img[(px - 1 - j) * px + i], 255, "bottom quiet zone dark");
                assert_eq!(img[i * px + (px - 1 - j)], 255, "right quiet zone dark");
            }
        }
    }

    #[test]
    fn different_pins_give_different_codes() {
        assert_ne!(pin_qr_svg("123456").unwrap(), pin_qr_svg("123457").unwrap());
    }

    #[test]
    fn refuses_empty_or_odd_pins() {
        assert!(pin_qr_svg("").is_err());
        assert!(pin_qr_svg("12 34").is_err());
        assert!(pin_qr_svg(&"1".repeat(65)).is_err());
    }
}
