//! `wqsim export`: a scenario in another tool's language, to cross-check wqsim with it.

use std::io::Write;

use crate::Target;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

#[derive(clap::Subcommand)]
enum Format {
    /// The model `wqsim explore` checks, as Promela for SPIN: `spin -a`, then
    /// `gcc -DSAFETY -DNOREDUCE -o pan pan.c` and `./pan` count the same states and find the same
    /// lost wakeups as `wqsim explore --no-reduction`.
    Promela(PromelaArgs),
}

#[derive(clap::Args)]
struct PromelaArgs {
    #[command(flatten)]
    target: Target,
    /// Write the model to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

pub fn export(args: &Args) -> Result<(), sim_core::Error> {
    match &args.format {
        Format::Promela(a) => {
            let (_, spec) = a.target.load()?;
            let model = sim_core::export::promela::promela(&spec)?;
            let written = match &a.output {
                Some(path) => std::fs::write(path, model).map_err(|e| (path.display().to_string(), e)),
                None => std::io::stdout().write_all(model.as_bytes()).map_err(|e| ("standard output".into(), e)),
            };
            written.map_err(|(to, e)| sim_core::Error::Invalid(format!("cannot write {to}: {e}")))
        }
    }
}
