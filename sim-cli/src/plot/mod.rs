//! Sweep plots (plotters): the hit rate per group with its 95% interval, or the hit rate against
//! a swept parameter, and the distribution of steps to hang. When the longest hold of a queue's
//! lock (`queue_lock_max_hold`) differs between the groups of a swept parameter, a row below
//! draws it against that parameter, one line per series (the bookmark walk of §2.4 keeps it flat).
//!
//! Readability rules, the same in SVG and PNG (both lay text out with the same TrueType font,
//! and the SVG names that font's family):
//! - series and legends in the order of their parameter values as numbers (20 before 100);
//! - the Okabe–Ito colours without the yellow, then dashes, and a marker per series, so that
//!   3 to 6 series stay apart, also for colour-blind readers;
//! - ticks at round values; counts have integer ticks, and a label has only the decimals its
//!   tick step needs ("2", "0.05", never "2.0");
//! - labels never overlap: tick labels are measured and thinned, bar labels turn vertical (and
//!   then thin) when they do not fit side by side, and each panel's legend sits below its chart;
//! - what every group shares (capacity=2 writers=1 writes=4) is said once, under the title.

mod axes;
mod chart;
mod labels;
mod layout;
mod look;
mod order;
mod plan;

use std::path::Path;

use plotters::prelude::*;
use sim_core::sweep::Groups;
use sim_core::Error;

pub use labels::number;
pub use order::ordered;

use layout::{CHART, TITLE, WIDTH};
use plan::Plan;

pub enum Format {
    Svg,
    Png,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format, Error> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(Error::Invalid(format!("the plot {} must end in .svg or .png", path.display()))),
        }
    }
}

/// Where Debian keeps a TrueType font that plotters can lay text out with, and the CSS family
/// the SVG names for it, so that a browser draws the text the layout was measured with.
const FONTS: [(&str, &str); 3] = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVu Sans, sans-serif"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "Liberation Sans, Arial, sans-serif"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "DejaVu Sans, sans-serif"),
];

/// Register the first font found; its family name.
fn register_font() -> Result<&'static str, Error> {
    let (bytes, family) = FONTS.iter().find_map(|(p, f)| Some((std::fs::read(p).ok()?, *f))).ok_or_else(|| {
        let paths: Vec<&str> = FONTS.iter().map(|(p, _)| *p).collect();
        Error::Invalid(format!(
            "plots need a TrueType font; none of {} exists (apt-get install fonts-dejavu-core)",
            paths.join(", ")
        ))
    })?;
    // plotters keeps the font for the life of the process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(family, FontStyle::Normal, bytes)
        .map_err(|_| Error::Invalid("the TrueType font could not be read".into()))?;
    Ok(family)
}

/// Draw the sweep of `scenario`, whose variants are `variants` in its order (`ordered`).
pub fn draw(path: &Path, scenario: &str, variants: &[String], groups: &Groups) -> Result<(), Error> {
    if groups.is_empty() {
        return Err(Error::Invalid(format!("nothing to draw in {}: no seed was run", path.display())));
    }
    let family = register_font()?;
    let fail = |e: String| Error::Invalid(format!("cannot draw {}: {e}", path.display()));
    let plan = Plan::new(scenario, variants, groups, family);
    let row = TITLE + CHART + plan.legend_height();
    let size = (WIDTH, if plan.hold.is_some() { row + TITLE + CHART + plan.hold_legend_height() } else { row });
    match Format::of(path)? {
        Format::Svg => plan.draw(SVGBackend::new(path, size).into_drawing_area()).map_err(fail),
        Format::Png => plan.draw(BitMapBackend::new(path, size).into_drawing_area()).map_err(fail),
    }
}
