//! Layout: the figure's sizes, text measured and cut to fit, legend rows, and a panel.

use plotters::prelude::*;

use super::look::Look;

pub(super) const WIDTH: u32 = 1400;
pub(super) const PANEL: u32 = WIDTH / 2;
pub(super) const TITLE: u32 = 58;
pub(super) const CHART: u32 = 480;
pub(super) const MARGIN: u32 = 16;
pub(super) const Y_AREA: u32 = 72;
pub(super) const TICK_FONT: f64 = 14.0;
pub(super) const LEGEND_ROW: u32 = 22;
pub(super) const SAMPLE: u32 = 30;

/// The width and height of `text` in `font`, as the backends lay it out.
pub(super) fn text_size(font: &FontDesc, text: &str) -> (f64, f64) {
    font.box_size(text).map_or((7.0 * text.len() as f64, font.get_size()), |(w, h)| (f64::from(w), f64::from(h)))
}

/// A text, cut with an ellipsis to at most `max` pixels.
pub(super) fn fit(font: &FontDesc, text: &str, max: f64) -> String {
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
pub(super) fn legend_rows(font: &FontDesc, labels: &[String], width: f64) -> Vec<(u32, f64)> {
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
pub(super) struct Panel {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) legend: Vec<(String, Look)>,
    pub(super) width: u32,
}
