//! The sweep's charts drawn where the page draws them: in a dedicated worker, which has no DOM
//! (`cargo test -p web-ui --target wasm32-unknown-unknown`; a native `cargo test` skips it).
//! plotters measures text in the DOM when asked, so a chart that asks panics here.

use sim_core::sweep::Tally;
use wasm_bindgen_test::*;
use web_ui::charts::{both, Series};
use web_ui::sweep::Rgb;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn tally(seeds: u64, hang_steps: &[(u32, u64)]) -> Tally {
    let lost: u64 = hang_steps.iter().map(|(_, n)| n).sum();
    Tally {
        seeds,
        finished: seeds - lost,
        lost_wakeup: lost,
        steps_to_hang: hang_steps.iter().copied().collect(),
        ..Tally::default()
    }
}

#[wasm_bindgen_test]
fn both_charts_draw_in_a_worker_with_their_titles_labels_and_legend() {
    assert!(web_sys::window().is_none(), "this test runs where the sweep worker runs: no window");
    let (bug, fix) = (tally(2000, &[(14, 5), (16, 4)]), tally(2000, &[]));
    let series = [
        Series { variant: "v4.13", colour: Rgb(0xb4, 0x23, 0x2c), tally: &bug },
        Series { variant: "v5.8-handoff", colour: Rgb(0x24, 0x57, 0xa6), tally: &fix },
    ];
    let (rate, hang) = both("page-lock-killable", "random", &series);
    let (rate, hang) = (rate.unwrap(), hang.unwrap());
    assert!(rate.contains("page-lock-killable, random: lost-wakeup rate"), "the title is drawn");
    assert!(rate.contains("9 of 2,000") && rate.contains("0 of 2,000"), "each bar's count");
    assert!(rate.contains("v5.8-handoff"), "each variant names its bar");
    assert!(hang.contains("Steps to hang of the failing seeds"));
    assert!(hang.contains("v4.13"), "the legend names the failing variant");
    assert!(!hang.contains("v5.8-handoff"), "a variant with no failing seed has no bars to key");
}

#[wasm_bindgen_test]
fn a_sweep_without_failing_seeds_says_so_in_a_worker() {
    let fix = tally(100, &[]);
    let series = [Series { variant: "v5.9", colour: Rgb(0, 0, 0), tally: &fix }];
    let (_, hang) = both("pipe-splice", "pct", &series);
    assert!(hang.unwrap().contains("No seed lost a wakeup"));
}
