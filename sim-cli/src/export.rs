//! `wqsim export ...`: a scenario in another form. `export scenario` writes the scenario file a
//! share link runs (a built-in one's file, or the file the link carries); `export promela` writes
//! the model `wqsim explore` checks, in SPIN's language, to cross-check wqsim with SPIN.

use std::io::Write;
use std::path::{Path, PathBuf};

use sim_core::share::Link;
use sim_core::Error;

use crate::Target;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Write the scenario file of a share link (the file it carries, or the built-in one it
    /// names), to stdout or to --out.
    Scenario {
        /// A share link: a page URL, or its `#wq1/...` fragment.
        link: String,
        /// Write the file here instead of to stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The model `wqsim explore` checks, as Promela for SPIN: `spin -a`, then
    /// `gcc -DSAFETY -DNOREDUCE -o pan pan.c` and `./pan` count the same states and find the same
    /// lost wakeups as `wqsim explore --no-reduction`.
    Promela {
        #[command(flatten)]
        target: Target,
        /// Write the model here instead of to stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn export(args: &Args) -> Result<(), Error> {
    match &args.what {
        What::Scenario { link, out } => write(out.as_deref(), &Link::decode(link)?.scenario.load()?.text),
        What::Promela { target, out } => write(out.as_deref(), &sim_core::export::promela::promela(&target.load()?.1)?),
    }
}

/// `text` to the file `out`, or to stdout.
fn write(out: Option<&Path>, text: &str) -> Result<(), Error> {
    let written = match out {
        Some(path) => std::fs::write(path, text).map_err(|e| (path.display().to_string(), e)),
        None => std::io::stdout().write_all(text.as_bytes()).map_err(|e| ("standard output".into(), e)),
    };
    written.map_err(|(to, e)| Error::Invalid(format!("cannot write {to}: {e}")))
}
