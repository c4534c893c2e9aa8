//! Sweep plots (plotters): the hit rate per group with its 95% interval, or the hit rate against
//! a swept parameter, and the distribution of steps to hang.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
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
            _ => Err(Error::Scenario(format!("the plot {} must end in .svg or .png", path.display()))),
        }
    }
}

/// Where Debian keeps a TrueType font that plotters can lay text out with.
const FONTS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

fn register_font() -> Result<(), Error> {
    let bytes = FONTS.iter().find_map(|p| std::fs::read(p).ok()).ok_or_else(|| {
        Error::Scenario(format!(
            "plots need a TrueType font; none of {} exists (apt-get install fonts-dejavu-core)",
            FONTS.join(", ")
        ))
    })?;
    // plotters keeps the font for the life of the process.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| Error::Scenario("the TrueType font could not be read".into()))
}

/// A line of the hit-rate chart: its variant and its (parameter value, tally) points.
type Series<'a> = (&'a str, Vec<(f64, &'a Tally)>);

/// One colour per variant, the same in every panel.
fn colour(groups: &Groups, variant: &str) -> RGBAColor {
    let mut variants: Vec<&str> = groups.keys().map(|(v, _)| v.as_str()).collect();
    variants.dedup();
    Palette99::pick(variants.iter().position(|v| *v == variant).unwrap_or(0)).to_rgba()
}

/// The variant's colour, fainter for each further parameter set of the same variant.
fn shade(groups: &Groups, variant: &str, params: &str) -> RGBAColor {
    let k = groups.keys().filter(|(v, _)| v == variant).position(|(_, p)| p == params).unwrap_or(0);
    let RGBAColor(r, g, b, _) = colour(groups, variant);
    RGBAColor(r, g, b, 1.0 - 0.55 * (k as f64 / groups.keys().filter(|(v, _)| v == variant).count().max(1) as f64))
}

pub fn draw(path: &Path, scenario: &str, groups: &Groups) -> Result<(), Error> {
    register_font()?;
    let size = (1400, 560);
    let fail = |e: String| Error::Scenario(format!("cannot draw {}: {e}", path.display()));
    match Format::of(path)? {
        Format::Svg => panels(SVGBackend::new(path, size).into_drawing_area(), scenario, groups).map_err(fail),
        Format::Png => panels(BitMapBackend::new(path, size).into_drawing_area(), scenario, groups).map_err(fail),
    }
}

fn panels<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, scenario: &str, groups: &Groups) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let (left, right) = root.split_horizontally(700);
    match varying_param(groups) {
        Some(name) => hit_rate_against(&left, scenario, groups, &name).map_err(err)?,
        None => hit_rates(&left, scenario, groups).map_err(err)?,
    }
    steps_to_hang(&right, groups).map_err(err)?;
    root.present().map_err(err)
}

/// The parameter whose value differs between groups, if any.
fn varying_param(groups: &Groups) -> Option<String> {
    let mut values: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
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

fn hit_rates<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &str,
    groups: &Groups,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let labels: Vec<String> = groups
        .keys()
        .map(|(v, p)| if groups.len() > 1 && !p.is_empty() { format!("{v} {p}") } else { v.clone() })
        .collect();
    let top = groups.values().map(|t| 100.0 * t.wilson95().1).fold(0.0f64, f64::max).max(0.01) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{scenario}: lost-wakeup rate per variant (95% Wilson interval)"), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..(groups.len() as f64 - 0.5), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len().max(1))
        .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
        .y_desc("seeds that lose a wakeup (%)")
        .draw()?;
    for (i, ((variant, _), t)) in groups.iter().enumerate() {
        let (x, (lo, hi)) = (i as f64, t.wilson95());
        let colour = colour(groups, variant);
        chart.draw_series([Rectangle::new([(x - 0.3, 0.0), (x + 0.3, 100.0 * t.hit_rate())], colour.filled())])?;
        chart.draw_series([PathElement::new(vec![(x, 100.0 * lo), (x, 100.0 * hi)], BLACK.stroke_width(2))])?;
        for y in [lo, hi] {
            chart.draw_series([PathElement::new(
                vec![(x - 0.1, 100.0 * y), (x + 0.1, 100.0 * y)],
                BLACK.stroke_width(2),
            )])?;
        }
    }
    Ok(())
}

