//! `knead check`: every problem of the site, on standard error with a summary line, or
//! as one JSON report; exit 1 on errors (or on warnings, with `--deny-warnings`).

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use crate::commands::check::external;
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
    /// Also check every web address the site uses, over the network.
    #[arg(long)]
    external: bool,
    /// With --external: the most one address may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, requires = "external", value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(super) fn run(args: CheckArgs) -> Result<ExitCode, Failure> {
    let opts = args.site.options(None)?;
    let external = args.external.then(|| external::Settings {
        timeout: std::time::Duration::from_secs(args.timeout),
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    });
    let report = crate::commands::check::check_with(&opts, args.today.unwrap_or_else(Date::today), external);
    if args.format == Format::Json {
        println!("{}", report.to_json());
    } else {
        print_problems(&report.diagnostics);
        print_external(report.external.as_ref());
        print!("{}", report.languages());
        println!("{}", report.summary());
    }
    let (errors, warnings) = (report.error_count(), report.diagnostics.warning_count());
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What `check --external` says besides its diagnostics: that the network is down, or
/// that its cache could not be written.
fn print_external(summary: Option<&external::Summary>) {
    let Some(s) = summary else { return };
    if let Some(why) = &s.unreachable {
        eprintln!(
            "error: {why}\n  help: connect to the network (or set HTTPS_PROXY) and run `knead check --external` again; the other checks ran as usual\n"
        );
    }
    if let Some(why) = &s.cache_problem {
        eprintln!("warning: {why}; the addresses will be asked for again next time\n");
    }
}
