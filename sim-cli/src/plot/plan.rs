//! The plan of the figure: its groups, labels, series and panels, decided before anything is drawn.

use std::collections::{BTreeMap, BTreeSet};

use plotters::prelude::*;
use sim_core::sweep::{Groups, Tally};

use super::labels::{common_params, group_label, number};
use super::layout::{legend_rows, Panel, LEGEND_ROW, MARGIN, PANEL, TICK_FONT, WIDTH};
use super::look::{look, Look, DASHES, PALETTE};
use super::order::ordered;

/// A line of the hit-rate chart: its label and its (parameter value, tally) points.
pub(super) type Series<'a> = (String, Vec<(f64, &'a Tally)>);

/// What the figure shows, decided before anything is drawn.
pub(super) struct Plan<'a> {
    family: &'static str,
    pub(super) groups: Vec<(&'a (String, String), &'a Tally)>,
    /// Each group's label, in `groups` order.
    pub(super) labels: Vec<String>,
    /// The parameter swept along the x axis of the left panel, and its series.
    pub(super) against: Option<(String, Vec<Series<'a>>)>,
    /// How each group is drawn in the steps-to-hang panel (`None`: it lost no wakeup).
    pub(super) hist: Vec<Option<Look>>,
    pub(super) left: Panel,
    pub(super) right: Panel,
    /// The row below, the whole width: the longest hold of a queue's lock against the swept
    /// parameter, when it differs between groups.
    pub(super) hold: Option<Panel>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(scenario: &str, variants: &[String], groups: &'a Groups, family: &'static str) -> Plan<'a> {
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

    pub(super) fn font(&self, size: f64) -> FontDesc<'static> {
        FontDesc::new(FontFamily::Name(self.family), size, FontStyle::Normal)
    }

    /// The rows of a panel's legend.
    fn legend_rows(&self, p: &Panel) -> u32 {
        let labels: Vec<String> = p.legend.iter().map(|(l, _)| l.clone()).collect();
        legend_rows(&self.font(TICK_FONT), &labels, f64::from(p.width - 2 * MARGIN)).last().map_or(0, |(r, _)| r + 1)
    }

    /// The height of the legends' rows, the same under both panels so that their axes align.
    pub(super) fn legend_height(&self) -> u32 {
        rows_height(self.legend_rows(&self.left).max(self.legend_rows(&self.right)))
    }

    pub(super) fn hold_legend_height(&self) -> u32 {
        rows_height(self.hold.as_ref().map_or(0, |p| self.legend_rows(p)))
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
pub(super) fn swept_values(series: &[Series]) -> Vec<f64> {
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
pub(super) fn series_against<'a>(
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
