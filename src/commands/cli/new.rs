//! `knead new`: a new article, technique, benefit profile or page with its front matter
//! filled in.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::commands::scaffold::{self, NewKind};
use crate::diagnostics::Failure;

/// The options of `knead new`.
#[derive(Args)]
pub(super) struct NewArgs {
    /// What to create.
    kind: Kind,
    /// Its title.
    title: String,
    /// The site folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Article,
    Technique,
    Page,
    Benefit,
}

pub(super) fn run(args: NewArgs) -> Result<ExitCode, Failure> {
    let kind = match args.kind {
        Kind::Article => NewKind::Article,
        Kind::Technique => NewKind::Technique,
        Kind::Page => NewKind::Page,
        Kind::Benefit => NewKind::Benefit,
    };
    let path = scaffold::new_content(&args.root, kind, &args.title)?;
    println!("Created {}", path.display());
    if kind == NewKind::Article {
        println!("It is a draft: `knead serve --drafts` shows it; remove `draft: true` to publish it.");
    }
    Ok(ExitCode::SUCCESS)
}