fn hit_rate_against<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scenario: &str,
    groups: &Groups,
    name: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    // One series per variant (and per value of any other parameter).
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    for ((variant, params), t) in groups {
        let rest: Vec<&str> = params.split_whitespace().filter(|p| !p.starts_with(&format!("{name}="))).collect();
        let label = if rest.is_empty() { variant.clone() } else { format!("{variant} {}", rest.join(" ")) };
        if let Some(x) = param_value(params, name) {
            series.entry(label).or_insert((variant, Vec::new())).1.push((x, t));
        }
    }
    let xs = series.values().flat_map(|(_, points)| points.iter().map(|(x, _)| *x));
    let (x0, x1) = xs.clone().fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let pad = ((x1 - x0) * 0.1).max(0.5);
    let top = groups.values().map(|t| 100.0 * t.wilson95().1).fold(0.0f64, f64::max).max(0.01) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{scenario}: lost-wakeup rate against {name} (95% interval)"), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d((x0 - pad)..(x1 + pad), 0.0..top)?;
    let distinct: std::collections::BTreeSet<u64> =
        series.values().flat_map(|(_, p)| p.iter().map(|(x, _)| x.to_bits())).collect();
    chart
        .configure_mesh()
        .x_labels(distinct.len() + 2)
        .x_label_formatter(&|x| if x.fract() == 0.0 { format!("{x}") } else { String::new() })
        .x_desc(name)
        .y_desc("seeds that lose a wakeup (%)")
        .draw()?;
    for (label, (variant, mut points)) in series {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let colour = colour(groups, variant);
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|(x, t)| (*x, 100.0 * t.hit_rate())),
                colour.stroke_width(2),
            ))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        for (x, t) in &points {
            let (lo, hi) = t.wilson95();
            chart.draw_series([PathElement::new(vec![(*x, 100.0 * lo), (*x, 100.0 * hi)], colour.stroke_width(1))])?;
            chart.draw_series([Circle::new((*x, 100.0 * t.hit_rate()), 4, colour.filled())])?;
        }
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
    Ok(())
}

/// Steps to hang: how many steps the runs that lost a wakeup took, in up to 40 bins per group.
fn steps_to_hang<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    groups: &Groups,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let all = groups.values().flat_map(|t| t.steps_to_hang.keys().copied());
    let (lo, hi) = all.fold((u32::MAX, 0), |(a, b), s| (a.min(s), b.max(s)));
    let (lo, hi) = if lo > hi { (0, 1) } else { (lo, hi.max(lo + 1)) };
    let width = (hi - lo).div_ceil(40).max(1);
    let binned: Vec<BTreeMap<u32, u64>> = groups
        .values()
        .map(|t| {
            let mut bins = BTreeMap::new();
            for (&s, &n) in &t.steps_to_hang {
                *bins.entry(lo + (s - lo) / width * width).or_insert(0) += n;
            }
            bins
        })
        .collect();
    let top = binned.iter().flat_map(|b| b.values().copied()).max().unwrap_or(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption("steps to hang (runs that lost a wakeup)", ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(lo as f64..(hi + width) as f64, 0.0..top)?;
    chart.configure_mesh().x_desc("steps").y_desc("runs").draw()?;
    for ((variant, params), bins) in groups.keys().zip(binned) {
        if bins.is_empty() {
            continue;
        }
        let colour = shade(groups, variant, params);
        let points: Vec<(f64, f64)> =
            bins.iter().flat_map(|(&b, &n)| [(b as f64, n as f64), ((b + width) as f64, n as f64)]).collect();
        let label = if params.is_empty() { variant.clone() } else { format!("{variant} {params}") };
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
    Ok(())
}
