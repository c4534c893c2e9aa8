//! `wqsim export ...`: write out what a share link holds, in another form. `export scenario`
//! writes the scenario file a link runs: a built-in one's file, or the file the link carries.

use std::path::PathBuf;

use sim_core::share::Link;
use sim_core::Error;

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
}

pub fn export(args: &Args) -> Result<(), Error> {
    match &args.what {
        What::Scenario { link, out } => {
            let scenario = Link::decode(link)?.scenario.load()?;
            match out {
                Some(path) => std::fs::write(path, &scenario.text)
                    .map_err(|e| Error::Invalid(format!("cannot write {}: {e}", path.display()))),
                None => {
                    print!("{}", scenario.text);
                    Ok(())
                }
            }
        }
    }
}
