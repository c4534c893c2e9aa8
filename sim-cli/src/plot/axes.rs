//! Axes: round tick steps, ticks, their labels and their thinning, and the linear axis that carries them.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

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
pub(super) type SweptChart<'b, DB> = ChartContext<'b, DB, Cartesian2d<Axis, Axis>>;

/// A linear axis with our ticks (plotters' own `WithKeyPoints` loses the f64 label formatter).
pub(super) struct Axis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Axis {
    pub(super) fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Axis {
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
    fn labels_that_would_touch_are_thinned() {
        // Centres 0, 10, 40, 45, 100 with labels 20 wide and a gap of 8: 10 and 45 would touch.
        let keep = thin(&[0.0, 10.0, 40.0, 45.0, 100.0], &[20.0; 5], 8.0);
        assert_eq!(keep, [true, false, true, false, true]);
        assert!(thin(&[0.0, 100.0, 200.0], &[50.0; 3], 8.0).iter().all(|&k| k));
    }
}
