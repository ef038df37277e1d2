//! `knead init`: a new site that builds and checks clean at once, and what to do next.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::commands::scaffold;
use crate::diagnostics::Failure;

/// The options of `knead init`.
#[derive(Args)]
pub(super) struct InitArgs {
    /// The folder to create (or an empty one, or one holding only dot files such as
    /// `.git`).
    dir: PathBuf,
    /// Write the site into a folder that already holds other files (never overwriting
    /// or deleting any).
    #[arg(long)]
    force: bool,
}

pub(super) fn run(args: InitArgs) -> Result<ExitCode, Failure> {
    scaffold::init(&args.dir, args.force)?;
    let dir = args.dir.display();
    println!(
        "Created a new site in {dir}\n\nNext:\n  cd {dir}\n  knead serve    (a preview at http://127.0.0.1:1111/ that follows your edits)"
    );
    Ok(ExitCode::SUCCESS)
}
