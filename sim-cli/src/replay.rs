//! `wqsim replay <link>`: rebuild the exact run a share link names (from the page, or a sweep's
//! summary), with the same trace hash.

use serde_json::json;
use sim_core::oracle::Verdict;
use sim_core::recording::Recording;
use sim_core::share::{Link, ScenarioRef};
use sim_core::trace::Trace;
use sim_core::Outcome;

use crate::output::{Named, Run};

#[derive(clap::Args)]
pub struct Args {
    /// A share link: a page URL, or its `#wq1/...` fragment.
    link: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Replay the link's choices under this memory model instead of the link's (sc when the
    /// link names none): the same schedule, under sequential consistency or x86-TSO.
    #[arg(long, value_name = "sc|tso", value_parser = crate::parse_memory)]
    memory: Option<sim_core::kernel::memory::Memory>,
}

pub fn replay(args: &Args) -> Result<(), sim_core::Error> {
    let mut link = Link::decode(&args.link)?;
    if let Some(memory) = args.memory {
        link.memory = memory;
    }
    let rec = Recording::from_link(&link)?;
    let trace = Trace { events: rec.events.clone() };
    let verdict = rec.verdict.clone().unwrap_or(Verdict::StepLimit { limit: rec.steps() as u32 });
    let queue_lock_max_hold = rec.worlds.last().map_or(0, |w| w.oracle.queue_lock_max_hold());
    let outcome = Outcome { verdict, steps: rec.steps() as u32, trace_hash: rec.trace_hash, queue_lock_max_hold };
    // A carried scenario is run from a file that `wqsim export scenario` writes.
    let file = format!("{}.toml", rec.spec.scenario);
    let (scenario, carried) = match &link.scenario {
        ScenarioRef::Id(id) => (id.as_str(), false),
        ScenarioRef::Carried(_) => (file.as_str(), true),
    };
    let named = Named { scenario, params: &link.params, memory: link.memory };
    let run = Run { named, timed_seed: None, spec: &rec.spec, trace: &trace, outcome: &outcome };
    let open = if rec.verdict.is_none() { " (made by hand; it stops where the choices stop)" } else { "" };
    if args.json {
        let mut v = run.json();
        v["link"] = json!(link.encode());
        v["scenario"] = json!(rec.spec.scenario);
        v["carried"] = json!(carried);
        v["variant"] = json!(link.variant);
        v["step"] = json!(link.step);
        v["complete"] = json!(rec.verdict.is_some());
        println!("{v}");
    } else {
        println!("replay {}{open}, shown at step {}\n", link.encode(), link.step);
        print!("{}", run.text());
        if carried {
            println!("the link carries its scenario: wqsim export scenario LINK --out {file}");
        }
    }
    Ok(())
}
