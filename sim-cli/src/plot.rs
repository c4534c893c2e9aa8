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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sim_core::sweep::{Groups, Tally};
use sim_core::Error;

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

// ---------------------------------------------------------------------------------------------
// Order

/// Two values: as numbers when both are, else as text with its runs of digits compared as
/// numbers.
fn value_cmp(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => natural_cmp(a, b),
    }
}

/// Text with its runs of digits compared as numbers: `v5.9` before `v5.10`, `x2` before `x10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let b = s.as_bytes();
        for i in 1..=b.len() {
            if i == b.len() || b[i].is_ascii_digit() != b[start].is_ascii_digit() {
                out.push((b[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (&(da, x), &(db, y)) in ra.iter().zip(&rb) {
        let o = if da && db {
            let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ra.len().cmp(&rb.len()).then_with(|| a.cmp(b))
}

/// Two parameter lists (`lockers=20 signals=1`), pair by pair: the name, then the value as a
/// number (`lockers=20` before `lockers=100`).
pub fn params_cmp(a: &str, b: &str) -> Ordering {
    let pairs = |s: &'_ str| -> Vec<(String, String)> {
        s.split_whitespace()
            .map(|p| p.split_once('=').map_or((p.to_string(), String::new()), |(k, v)| (k.into(), v.into())))
            .collect()
    };
    let (pa, pb) = (pairs(a), pairs(b));
    for ((ka, va), (kb, vb)) in pa.iter().zip(&pb) {
        let o = ka.cmp(kb).then_with(|| value_cmp(va, vb));
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

/// Groups by variant in `variants`' order (the scenario's: the bug, then its fixes, as the file
/// tells the story), a variant it does not name after those (`v5.9` before `v5.10`), then by
/// parameter values compared as numbers: the order of the summary, the bars, the series and the
/// legends.
pub fn ordered<'g>(groups: &'g Groups, variants: &[String]) -> Vec<(&'g (String, String), &'g Tally)> {
    let rank = |v: &str| variants.iter().position(|x| x == v).unwrap_or(variants.len());
    let mut v: Vec<_> = groups.iter().collect();
    v.sort_by(|((va, pa), _), ((vb, pb), _)| {
        rank(va).cmp(&rank(vb)).then_with(|| natural_cmp(va, vb)).then_with(|| params_cmp(pa, pb))
    });
    v
}

// ---------------------------------------------------------------------------------------------
// Colours, dashes, markers

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
const DASHES: [Option<(u32, u32)>; 6] = [None, Some((9, 5)), Some((2, 4)), Some((18, 6)), Some((5, 11)), Some((2, 10))];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
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
struct Look {
    colour: RGBColor,
    dash: Option<(u32, u32)>,
    marker: Option<Marker>,
}

fn look(i: usize, with_marker: bool) -> Look {
    Look {
        colour: PALETTE[i % PALETTE.len()],
        dash: DASHES[(i / PALETTE.len()) % DASHES.len()],
        marker: with_marker.then_some(MARKERS[i % MARKERS.len()]),
    }
}

// ---------------------------------------------------------------------------------------------
// Ticks

/// A round tick step (1, 2 or 5 times a power of ten; at least 1 for counts) that puts at
/// most `max` ticks on `lo..=hi`.
pub fn tick_step(lo: f64, hi: f64, max: usize, integer: bool) -> f64 {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let max = max.max(2) as f64;
    let mut step = 10f64.powf((span / max).log10().floor());
    loop {
        for m in [1.0, 2.0, 5.0] {
            let s = step * m;
            if (!integer || s >= 1.0) && (span / s).floor() + 1.0 <= max {
                return s;
            }
        }
        step *= 10.0;
    }
}

/// The multiples of `step` in `lo..=hi`.
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| round_to(k as f64 * step, step)).collect()
}

/// The decimals a tick step needs: 0 for 1, 2, 5, 10...; 1 for 0.5; 2 for 0.05.
fn decimals(step: f64) -> usize {
    let mut d = 0;
    while d < 12 && (step * 10f64.powi(d as i32)).fract().abs() > 1e-6 {
        d += 1;
    }
    d
}

fn round_to(v: f64, step: f64) -> f64 {
    let p = 10f64.powi(decimals(step) as i32);
    (v * p).round() / p
}

/// A tick's label with the decimals of its step: `tick_label(2.0, 1.0)` is "2", never "2.0".
pub fn tick_label(value: f64, step: f64) -> String {
    let s = format!("{:.*}", decimals(step), value);
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// Which labels to draw, centred at `centres` (pixels, increasing) with `widths`, so that no two
/// drawn labels come closer than `gap` pixels: greedy from the left.
pub fn thin(centres: &[f64], widths: &[f64], gap: f64) -> Vec<bool> {
    let mut keep = vec![false; centres.len()];
    let mut right = f64::NEG_INFINITY;
    for (i, (&c, &w)) in centres.iter().zip(widths).enumerate() {
        if c - w / 2.0 >= right + gap {
            keep[i] = true;
            right = c + w / 2.0;
        }
    }
    keep
}

/// A chart over the swept parameter, both axes ticked where the plot says.
type SweptChart<'b, DB> = ChartContext<'b, DB, Cartesian2d<Axis, Axis>>;

/// A linear axis with our ticks (plotters' own `WithKeyPoints` loses the f64 label formatter).
struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Axis {
        Axis { lo, hi, ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let f = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (f64::from(limit.1 - limit.0) * f + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

// ---------------------------------------------------------------------------------------------
// Labels

/// The `name=value` pairs every group has.
fn common_params(groups: &Groups) -> BTreeSet<String> {
    let mut sets = groups.keys().map(|(_, p)| p.split_whitespace().map(String::from).collect::<BTreeSet<_>>());
    let first = sets.next().unwrap_or_default();
    sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect())
}

/// What tells a group apart: its variant (when there are several, or nothing else differs) and
/// the parameters not every group shares.
fn group_label(variant: &str, params: &str, common: &BTreeSet<String>, variants: usize) -> String {
    let own: Vec<&str> = params.split_whitespace().filter(|p| !common.contains(*p)).collect();
    match (variants > 1 || own.is_empty(), own.is_empty()) {
        (true, true) => variant.to_string(),
        (true, false) => format!("{variant} {}", own.join(" ")),
        _ => own.join(" "),
    }
}

/// `1234567` as `1,234,567`.
pub fn number(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Layout

const WIDTH: u32 = 1400;
const PANEL: u32 = WIDTH / 2;
const TITLE: u32 = 58;
const CHART: u32 = 480;
const MARGIN: u32 = 16;
const Y_AREA: u32 = 72;
const TICK_FONT: f64 = 14.0;
const LEGEND_ROW: u32 = 22;
const SAMPLE: u32 = 30;

/// The width and height of `text` in `font`, as the backends lay it out.
fn text_size(font: &FontDesc, text: &str) -> (f64, f64) {
    font.box_size(text).map_or((7.0 * text.len() as f64, font.get_size()), |(w, h)| (f64::from(w), f64::from(h)))
}

/// A text, cut with an ellipsis to at most `max` pixels.
fn fit(font: &FontDesc, text: &str, max: f64) -> String {
    if text_size(font, text).0 <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>() + "…";
        if text_size(font, &s).0 <= max {
            return s;
        }
    }
    "…".into()
}

/// Legend entries laid out in rows of at most `width` pixels: (row, x) of each entry.
fn legend_rows(font: &FontDesc, labels: &[String], width: f64) -> Vec<(u32, f64)> {
    let (mut row, mut x) = (0, 0.0);
    labels
        .iter()
        .map(|l| {
            let w = f64::from(SAMPLE) + 6.0 + text_size(font, l).0;
            if x > 0.0 && x + w > width {
                (row, x) = (row + 1, 0.0);
            }
            let at = (row, x);
            x += w + 22.0;
            at
        })
        .collect()
}

/// One panel: a title, a subtitle, a chart and its legend, `width` pixels wide.
struct Panel {
    title: String,
    subtitle: String,
    legend: Vec<(String, Look)>,
    width: u32,
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

/// A line of the hit-rate chart: its label and its (parameter value, tally) points.
type Series<'a> = (String, Vec<(f64, &'a Tally)>);

/// What the figure shows, decided before anything is drawn.
struct Plan<'a> {
    family: &'static str,
    groups: Vec<(&'a (String, String), &'a Tally)>,
    /// Each group's label, in `groups` order.
    labels: Vec<String>,
    /// The parameter swept along the x axis of the left panel, and its series.
    against: Option<(String, Vec<Series<'a>>)>,
    /// How each group is drawn in the steps-to-hang panel (`None`: it lost no wakeup).
    hist: Vec<Option<Look>>,
    left: Panel,
    right: Panel,
    /// The row below, the whole width: the longest hold of a queue's lock against the swept
    /// parameter, when it differs between groups.
    hold: Option<Panel>,
}

impl<'a> Plan<'a> {
    fn new(scenario: &str, variants: &[String], groups: &'a Groups, family: &'static str) -> Plan<'a> {
        let ordered = ordered(groups, variants);
        let common = common_params(groups);
        let variants = groups.keys().map(|(v, _)| v).collect::<BTreeSet<_>>().len();
        let labels: Vec<String> = ordered.iter().map(|((v, p), _)| group_label(v, p, &common, variants)).collect();
        let seeds: BTreeSet<u64> = groups.values().map(|t| t.seeds).collect();
        let mut subtitle: Vec<String> = common.iter().cloned().collect();
        if let (1, Some(&n)) = (seeds.len(), seeds.first()) {
            subtitle.push(format!("{} seeds per group", number(n)));
        }
        let subtitle = subtitle.join("  ·  ");
        let against = varying_param(groups).map(|name| {
            let series = series_against(&ordered, &name, &common, variants);
            (name, series)
        });
        let left = match &against {
            Some((name, series)) => Panel {
                title: format!("{scenario}: lost-wakeup rate against {name} (95% interval)"),
                subtitle: subtitle.clone(),
                legend: series.iter().enumerate().map(|(i, (l, _))| (l.clone(), look(i, true))).collect(),
                width: PANEL,
            },
            None => Panel {
                title: format!("{scenario}: lost-wakeup rate per variant (95% Wilson interval)"),
                subtitle: subtitle.clone(),
                legend: Vec::new(),
                width: PANEL,
            },
        };
        // The same series, colours and markers as the hit rates above it.
        let holds: BTreeSet<u16> = groups.values().map(|t| t.queue_lock_max_hold).collect();
        let hold = against.as_ref().filter(|_| holds.len() > 1).map(|(name, _)| Panel {
            title: format!("{scenario}: longest hold of a queue's lock against {name}"),
            subtitle: "wake functions called in one hold, the most in any run. With a bookmark a walk stops at \
                       walk_break + 1: the kernel breaks once ++cnt > WAITQUEUE_WALK_BREAK_CNT (docs/kernel.md §2.4)"
                .into(),
            legend: left.legend.clone(),
            width: WIDTH,
        });
        // Steps to hang, one outline per group: coloured as the group's bar, or as its line on
        // the left with a dash per swept value when there are several lines.
        let hist: Vec<Option<Look>> = ordered
            .iter()
            .enumerate()
            .map(|(i, ((_, params), t))| {
                (t.lost_wakeup > 0).then(|| match &against {
                    Some((name, series)) if series.len() > 1 => {
                        let x = param_value(params, name).unwrap_or(0.0);
                        let line = series.iter().position(|(_, p)| p.iter().any(|(_, u)| std::ptr::eq(*u, *t)));
                        let value = swept_values(series).iter().position(|v| *v == x).unwrap_or(0);
                        Look {
                            colour: PALETTE[line.unwrap_or(0) % PALETTE.len()],
                            dash: DASHES[value % DASHES.len()],
                            marker: None,
                        }
                    }
                    _ => look(i, false),
                })
            })
            .collect();
        let right = Panel {
            title: "steps to hang (runs that lost a wakeup)".into(),
            subtitle: "runs per number of steps".into(),
            legend: labels.iter().zip(&hist).filter_map(|(l, h)| Some((l.clone(), (*h)?))).collect(),
            width: PANEL,
        };
        Plan { family, groups: ordered, labels, against, hist, left, right, hold }
    }

    fn font(&self, size: f64) -> FontDesc<'static> {
        FontDesc::new(FontFamily::Name(self.family), size, FontStyle::Normal)
    }

    /// The rows of a panel's legend.
    fn legend_rows(&self, p: &Panel) -> u32 {
        let labels: Vec<String> = p.legend.iter().map(|(l, _)| l.clone()).collect();
        legend_rows(&self.font(TICK_FONT), &labels, f64::from(p.width - 2 * MARGIN)).last().map_or(0, |(r, _)| r + 1)
    }

    /// The height of the legends' rows, the same under both panels so that their axes align.
    fn legend_height(&self) -> u32 {
        rows_height(self.legend_rows(&self.left).max(self.legend_rows(&self.right)))
    }

    fn hold_legend_height(&self) -> u32 {
        rows_height(self.hold.as_ref().map_or(0, |p| self.legend_rows(p)))
    }

    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let (left, right) = root.split_horizontally(PANEL);
        let chart_left = self.frame(&left, &self.left).map_err(err)?;
        match &self.against {
            Some((name, series)) => self.hit_rate_against(&chart_left, name, series).map_err(err)?,
            None => self.hit_rates(&chart_left).map_err(err)?,
        }
        let chart_right = self.frame(&right, &self.right).map_err(err)?;
        self.steps_to_hang(&chart_right).map_err(err)?;
        if let (Some(panel), Some((name, series))) = (&self.hold, &self.against) {
            let (_, below) = root.split_vertically(TITLE + CHART + self.legend_height());
            let chart = self.frame(&below, panel).map_err(err)?;
            self.hold_against(&chart, name, series).map_err(err)?;
        }
        root.present().map_err(err)
    }

    /// Title, subtitle and legend of a panel; the area left for its chart.
    fn frame<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (top, rest) = area.split_vertically(TITLE);
        let (chart, legend) = rest.split_vertically(CHART);
        let width = f64::from(panel.width - 2 * MARGIN);
        let title = self.font(20.0);
        top.draw_text(
            &fit(&title, &panel.title, width),
            &TextStyle::from(title.clone()).pos(Pos::new(HPos::Center, VPos::Top)),
            (panel.width as i32 / 2, 10),
        )?;
        let sub = self.font(14.0);
        top.draw_text(
            &fit(&sub, &panel.subtitle, width),
            &TextStyle::from(sub).color(&RGBColor(0x44, 0x44, 0x44)).pos(Pos::new(HPos::Center, VPos::Top)),
            (panel.width as i32 / 2, 36),
        )?;
        let font = self.font(TICK_FONT);
        let labels: Vec<String> = panel.legend.iter().map(|(l, _)| l.clone()).collect();
        for ((row, x), (label, look)) in legend_rows(&font, &labels, width).into_iter().zip(&panel.legend) {
            let (x, y) = ((f64::from(MARGIN) + x) as i32, (row * LEGEND_ROW + LEGEND_ROW / 2) as i32);
            line(&legend, &[(x, y), (x + SAMPLE as i32, y)], *look, 2)?;
            if let Some(m) = look.marker {
                marker(&legend, (x + SAMPLE as i32 / 2, y), m, look.colour)?;
            }
            let style = TextStyle::from(font.clone()).pos(Pos::new(HPos::Left, VPos::Center));
            legend.draw_text(label, &style, (x + SAMPLE as i32 + 6, y))?;
        }
        Ok(chart)
    }

    /// The y axis of hit rates in percent: a round top above every interval, its ticks.
    fn rate_axis(&self) -> (f64, f64) {
        let top = self.groups.iter().map(|(_, t)| 100.0 * t.wilson95().1).fold(0.0f64, f64::max).max(1e-3) * 1.05;
        let step = tick_step(0.0, top, 8, false);
        ((top / step).ceil() * step, step)
    }

    fn hit_rates<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let n = self.groups.len().max(1);
        let font = self.font(TICK_FONT);
        // Side by side when every label fits its bar's width; else vertical, cut to 170 pixels,
        // and every k-th when even vertical labels would touch.
        let spacing = f64::from(PANEL - 2 * MARGIN - Y_AREA) / n as f64;
        let widest = self.labels.iter().map(|l| text_size(&font, l).0).fold(0.0, f64::max);
        let flat = widest + 12.0 <= spacing;
        let labels: Vec<String> =
            if flat { self.labels.clone() } else { self.labels.iter().map(|l| fit(&font, l, 170.0)).collect() };
        let tall = labels.iter().map(|l| text_size(&font, l).0).fold(0.0, f64::max);
        let every = if flat { 1 } else { ((TICK_FONT + 4.0) / spacing).ceil().max(1.0) as usize };
        let (top, step) = self.rate_axis();
        let mut chart = ChartBuilder::on(area)
            .margin(MARGIN)
            .x_label_area_size(if flat { 34 } else { tall as u32 + 18 })
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(
                Axis::new(-0.5, n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
                Axis::new(0.0, top, ticks(0.0, top, step)),
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_label_style(font.clone())
            .y_label_style(font.clone())
            .x_label_formatter(&|x| {
                if flat {
                    labels.get(x.round() as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| tick_label(*y, step))
            .y_desc("seeds that lose a wakeup (%)")
            .axis_desc_style(self.font(15.0))
            .draw()?;
        for (i, (_, t)) in self.groups.iter().enumerate() {
            let (x, (lo, hi)) = (i as f64, t.wilson95());
            let colour = PALETTE[i % PALETTE.len()];
            chart.draw_series([Rectangle::new([(x - 0.3, 0.0), (x + 0.3, 100.0 * t.hit_rate())], colour.filled())])?;
            chart.draw_series([PathElement::new(vec![(x, 100.0 * lo), (x, 100.0 * hi)], BLACK.stroke_width(2))])?;
            for y in [lo, hi] {
                chart.draw_series([PathElement::new(
                    vec![(x - 0.1, 100.0 * y), (x + 0.1, 100.0 * y)],
                    BLACK.stroke_width(2),
                )])?;
            }
        }
        if !flat {
            // Vertical labels, reading upwards, ending at the axis.
            let (ax, ay) = area.get_base_pixel();
            let style = TextStyle::from(font.clone())
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Right, VPos::Center));
            for (i, label) in labels.iter().enumerate().step_by(every) {
                let (px, py) = chart.backend_coord(&(i as f64, 0.0));
                area.draw_text(label, &style, (px - ax, py - ay + 8))?;
            }
        }
        Ok(())
    }

    /// The axes of a value against the swept parameter `name`, in a panel `panel` wide: ticks at
    /// the swept values `xs` (padded by `pad` of their range), a label only where it does not touch
    /// the one before; y from 0 to `top` in ticks of `step`, described as `y_desc`.
    fn against_swept<'b, DB: DrawingBackend>(
        &self,
        area: &'b DrawingArea<DB, Shift>,
        (name, xs, pad, panel): (&str, &[f64], f64, u32),
        ((top, step), y_desc): ((f64, f64), &str),
    ) -> Result<SweptChart<'b, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
        let (x0, x1) = (xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(1.0));
        let pad = ((x1 - x0) * pad).max(0.5);
        let (left, right) = (x0 - pad, x1 + pad);
        let font = self.font(TICK_FONT);
        let width = f64::from(panel - 2 * MARGIN - Y_AREA);
        let centres: Vec<f64> = xs.iter().map(|x| (x - left) / (right - left) * width).collect();
        let widths: Vec<f64> = xs.iter().map(|x| text_size(&font, &format!("{x}")).0).collect();
        let shown: BTreeSet<u64> =
            thin(&centres, &widths, 8.0).iter().zip(xs).filter(|(k, _)| **k).map(|(_, x)| x.to_bits()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(MARGIN)
            .x_label_area_size(52)
            .y_label_area_size(Y_AREA)
            .build_cartesian_2d(Axis::new(left, right, xs.to_vec()), Axis::new(0.0, top, ticks(0.0, top, step)))?;
        chart
            .configure_mesh()
            .x_label_style(font.clone())
            .y_label_style(font)
            .x_label_formatter(&|x| if shown.contains(&x.to_bits()) { format!("{x}") } else { String::new() })
            .y_label_formatter(&|y| tick_label(*y, step))
            .x_desc(name)
            .y_desc(y_desc)
            .axis_desc_style(self.font(15.0))
            .draw()?;
        Ok(chart)
    }

    fn hit_rate_against<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        name: &str,
        series: &[Series],
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let xs = swept_values(series);
        let chart =
            self.against_swept(area, (name, &xs, 0.06, PANEL), (self.rate_axis(), "seeds that lose a wakeup (%)"))?;
        let plot = chart.plotting_area();
        let (bx, by) = plot.get_base_pixel();
        let pixels = plot.strip_coord_spec();
        let px = |x: f64, y: f64| {
            let (a, b) = chart.backend_coord(&(x, y));
            (a - bx, b - by)
        };
        let m = series.len() as f64;
        for (i, (_, points)) in series.iter().enumerate() {
            let look = look(i, true);
            // Several series side by side, a few pixels apart, so that equal rates (the fixes'
            // zeros) and their intervals do not hide one another.
            let dodge = ((i as f64 - (m - 1.0) / 2.0) * 6.0).round() as i32;
            let path: Vec<(i32, i32)> = points
                .iter()
                .map(|(x, t)| {
                    let (a, b) = px(*x, 100.0 * t.hit_rate());
                    (a + dodge, b)
                })
                .collect();
            line(&pixels, &path, look, 2)?;
            for (x, t) in points {
                let (lo, hi) = t.wilson95();
                let ((cx, ylo), (_, yhi)) = (px(*x, 100.0 * lo), px(*x, 100.0 * hi));
                let cx = cx + dodge;
                let bar = ShapeStyle::from(look.colour).stroke_width(1);
                pixels.draw(&PathElement::new(vec![(cx, ylo), (cx, yhi)], bar))?;
                for y in [ylo, yhi] {
                    pixels.draw(&PathElement::new(vec![(cx - 4, y), (cx + 4, y)], bar))?;
                }
                let (_, cy) = px(*x, 100.0 * t.hit_rate());
                marker(&pixels, (cx, cy), look.marker.unwrap_or(Marker::Circle), look.colour)?;
            }
        }
        Ok(())
    }

    /// The longest hold of a queue's lock (wake functions called in one hold) against the swept
    /// parameter: integer ticks on both axes, one line per series, dodged a few pixels apart so
    /// that equal holds stay visible.
    fn hold_against<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        name: &str,
        series: &[Series],
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let xs = swept_values(series);
        let most = self.groups.iter().map(|(_, t)| t.queue_lock_max_hold).max().unwrap_or(0);
        // One empty unit above the highest line, so that no line runs along the frame.
        let top = f64::from(most) + 1.0;
        let ystep = tick_step(0.0, top, 10, true);
        let chart = self.against_swept(area, (name, &xs, 0.04, WIDTH), ((top, ystep), "entries walked in one hold"))?;
        let plot = chart.plotting_area();
        let (bx, by) = plot.get_base_pixel();
        let pixels = plot.strip_coord_spec();
        let m = series.len() as f64;
        for (i, (_, points)) in series.iter().enumerate() {
            let look = look(i, true);
            let dodge = ((i as f64 - (m - 1.0) / 2.0) * 4.0).round() as i32;
            let path: Vec<(i32, i32)> = points
                .iter()
                .map(|(x, t)| {
                    let (a, b) = chart.backend_coord(&(*x, f64::from(t.queue_lock_max_hold)));
                    (a - bx, b - by + dodge)
                })
                .collect();
            line(&pixels, &path, look, 2)?;
            for &at in &path {
                marker(&pixels, at, look.marker.unwrap_or(Marker::Circle), look.colour)?;
            }
        }
        Ok(())
    }

    /// Steps to hang: how many steps the runs that lost a wakeup took, in up to 40 bins, drawn
    /// as one outline per group.
    fn steps_to_hang<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let all = self.groups.iter().flat_map(|(_, t)| t.steps_to_hang.keys().copied());
        let (lo, hi) = all.fold((u32::MAX, 0), |(a, b), s| (a.min(s), b.max(s)));
        let (lo, hi) = if lo > hi { (0, 1) } else { (lo, hi) };
        let width = (hi - lo + 1).div_ceil(40).max(1);
        let end = lo + (hi - lo) / width * width + width;
        let binned: Vec<BTreeMap<u32, u64>> = self
            .groups
            .iter()
            .map(|(_, t)| {
                let mut bins = BTreeMap::new();
                for (&s, &n) in &t.steps_to_hang {
                    *bins.entry(lo + (s - lo) / width * width).or_insert(0) += n;
                }
                bins
            })
            .collect();
        let most = binned.iter().flat_map(|b| b.values().copied()).max().unwrap_or(1) as f64;
        let none = self.hist.iter().all(Option::is_none);
        let ystep = tick_step(0.0, most * 1.05, 8, true);
        let top = (most * 1.05 / ystep).ceil() * ystep;
        let font = self.font(TICK_FONT);
        let plot_width = f64::from(PANEL - 2 * MARGIN - Y_AREA);
        // Integer x ticks, as many as fit side by side.
        let label_width = text_size(&font, &end.to_string()).0 + 14.0;
        // Half a bin of room at each end, so that no outline runs along an axis.
        let room = 0.5 + 0.5 * f64::from(width);
        let (x0, x1) = (f64::from(lo) - room, f64::from(end) - 1.0 + room);
        let xstep = tick_step(x0, x1, (plot_width / label_width).floor() as usize, true);
        let mut chart =
            ChartBuilder::on(area).margin(MARGIN).x_label_area_size(52).y_label_area_size(Y_AREA).build_cartesian_2d(
                Axis::new(x0, x1, if none { Vec::new() } else { ticks(x0, x1, xstep) }),
                Axis::new(0.0, top, if none { Vec::new() } else { ticks(0.0, top, ystep) }),
            )?;
        chart
            .configure_mesh()
            .x_label_style(font.clone())
            .y_label_style(font.clone())
            .x_label_formatter(&|x| tick_label(*x, xstep))
            .y_label_formatter(&|y| tick_label(*y, ystep))
            .x_desc("steps")
            .y_desc("runs that lost a wakeup")
            .axis_desc_style(self.font(15.0))
            .draw()?;
        let plot = chart.plotting_area();
        let (bx, by) = plot.get_base_pixel();
        let pixels = plot.strip_coord_spec();
        // Bin b holds the runs of b to b + width - 1 steps: drawn from b - 0.5 to b + width - 0.5.
        let px = |x: u32, y: u64| {
            let (a, b) = chart.backend_coord(&(f64::from(x) - 0.5, y as f64));
            (a - bx, b - by)
        };
        let drawn = self.hist.iter().flatten().count() as f64;
        if none {
            let (w, h) = pixels.dim_in_pixel();
            let style = TextStyle::from(self.font(16.0)).color(&RGBColor(0x44, 0x44, 0x44));
            let style = style.pos(Pos::new(HPos::Center, VPos::Center));
            pixels.draw_text("no run lost a wakeup", &style, (w as i32 / 2, h as i32 / 2))?;
        }
        let bin_px = plot_width * f64::from(width) / (x1 - x0);
        let spread = (0.3 * bin_px / drawn.max(1.0)).min(2.0);
        for (k, (bins, look)) in binned.iter().zip(&self.hist).filter_map(|(b, l)| Some((b, (*l)?))).enumerate() {
            // Outlines of the runs of non-empty bins, each from zero and back to zero, a pixel or
            // two apart so that equal edges of several groups stay visible.
            let dodge = ((k as f64 - (drawn - 1.0) / 2.0) * spread).round() as i32;
            let shift = |(x, y): (i32, i32)| (x + dodge, y);
            let mut b = lo;
            while b < end {
                if !bins.contains_key(&b) {
                    b += width;
                    continue;
                }
                let mut path = vec![shift(px(b, 0))];
                while let Some(&n) = bins.get(&b) {
                    path.push(shift(px(b, n)));
                    path.push(shift(px(b + width, n)));
                    b += width;
                }
                path.push(shift(px(b, 0)));
                line(&pixels, &path, look, 2)?;
            }
        }
        Ok(())
    }
}

