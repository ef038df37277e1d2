//! `knead watch`: one line per rebuild, the problems of a failed one, and (for `knead
//! serve`) the news for the pages open in a browser.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use crate::build::incremental::Incremental;
use crate::build::lock::{Lock, Writer};
use crate::build::pipeline::{self, Options};
use crate::commands::serve::reload::Hub;
use crate::commands::watch::{self, Event};
use crate::diagnostics::Failure;

use super::{SiteArgs, plural, print_problems};

/// The options of `knead watch`.
#[derive(Args)]
pub(super) struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

pub(super) fn run(args: WatchArgs) -> Result<ExitCode, Failure> {
    let opts = args.site.options(args.output)?;
    let lock = pipeline::lock_output(&opts, Writer::Watch, true, &mut |note| eprintln!("note: {note}"))?;
    watch_into(opts, lock, None)
}

/// Runs `knead watch` into the output folder of `lock`, telling `hub` (when serving)
/// about every rebuild. Returns only when watching cannot go on.
pub(super) fn watch_into(opts: Options, lock: Lock, hub: Option<Arc<Hub>>) -> Result<ExitCode, Failure> {
    let inc = Incremental::with_lock(opts, Arc::new(lock));
    watch::run(inc, |inc, event| match event {
        Event::Built { changed, outcome } => {
            print_problems(&outcome.warnings);
            println!("{}", watch::summary(inc.root(), changed, outcome));
            if let Some(h) = &hub {
                h.reload();
            }
        }
        Event::Failed { problems, .. } => {
            print_problems(problems);
            eprintln!(
                "error: the rebuild failed with {}; {} still holds the last good build",
                plural(problems.error_count(), "error"),
                inc.output().display()
            );
            if let Some(h) = &hub {
                h.build_error(&problems.render(false));
            }
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
