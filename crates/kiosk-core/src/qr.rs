//! The PIN as a QR code, for the staff's hand scanners.
//!
//! The QR content is exactly the PIN characters, nothing else (no URL, no prefix): the scanners at
//! the counter act as keyboards and type what they read, and what they type must be what the ACSES
//! keypad expects.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::KioskError;

/// Quiet zone in modules around the code: 4 is what the QR standard asks for, and what the
/// renderer draws for a (non-micro) QR code.
const QUIET_ZONE: usize = 4;

/// The PIN's QR code.
fn pin_qr_code(pin: &str) -> Result<QrCode, KioskError> {
    if pin.is_empty() || pin.len() > 64 || !pin.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(KioskError::internal());
    }
    // Level M survives a scratched or glare-struck screen and still fits a 6-10 digit PIN in
    // the smallest (21x21) symbol.
    QrCode::with_error_correction_level(pin.as_bytes(), EcLevel::M)
        .map_err(|_| KioskError::internal())
}

/// An inline `<svg>` of the PIN's QR code, drawn by the `qrcode` crate: dark on white with a
/// quiet zone, one unit per module in a fixed viewBox, and crisp edges so scaling never blurs a
/// module.
pub fn pin_qr_svg(pin: &str) -> Result<String, KioskError> {
    let code = pin_qr_code(pin)?;
    let side = code.width() + 2 * QUIET_ZONE;
    let file = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // The renderer writes a standalone file: an XML prolog, and a size of one pixel per module.
    // Inline in the page neither fits: the prolog goes, and `width`/`height` become 100% so the
    // CSS box decides the size (the viewBox keeps the proportions).
    let inline = &file[file.find("<svg").unwrap_or(0)..];
    Ok(inline.replacen(
        &format!(r#" width="{side}" height="{side}""#),
        r#" width="100%" height="100%""#,
        1,
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
        // One rectangle per subpath: "Mx yhWvH..." (what follows the height only walks back).
        for cmd in d.split('M').filter(|c| !c.is_empty()) {
            let (xy, rest) = cmd.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let (w, rest) = rest.split_once('v').unwrap();
            let w: usize = w.parse().unwrap();
            let h: usize = rest
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap();
            for yy in y * scale..(y + h) * scale {
                for xx in x * scale..(x + w) * scale {
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
        let width = pin_qr_code("123456").unwrap().width();
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