/// The height of `rows` legend rows.
fn rows_height(rows: u32) -> u32 {
    if rows == 0 {
        0
    } else {
        rows * LEGEND_ROW + 10
    }
}

/// The swept values of the series, in order.
fn swept_values(series: &[Series]) -> Vec<f64> {
    let values: BTreeSet<u64> = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| x.to_bits())).collect();
    let mut xs: Vec<f64> = values.into_iter().map(f64::from_bits).collect();
    xs.sort_by(f64::total_cmp);
    xs
}

/// The parameter whose value differs between groups, if any.
fn varying_param(groups: &Groups) -> Option<String> {
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, params) in groups.keys() {
        for p in params.split_whitespace() {
            if let Some((k, v)) = p.split_once('=') {
                values.entry(k.into()).or_default().insert(v.into());
            }
        }
    }
    values.into_iter().find(|(_, v)| v.len() > 1).map(|(k, _)| k)
}

fn param_value(params: &str, name: &str) -> Option<f64> {
    params.split_whitespace().find_map(|p| p.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// One series per variant and value of the other parameters, in `ordered` groups' order.
fn series_against<'a>(
    ordered: &[(&'a (String, String), &'a Tally)],
    name: &str,
    common: &BTreeSet<String>,
    variants: usize,
) -> Vec<Series<'a>> {
    let mut series: Vec<Series<'a>> = Vec::new();
    for ((variant, params), t) in ordered {
        let Some(x) = param_value(params, name) else { continue };
        let rest: Vec<&str> = params.split_whitespace().filter(|p| !p.starts_with(&format!("{name}="))).collect();
        let label = group_label(variant, &rest.join(" "), common, variants);
        match series.iter_mut().find(|(l, _)| *l == label) {
            Some((_, points)) => points.push((x, *t)),
            None => series.push((label, vec![(x, *t)])),
        }
    }
    for (_, points) in &mut series {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    series
}

/// A polyline in pixels, solid or dashed.
fn line<DB: DrawingBackend>(
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
fn marker<DB: DrawingBackend>(
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

    #[test]
    fn counts_have_integer_ticks_and_labels_no_spare_decimals() {
        // 2.3 runs at most: ticks 0, 1, 2 (a count never gets a 0.5 tick), labelled "2", not "2.0".
        let step = tick_step(0.0, 2.3, 8, true);
        assert_eq!(step, 1.0);
        let labels: Vec<String> = ticks(0.0, 2.3, step).iter().map(|&t| tick_label(t, step)).collect();
        assert_eq!(labels, ["0", "1", "2"]);
        // Larger counts: round steps.
        assert_eq!(tick_step(0.0, 68.0, 8, true), 10.0);
        assert_eq!(tick_step(0.0, 7.0, 8, true), 1.0);
        assert_eq!(tick_step(41.0, 90.0, 10, true), 5.0);
        // Rates: as many decimals as the step, the same for every tick.
        let step = tick_step(0.0, 0.47, 8, false);
        assert_eq!(step, 0.1);
        let labels: Vec<String> = ticks(0.0, 0.5, step).iter().map(|&t| tick_label(t, step)).collect();
        assert_eq!(labels, ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(tick_label(0.05, 0.05), "0.05");
        assert_eq!(tick_label(0.1, 0.05), "0.10");
        assert_eq!(tick_label(300.0, 100.0), "300");
        assert_eq!(tick_label(-0.0, 1.0), "0");
        // No ticks fall off the ends through rounding.
        assert_eq!(ticks(0.0, 0.3, 0.1).len(), 4);
        assert_eq!(ticks(15.0, 40.0, 5.0), [15.0, 20.0, 25.0, 30.0, 35.0, 40.0]);
    }

    #[test]
    fn groups_and_series_go_in_numeric_order() {
        let mut groups = Groups::new();
        for d in ["100", "20", "300", "0"] {
            groups.insert(("v5.8".into(), format!("capacity=2 timed.delay_per_mille={d} writers=1")), Tally::default());
        }
        groups.insert(("v5.9".into(), "capacity=2 timed.delay_per_mille=20 writers=1".into()), Tally::default());
        let order: Vec<String> = ordered(&groups, &[]).iter().map(|((v, p), _)| format!("{v} {p}")).collect();
        assert_eq!(
            order,
            [
                "v5.8 capacity=2 timed.delay_per_mille=0 writers=1",
                "v5.8 capacity=2 timed.delay_per_mille=20 writers=1",
                "v5.8 capacity=2 timed.delay_per_mille=100 writers=1",
                "v5.8 capacity=2 timed.delay_per_mille=300 writers=1",
                "v5.9 capacity=2 timed.delay_per_mille=20 writers=1",
            ]
        );
        assert_eq!(params_cmp("lockers=20", "lockers=100"), Ordering::Less);
        assert_eq!(params_cmp("lockers=3 signals=10", "lockers=3 signals=9"), Ordering::Greater);
        assert_eq!(value_cmp("abc", "abd"), Ordering::Less);
        assert_eq!(natural_cmp("v5.9", "v5.10"), Ordering::Less);
        assert_eq!(natural_cmp("v4.13", "v5.8"), Ordering::Less);
        assert_eq!(natural_cmp("variant-2", "variant-10"), Ordering::Less);
        assert_eq!(natural_cmp("a8b169afbf06", "v4.13"), Ordering::Less);
        assert_eq!(natural_cmp("x", "x1"), Ordering::Less);
        // The scenario's order of variants comes first: its story, the bug before the fixes.
        let mut page = Groups::new();
        for v in ["v5.8-handoff", "a8b169afbf06", "v4.13", "mine"] {
            page.insert((v.into(), "lockers=2".into()), Tally::default());
        }
        let story = ["v4.13", "a8b169afbf06", "v5.8-handoff"].map(String::from);
        let order: Vec<&str> = ordered(&page, &story).iter().map(|((v, _), _)| v.as_str()).collect();
        assert_eq!(order, ["v4.13", "a8b169afbf06", "v5.8-handoff", "mine"]);
        // Legends name only what differs; the shared parameters go under the title.
        let common = common_params(&groups);
        assert_eq!(common.iter().collect::<Vec<_>>(), ["capacity=2", "writers=1"]);
        assert_eq!(
            group_label("v5.8", "capacity=2 timed.delay_per_mille=20 writers=1", &common, 1),
            "timed.delay_per_mille=20"
        );
        assert_eq!(group_label("v5.8", "capacity=2 writers=1", &common, 2), "v5.8");
        // Series of a sweep of lockers=2,3,4 come out 2, 3, 4, whatever the string order.
        let mut groups = Groups::new();
        for l in ["10", "2", "3"] {
            groups.insert(("v4.13".into(), format!("lockers={l} signals=1")), Tally::default());
        }
        let ordered = ordered(&groups, &[]);
        let common = common_params(&groups);
        let labels: Vec<String> = ordered.iter().map(|((v, p), _)| group_label(v, p, &common, 1)).collect();
        assert_eq!(labels, ["lockers=2", "lockers=3", "lockers=10"]);
        let series = series_against(&ordered, "lockers", &common, 1);
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].1.iter().map(|(x, _)| *x).collect::<Vec<_>>(), [2.0, 3.0, 10.0]);
    }

    #[test]
    fn labels_that_would_touch_are_thinned() {
        // Centres 0, 10, 40, 45, 100 with labels 20 wide and a gap of 8: 10 and 45 would touch.
        let keep = thin(&[0.0, 10.0, 40.0, 45.0, 100.0], &[20.0; 5], 8.0);
        assert_eq!(keep, [true, false, true, false, true]);
        assert!(thin(&[0.0, 100.0, 200.0], &[50.0; 3], 8.0).iter().all(|&k| k));
    }

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
