//! `wqsim litmus FILE...`: run litmus tests in the kernel's C format under `sc` or `tso`, and
//! report as herd7 does (sim-core's `litmus`).

use std::path::PathBuf;

use sim_core::kernel::memory::Memory;
use sim_core::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Litmus test files (`C NAME`, processes `P0(int *x) { ... }`, `exists (...)`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The memory model: sc (sequentially consistent) or tso (x86-TSO store buffers).
    #[arg(long, value_name = "sc|tso", default_value = "sc", value_parser = crate::parse_memory)]
    memory: Memory,
    /// Print one JSON object per test, one per line.
    #[arg(long)]
    json: bool,
}

pub fn litmus(args: &Args) -> Result<(), Error> {
    for path in &args.files {
        let name = path.display().to_string();
        let io = |e: std::io::Error| Error::Invalid(format!("cannot read {name}: {e}"));
        sim_core::limits::check_scenario_bytes(std::fs::metadata(path).map_err(io)?.len())?;
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::Invalid(format!("{name} is not UTF-8 text")))?;
        let report = sim_core::litmus::run_file(&name, &text, args.memory)?;
        if args.json {
            println!("{}", serde_json::to_string(&report).map_err(|e| Error::Invalid(e.to_string()))?);
        } else {
            println!("{}", report.text());
        }
    }
    Ok(())
}
