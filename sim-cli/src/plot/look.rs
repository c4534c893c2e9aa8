//! How a series looks: its colour, dash and marker, and the lines and markers drawn with them.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// Okabe and Ito's colour-blind-safe qualitative palette (2008) without its yellow, which is
/// unreadable on white: blue, vermillion, bluish green, reddish purple, orange, black.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x00, 0x00),
];

/// After the six colours, the same colours dashed, dotted, in long dashes, in sparse dashes and in
/// sparse dots: (dash, gap) in pixels.
pub(super) const DASHES: [Option<(u32, u32)>; 6] =
    [None, Some((9, 5)), Some((2, 4)), Some((18, 6)), Some((5, 11)), Some((2, 10))];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
    Cross,
}

const MARKERS: [Marker; 6] =
    [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond, Marker::TriangleDown, Marker::Cross];

/// How series `i` is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Look {
    pub(super) colour: RGBColor,
    pub(super) dash: Option<(u32, u32)>,
    pub(super) marker: Option<Marker>,
}

pub(super) fn look(i: usize, with_marker: bool) -> Look {
    Look {
        colour: PALETTE[i % PALETTE.len()],
        dash: DASHES[(i / PALETTE.len()) % DASHES.len()],
        marker: with_marker.then_some(MARKERS[i % MARKERS.len()]),
    }
}

/// A polyline in pixels, solid or dashed.
pub(super) fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    look: Look,
    width: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = ShapeStyle::from(look.colour).stroke_width(width);
    match look.dash {
        None => area.draw(&PathElement::new(points.to_vec(), style)),
        Some((dash, gap)) => area.draw(&DashedPathElement::new(points.to_vec(), dash, gap, style)),
    }
}

/// A marker centred at `at`, in pixels.
pub(super) fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    m: Marker,
    colour: RGBColor,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let fill = colour.filled();
    let r = 5;
    match m {
        Marker::Circle => area.draw(&Circle::new((x, y), r, fill)),
        Marker::Square => area.draw(&Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], fill)),
        Marker::Triangle => area.draw(&Polygon::new(vec![(x, y - 6), (x + 6, y + 4), (x - 6, y + 4)], fill)),
        Marker::TriangleDown => area.draw(&Polygon::new(vec![(x, y + 6), (x + 6, y - 4), (x - 6, y - 4)], fill)),
        Marker::Diamond => area.draw(&Polygon::new(vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)], fill)),
        Marker::Cross => {
            let s = ShapeStyle::from(colour).stroke_width(3);
            area.draw(&PathElement::new(vec![(x - 5, y - 5), (x + 5, y + 5)], s))?;
            area.draw(&PathElement::new(vec![(x - 5, y + 5), (x + 5, y - 5)], s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sRGB to CIE L*a*b* (D65).
    fn lab(c: (f64, f64, f64)) -> (f64, f64, f64) {
        let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
        let (r, g, b) = c;
        let (x, y, z) = (
            0.4124 * r + 0.3576 * g + 0.1805 * b,
            0.2126 * r + 0.7152 * g + 0.0722 * b,
            0.0193 * r + 0.1192 * g + 0.9505 * b,
        );
        let (fx, fy, fz) = (f(x / 0.95047), f(y), f(z / 1.08883));
        (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))
    }

    fn linear(c: RGBColor) -> (f64, f64, f64) {
        let l = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        (l(c.0), l(c.1), l(c.2))
    }

    /// Machado, Oliveira and Fernandes (2009), severity 1, in linear RGB.
    fn simulate(m: &[[f64; 3]; 3], (r, g, b): (f64, f64, f64)) -> (f64, f64, f64) {
        let row = |i: usize| (m[i][0] * r + m[i][1] * g + m[i][2] * b).clamp(0.0, 1.0);
        (row(0), row(1), row(2))
    }

    fn delta_e(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
        let (la, lb) = (lab(a), lab(b));
        ((la.0 - lb.0).powi(2) + (la.1 - lb.1).powi(2) + (la.2 - lb.2).powi(2)).sqrt()
    }

    #[test]
    fn the_palette_tells_six_series_apart_on_white() {
        let deutan = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]];
        let protan =
            [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]];
        let tritan =
            [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]];
        for (i, &a) in PALETTE.iter().enumerate() {
            // Against white: no pale colour such as the yellow Palette99 gave the third series.
            let (r, g, b) = linear(a);
            let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            assert!(1.05 / (luminance + 0.05) >= 2.2, "colour {i} on white: {:.2}:1", 1.05 / (luminance + 0.05));
            for &b in &PALETTE[i + 1..] {
                // CIE76 ΔE: 33 at least between these six; 16 at least under each colour-vision
                // deficiency (plus the dashes and markers).
                let (la, lb) = (linear(a), linear(b));
                assert!(delta_e(la, lb) >= 30.0, "{a:?} {b:?}: ΔE {:.1}", delta_e(la, lb));
                for m in [&deutan, &protan, &tritan] {
                    let d = delta_e(simulate(m, la), simulate(m, lb));
                    assert!(d >= 15.0, "{a:?} {b:?} with a colour-vision deficiency: ΔE {d:.1}");
                }
            }
        }
        // Seven or more series: colours repeat, dashed.
        assert_eq!(look(0, false).dash, None);
        assert_eq!(look(6, false).colour, look(0, false).colour);
        assert_ne!(look(6, false).dash, look(0, false).dash);
        assert_ne!(look(1, true).marker, look(0, true).marker);
    }
}
