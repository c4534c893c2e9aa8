//! The order of groups, series and legends: variants in the scenario's order, parameter values as numbers.

use std::cmp::Ordering;

use sim_core::sweep::{Groups, Tally};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::labels::{common_params, group_label};
    use crate::plot::plan::series_against;

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
}
