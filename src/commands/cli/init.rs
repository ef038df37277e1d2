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
    // Not `open public/index.html`: pages opened from disk lose their styles (links
    // start at the site root).
    println!(
        "Created a new site in {dir}\n\nPreview it with the built-in server, which rebuilds as you edit:\n\n  cd {dir}\n  knead serve"
    );
    Ok(ExitCode::SUCCESS)
}
