//! `knead build`: builds the site into the output folder, or says why not and leaves
//! the previous output as it was.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::build::lock::Writer;
use crate::build::pipeline;
use crate::diagnostics::Failure;

use super::{SiteArgs, plural, print_problems};

/// The options of `knead build`.
#[derive(Args)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Fail (exit 1) at once if another knead process is writing the output folder,
    /// instead of waiting for it.
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(args: BuildArgs) -> Result<ExitCode, Failure> {
    let opts = args.site.options(args.output)?;
    let lock = pipeline::lock_output(&opts, Writer::Build, !args.no_wait, &mut |note| {
        eprintln!("note: {note}")
    })?;
    match pipeline::build_locked(&opts, &lock) {
        Ok(report) => {
            print_problems(&report.warnings);
            let warnings = match report.warnings.warning_count() {
                0 => String::new(),
                n => format!(" ({})", plural(n, "warning")),
            };
            println!(
                "Built {} and copied {} into {} in {:.2} s{warnings}",
                plural(report.generated, "file"),
                plural(report.copied, "file"),
                report.output.display(),
                report.elapsed.as_secs_f64(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            print_problems(&problems);
            eprintln!(
                "error: the build failed with {}; {} was left as it was",
                plural(problems.error_count(), "error"),
                opts.output_dir().display()
            );
            Ok(ExitCode::from(1))
        }
    }
}
