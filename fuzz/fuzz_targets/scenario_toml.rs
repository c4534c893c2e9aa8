//! Any text as a scenario file: parsing never panics and an error is one line; a scenario that
//! parses builds a spec for every variant it declares, and a run of each ends with a verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::strategy::Random;
use sim_core::{run, Scenario, World};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.to_string().contains('\n'), "{e}");
            return;
        }
    };
    for v in &scenario.variants {
        let spec = scenario.spec(Some(&v.id), &[]).unwrap_or_else(|e| panic!("valid scenario, variant {}: {e}", v.id));
        let limit = spec.step_limit;
        let outcome = run::run(&mut World::new(spec), &mut Random::new(scenario.default_seed), &mut ())
            .unwrap_or_else(|e| panic!("a random run failed: {e}"));
        assert!(outcome.steps <= limit);
    }
});
