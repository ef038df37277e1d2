//! The `knead` command line: the commands and their options (clap), and what each
//! prints, one file per command. Each command checks what it was given before it reads
//! or writes anything; its [`Failure`] decides the exit code: 0 success, 1 problems in
//! the site, 2 a mistake in how knead was called (clap's own errors too).

mod build;
mod check;
mod init;
mod new;
mod serve;
mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build::pipeline::Options;
use crate::diagnostics::{Diagnostics, Failure};

/// A static site generator for health-education content about massage for back pain.
#[derive(Parser)]
#[command(name = "knead", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(build::BuildArgs),
    /// Build, then rebuild what each edit affects, until stopped (Ctrl-C).
    Watch(watch::WatchArgs),
    /// Watch, and serve the site locally; pages reload themselves after each rebuild.
    Serve(serve::ServeArgs),
    /// Check the whole site and report every problem; writes nothing.
    Check(check::CheckArgs),
    /// Create a new article, technique or page with its front matter filled in.
    New(new::NewArgs),
    /// Create a new site with sample content and the default theme.
    Init(init::InitArgs),
}

/// The options every command that reads a site takes.
#[derive(Args, Clone)]
struct SiteArgs {
    /// The site folder (the one holding site.yaml).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Include articles and pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Publish under this base URL instead of site.yaml's `base_url`.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

impl SiteArgs {
    /// What to build, into `output`, checked ([`Options::check`]).
    fn options(self, output: Option<PathBuf>) -> Result<Options, Failure> {
        let opts = Options {
            root: self.root,
            output,
            drafts: self.drafts,
            base_url: self.base_url,
            analyze: false,
        };
        opts.check()?;
        Ok(opts)
    }
}

/// Runs the command `cli` asks for.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::New(args) => new::run(args),
        Command::Init(args) => init::run(args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            print_problems(failure.problems());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// True when standard error is a terminal that wants colours.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints every problem on standard error.
fn print_problems(d: &Diagnostics) {
    if !d.is_empty() {
        eprint!("{}", d.render(color()));
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
