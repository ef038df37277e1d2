//! `knead watch`: one line per rebuild, the problems of a failed one, and (for `knead
//! serve`) the news for the pages open in a browser.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use crate::build::incremental::Incremental;
use crate::build::lock::{Lock, Writer};
use crate::build::pipeline::{self, Options};
use crate::commands::report::Reporter;
use crate::commands::serve::Server;
use crate::commands::watch;
use crate::diagnostics::Failure;

use super::SiteArgs;

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

/// Runs `knead watch` into the output folder of `lock`, telling `server`'s pages (when
/// serving) about every rebuild. Returns only when watching cannot go on.
pub(super) fn watch_into(opts: Options, lock: Lock, server: Option<Server>) -> Result<ExitCode, Failure> {
    let inc = Incremental::with_lock(opts, Arc::new(lock));
    let mut reporter = Reporter::new(server, super::color());
    watch::run(inc, |inc, event| reporter.report(inc, event))?;
    Ok(ExitCode::SUCCESS)
}
