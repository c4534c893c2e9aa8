//! Any text as a scenario file: parsing never panics, an error is one line and each of its
//! diagnostics points inside the file; a scenario that parses builds a spec for every variant
//! it declares, and a run of each ends with a verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::strategy::Random;
use sim_core::{run, Error, Scenario, World};

/// Steps of each run at most (a file may ask for a million).
const STEPS: u32 = 10_000;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "{e}");
            if let Error::Source(d) = &e {
                for x in &d.diagnostics {
                    assert!(x.span.start <= x.span.end && x.span.end <= text.len(), "{x:?} outside the file");
                }
            }
            return;
        }
    };
    for v in &scenario.variants {
        let spec = scenario.spec(Some(&v.id), &[]).unwrap_or_else(|e| panic!("valid scenario, variant {}: {e}", v.id));
        let mut spec = (*spec).clone();
        spec.step_limit = spec.step_limit.min(STEPS);
        let limit = spec.step_limit;
        let outcome = run::run(&mut World::new(spec.into()), &mut Random::new(scenario.default_seed), &mut ())
            .unwrap_or_else(|e| panic!("a random run failed: {e}"));
        assert!(outcome.steps <= limit);
    }
});
