//! The sweep's two charts, drawn by plotters into SVG text: the hit rate per variant with its
//! 95% Wilson interval, and the distribution of steps to hang of the failing seeds. The numbers
//! come from sim-core's `Tally`; this only draws them. The sweep worker draws them and sends the
//! SVG with its report, so plotters is in the worker's wasm and not in the page's.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim_core::sweep::Tally;

use sim_core::describe::thousands;

use crate::sweep::Rgb;

/// A variant's results, as drawn.
pub struct Series<'a> {
    pub variant: &'a str,
    pub colour: Rgb,
    pub tally: &'a Tally,
}

const SIZE: (u32, u32) = (640, 400);
/// The height of the band above a chart that holds its title.
const TITLE_BAND: i32 = 40;
const FONT: &str = "sans-serif";
const GRID: RGBColor = RGBColor(0xdd, 0xde, 0xd8);
const INK: RGBColor = RGBColor(0x1c, 0x22, 0x30);

type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;

fn rgb(Rgb(r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}
type Failure = DrawingAreaErrorKind<std::io::Error>;

/// Draw into an SVG string, under `title`.
///
/// Nothing here asks plotters for the size of a text: in wasm, plotters measures text in the
/// page's DOM, and the charts are drawn in a worker, which has none. So the title is drawn
/// centred in a band of its own (not with `caption` or `titled`), the legend is drawn by
/// [`legend`], and no labels are on the right of a chart (the only tick labels plotters
/// measures).
fn svg(title: &str, draw: impl FnOnce(&Area) -> Result<(), Failure>) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (band, body) = root.split_vertically(TITLE_BAND);
        let centre = Pos::new(HPos::Center, VPos::Center);
        let style = TextStyle::from((FONT, 20).into_font()).color(&INK).pos(centre);
        band.draw_text(title, &style, (SIZE.0 as i32 / 2, TITLE_BAND / 2 + 4)).map_err(|e| e.to_string())?;
        draw(&body).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A key of the variants' colours in the upper right corner of `area`: each name right-aligned,
/// its swatch after it. The white box behind is as wide as the longest name at 0.6 em a
/// character, an estimate, since a worker cannot measure text.
fn legend(area: &Area, entries: &[(&str, RGBColor)]) -> Result<(), Failure> {
    const SIZE_PX: i32 = 15;
    const LINE: i32 = 22;
    let (w, _) = area.dim_in_pixel();
    let right = w as i32 - 24;
    let longest = entries.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0) as i32;
    let text_w = longest * SIZE_PX * 6 / 10;
    let (top, bottom) = (8, 8 + LINE * entries.len() as i32 + 6);
    area.draw(&Rectangle::new([(right - text_w - 34, top), (right + 8, bottom)], WHITE.mix(0.9).filled()))?;
    area.draw(&Rectangle::new([(right - text_w - 34, top), (right + 8, bottom)], GRID))?;
    let style = TextStyle::from((FONT, SIZE_PX).into_font()).color(&INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, (name, colour)) in entries.iter().enumerate() {
        let y = top + 4 + LINE * i as i32 + LINE / 2;
        area.draw_text(name, &style, (right - 22, y))?;
        area.draw(&Rectangle::new([(right - 14, y - 6), (right, y + 6)], colour.filled()))?;
    }
    Ok(())
}

/// The variants' axis: n slots, value `i` at the middle of slot `i`, a label at each slot only.
struct Slots(u32);

impl Ranged for Slots {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = (value + 0.5) / f64::from(self.0.max(1));
        limit.0 + (f64::from(limit.1 - limit.0) * fraction + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        (0..self.0).map(f64::from).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..f64::from(self.0) - 0.5
    }
}

/// A percentage with as many decimals as its scale needs.
fn percent(v: f64, top: f64) -> String {
    let decimals = if top < 0.1 {
        3
    } else if top < 2.0 {
        2
    } else if top < 20.0 {
        1
    } else {
        0
    };
    format!("{v:.decimals$}%")
}

