//! Drawing the figure: each panel's frame and legend, the hit rates, the longest holds and the steps to hang.

use std::collections::{BTreeMap, BTreeSet};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{thin, tick_label, tick_step, ticks, Axis, SweptChart};
use super::layout::{
    fit, legend_rows, text_size, Panel, CHART, LEGEND_ROW, MARGIN, PANEL, SAMPLE, TICK_FONT, TITLE, WIDTH, Y_AREA,
};
use super::look::{line, look, marker, Marker, PALETTE};
use super::plan::{swept_values, Plan, Series};

impl<'a> Plan<'a> {
    pub(super) fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> Result<(), String> {
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
