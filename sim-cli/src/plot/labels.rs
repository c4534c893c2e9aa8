//! Labels: the parameters every group shares, what tells a group apart, and numbers with thousands separators.

use std::collections::BTreeSet;

use sim_core::sweep::Groups;

/// The `name=value` pairs every group has.
pub(super) fn common_params(groups: &Groups) -> BTreeSet<String> {
    let mut sets = groups.keys().map(|(_, p)| p.split_whitespace().map(String::from).collect::<BTreeSet<_>>());
    let first = sets.next().unwrap_or_default();
    sets.fold(first, |acc, s| acc.intersection(&s).cloned().collect())
}

/// What tells a group apart: its variant (when there are several, or nothing else differs) and
/// the parameters not every group shares.
pub(super) fn group_label(variant: &str, params: &str, common: &BTreeSet<String>, variants: usize) -> String {
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