/// Bars of the hit rate per variant, with whiskers for the 95% Wilson interval, and the counts.
pub fn hit_rates(title: &str, series: &[Series]) -> Result<String, String> {
    svg(title, |root| {
        let n = series.len().max(1) as u32;
        let highest = series.iter().map(|s| 100.0 * s.tally.wilson95().1).fold(0.0f64, f64::max);
        // Room above the highest whisker for its two labels.
        let top = (highest * 1.3).max(0.01);
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(78)
            .build_cartesian_2d(Slots(n), 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .x_labels(n as usize + 1)
            .x_label_formatter(&|x| series.get(x.round() as usize).map_or(String::new(), |s| s.variant.to_string()))
            .y_label_formatter(&|y| percent(*y, top))
            .x_label_style((FONT, 16).into_font().color(&INK))
            .y_label_style((FONT, 15).into_font().color(&INK))
            .axis_desc_style((FONT, 16).into_font().color(&INK))
            .x_desc("variant")
            .y_desc("seeds that lose a wakeup")
            .draw()?;
        // Bars about a sixth of the plot wide at most, narrower as variants are added.
        let half = 0.32 * (f64::from(n) / 3.0).min(1.0);
        let label =
            |size| TextStyle::from((FONT, size).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, s) in series.iter().enumerate() {
            let x = i as f64;
            let (lo, hi) = s.tally.wilson95();
            let (lo, hi, rate) = (100.0 * lo, 100.0 * hi, 100.0 * s.tally.hit_rate());
            chart
                .draw_series([Rectangle::new([(x - half, 0.0), (x + half, rate)], rgb(s.colour).mix(0.85).filled())])?;
            let at = |y| (x, y);
            let whisker = INK.stroke_width(2);
            chart.draw_series([PathElement::new(vec![at(lo), at(hi)], whisker)])?;
            for y in [lo, hi] {
                chart.draw_series([EmptyElement::at(at(y)) + PathElement::new(vec![(-10, 0), (10, 0)], whisker)])?;
            }
            chart.draw_series([EmptyElement::at(at(hi))
                + Text::new(percent(rate, top), (0, -24), label(17))
                + Text::new(
                    format!("{} of {}", thousands(s.tally.lost_wakeup), thousands(s.tally.seeds)),
                    (0, -5),
                    label(15),
                )])?;
        }
        Ok(())
    })
}

/// Histogram of the step counts of the runs that lost a wakeup, one bar per variant per bin.
pub fn steps_to_hang(title: &str, series: &[Series]) -> Result<String, String> {
    let failing: Vec<&Series> = series.iter().filter(|s| !s.tally.steps_to_hang.is_empty()).collect();
    let lo = failing.iter().filter_map(|s| s.tally.steps_to_hang.keys().next()).min().copied();
    let hi = failing.iter().filter_map(|s| s.tally.steps_to_hang.keys().next_back()).max().copied();
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return svg(title, |root| {
            let (w, h) = root.dim_in_pixel();
            let style = TextStyle::from((FONT, 18).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new("No seed lost a wakeup: no run hangs.", (w as i32 / 2, h as i32 / 2), style))
        });
    };
    // At most 40 bins: one per step count when they fit.
    let width = (hi - lo) / 40 + 1;
    let bins = ((hi - lo) / width + 1) as usize;
    let counts: Vec<Vec<u64>> = failing
        .iter()
        .map(|s| {
            let mut c = vec![0u64; bins];
            for (&steps, &runs) in &s.tally.steps_to_hang {
                c[((steps - lo) / width) as usize] += runs;
            }
            c
        })
        .collect();
    let most = counts.iter().flatten().copied().max().unwrap_or(0);
    // Bin b holds step counts lo + b*width ..= lo + (b+1)*width - 1, drawn on [start - 0.5, end + 0.5).
    let left = f64::from(lo) - 0.5;
    let right = f64::from(lo) + (bins as u32 * width) as f64 - 0.5;
    let pad = ((12.0 - (right - left)) / 2.0).max(0.0) + 0.5;
    svg(title, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d((left - pad)..(right + pad), 0u64..(most + (most / 8).max(1)))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_label_style((FONT, 15).into_font().color(&INK))
            .y_label_style((FONT, 15).into_font().color(&INK))
            .axis_desc_style((FONT, 16).into_font().color(&INK))
            .x_desc(if width == 1 {
                "steps until the run hangs".to_string()
            } else {
                format!("steps until the run hangs (bins of {width})")
            })
            .y_desc("failing seeds")
            .draw()?;
        let k = failing.len() as f64;
        for (j, (s, c)) in failing.iter().zip(&counts).enumerate() {
            let colour = rgb(s.colour);
            let bars = c.iter().enumerate().filter(|(_, &n)| n > 0).map(|(b, &n)| {
                // The bin's variants side by side in the middle 90% of the bin.
                let (w, x0) = (0.9 * f64::from(width), f64::from(lo) + (b as u32 * width) as f64 - 0.45);
                Rectangle::new(
                    [(x0 + w * j as f64 / k, 0), (x0 + w * (j as f64 + 1.0) / k, n)],
                    colour.mix(0.85).filled(),
                )
            });
            chart.draw_series(bars)?;
        }
        let entries: Vec<(&str, RGBColor)> = failing.iter().map(|s| (s.variant, rgb(s.colour))).collect();
        legend(&chart.plotting_area().strip_coord_spec(), &entries)
    })
}

/// Both charts of a sweep, as the page shows them.
pub fn both(scenario: &str, strategy: &str, series: &[Series]) -> (Result<String, String>, Result<String, String>) {
    let title = format!("{scenario}, {strategy}: lost-wakeup rate (95% interval)");
    (hit_rates(&title, series), steps_to_hang("Steps to hang of the failing seeds", series))
}
