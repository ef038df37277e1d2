//! `knead check`: every problem of the site, on standard error with a summary line, or
//! as one JSON report; exit 1 on errors (or on warnings, with `--deny-warnings`).

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::diagnostics::Failure;
use crate::source::date::Date;

use super::{SiteArgs, print_problems};

/// The options of `knead check`.
#[derive(Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// `human` (problems on stderr, a summary on stdout) or `json` (one report on stdout).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Judge dates (reviews, publication) as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = Date::parse)]
    today: Option<Date>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(super) fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let opts = args.site.options(None)?;
    let report = crate::commands::check::check(&opts, args.today.unwrap_or_else(Date::today));
    if args.format == Format::Json {
        println!("{}", report.to_json());
    } else {
        print_problems(&report.diagnostics);
        println!("{}", report.summary());
    }
    let (errors, warnings) = (report.diagnostics.error_count(), report.diagnostics.warning_count());
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
