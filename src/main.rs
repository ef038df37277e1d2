//! The `knead` command line: parses arguments with clap and calls the library.
//! Exit codes: 0 success, 1 content or template errors, 2 usage errors.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use knead::build::lock::Writer;
use knead::build::pipeline::{self, Options};
use knead::commands::scaffold::{self, NewKind};
use knead::diagnostics::Diagnostics;
use knead::source::date::Date;

/// jemalloc: faster than the system allocator for the build's many small allocations
/// from two threads, and it stays linear on very large sites (bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings: one arena per CPU rather than four, for a lower peak in the same
/// time. Transparent huge pages made large sites scale worse (bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static MALLOC_CONF: &[u8; 20] = b"percpu_arena:percpu\0";

/// A static site generator for health-education content about massage for back pain.
#[derive(Parser)]
#[command(name = "knead", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

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

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Fail (exit 1) at once if another knead process is writing the output folder,
        /// instead of waiting for it.
        #[arg(long)]
        no_wait: bool,
    },
    /// Build, then rebuild what each edit affects, until stopped (Ctrl-C).
    Watch {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Watch, and serve the site locally; pages reload themselves after each rebuild.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// The address to listen on (only this machine by default).
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// The port to listen on (the next free one if it is taken).
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Check the whole site and report every problem; writes nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// `human` (problems on stderr, a summary on stdout) or `json` (one report on stdout).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Judge review dates as of this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Create a new article, technique, benefit profile or page with its front matter
    /// filled in.
    New {
        /// What to create.
        kind: Kind,
        /// Its title.
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
    },
    /// Create a new site with sample content and the default theme.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Article,
    Technique,
    Page,
    Benefit,
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_problems(d: &Diagnostics) {
    if !d.is_empty() {
        eprint!("{}", d.render(color()));
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn options(site: SiteArgs, output: Option<PathBuf>) -> Options {
    Options {
        root: site.root,
        output,
        drafts: site.drafts,
        base_url: site.base_url,
        analyze: false,
    }
}

/// Takes the lock of the output folder for `me`, saying so when it waits for another
/// knead process; the problems are printed when it cannot.
fn lock_output(opts: &Options, me: Writer, wait: bool) -> Result<knead::build::lock::Lock, ExitCode> {
    pipeline::lock_output(opts, me, wait, &mut |note| eprintln!("note: {note}")).map_err(|problems| {
        print_problems(&problems);
        ExitCode::from(1)
    })
}

/// Runs `knead watch` into the output folder of `lock`, telling `hub` (when serving)
/// about every rebuild.
fn watch(
    opts: Options,
    lock: knead::build::lock::Lock,
    hub: Option<std::sync::Arc<knead::commands::serve::reload::Hub>>,
) -> ExitCode {
    let inc = knead::build::incremental::Incremental::with_lock(opts, std::sync::Arc::new(lock));
    let result = knead::commands::watch::run(inc, |inc, event| match event {
        knead::commands::watch::Event::Built { changed, outcome } => {
            print_problems(&outcome.warnings);
            println!("{}", knead::commands::watch::summary(inc.root(), changed, outcome));
            if let Some(h) = &hub {
                h.reload();
            }
        }
        knead::commands::watch::Event::Failed { problems, .. } => {
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
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            print_problems(&problems);
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site, output, no_wait } => {
            let opts = options(site, output);
            let lock = match lock_output(&opts, Writer::Build, !no_wait) {
                Ok(lock) => lock,
                Err(code) => return code,
            };
            match pipeline::build_locked(&opts, &lock) {
                Ok(report) => {
                    print_problems(&report.warnings);
                    println!(
                        "Built {} and copied {} into {} in {:.2} s{}",
                        plural(report.generated, "file"),
                        plural(report.copied, "file"),
                        report.output.display(),
                        report.elapsed.as_secs_f64(),
                        if report.warnings.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", plural(report.warnings.warning_count(), "warning"))
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    print_problems(&problems);
                    eprintln!(
                        "error: the build failed with {}; {} was left as it was",
                        plural(problems.error_count(), "error"),
                        opts.output_dir().display()
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Watch { site, output } => {
            let opts = options(site, output);
            match lock_output(&opts, Writer::Watch, true) {
                Ok(lock) => watch(opts, lock, None),
                Err(code) => code,
            }
        }
        Command::Serve {
            site,
            output,
            bind,
            port,
        } => {
            let opts = options(site, output);
            // Locked before listening: a second server of the same folder says so and ends.
            let lock = match lock_output(&opts, Writer::Serve, true) {
                Ok(lock) => lock,
                Err(code) => return code,
            };
            let base_path = knead::source::config::load(&opts.root, opts.base_url.as_deref())
                .map_or_else(|_| "/".to_owned(), |c| c.base_path);
            let (listener, note) = match knead::commands::serve::bind(bind, port) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: cannot listen on {bind}:{port}: {e}\n  help: pick another port with --port");
                    return ExitCode::from(1);
                }
            };
            if let Some(note) = note {
                eprintln!("note: {note}");
            }
            let site = knead::commands::serve::ServedSite {
                root: opts.output_dir(),
                base_path: base_path.clone(),
            };
            let server = match knead::commands::serve::start(listener, site) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: cannot start the server: {e}");
                    return ExitCode::from(1);
                }
            };
            let host = if server.addr.ip().is_loopback() {
                "127.0.0.1".to_owned()
            } else {
                server.addr.ip().to_string()
            };
            println!(
                "Serving the site at http://{host}:{}{base_path} (Ctrl-C to stop)",
                server.addr.port()
            );
            if !bind.is_loopback() {
                eprintln!("warning: listening on {bind}: other machines on your network can see this preview");
            }
            watch(opts, lock, Some(server.hub))
        }
        Command::Check {
            site,
            deny_warnings,
            format,
            today,
        } => {
            let opts = options(site, None);
            let report = knead::commands::check::check(&opts, today.unwrap_or_else(Date::today));
            if format == Format::Json {
                println!("{}", report.to_json());
            } else {
                print_problems(&report.diagnostics);
                println!("{}", report.summary());
            }
            let (errors, warnings) = (report.diagnostics.error_count(), report.diagnostics.warning_count());
            if errors > 0 || (deny_warnings && warnings > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::New { kind, title, root } => {
            let kind = match kind {
                Kind::Article => NewKind::Article,
                Kind::Technique => NewKind::Technique,
                Kind::Page => NewKind::Page,
                Kind::Benefit => NewKind::Benefit,
            };
            match scaffold::new_content(&root, kind, &title) {
                Ok(path) => {
                    println!("Created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {}\n  help: {}", e.message, e.help);
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}\n\nNext:\n  cd {}\n  knead build\n  open public/index.html",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}\n  help: {}", e.message, e.help);
                ExitCode::from(1)
            }
        },
    }
}
