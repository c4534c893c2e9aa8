//! The property `scenario_toml` and `scenario_c` share: any text as a scenario file parses, or
//! fails with a one-line error whose diagnostics point inside the file; a file that parses builds
//! a spec for every variant, and a random run of each ends in a verdict within `steps` steps.

use sim_core::strategy::Random;
use sim_core::{run, Error, Scenario, World};

pub fn parses_and_runs(text: &str, steps: u32) {
    let scenario = match Scenario::parse(text) {
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
        spec.step_limit = spec.step_limit.min(steps);
        let limit = spec.step_limit;
        let outcome = run::run(&mut World::new(spec.into()), &mut Random::new(scenario.default_seed), &mut ())
            .unwrap_or_else(|e| panic!("a random run failed: {e}"));
        assert!(outcome.steps <= limit);
    }
}
