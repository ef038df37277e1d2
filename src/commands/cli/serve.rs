//! `knead serve`: `knead watch` plus the preview server, with the address it really
//! listens on (IPv6 in brackets) and, when it cannot listen, the reason in terms of
//! `--bind` and `--port`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::build::lock::Writer;
use crate::build::pipeline;
use crate::commands::serve::{self, ServedSite};
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};

use super::SiteArgs;

/// The options of `knead serve`.
#[derive(Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The address to listen on: 127.0.0.1 (this machine only, the default), ::1, an
    /// address of this machine, or 0.0.0.0 (every network).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port to listen on (the next free one if it is taken).
    #[arg(long, default_value_t = 1111)]
    port: u16,
}

/// How many ports above `--port` serve tries when it is taken ([`serve::bind`]).
const TRIES: u16 = 20;

pub(super) fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    let opts = args.site.options(args.output)?;
    // Locked before listening: a second server of the same folder says so and ends.
    let lock = pipeline::lock_output(&opts, Writer::Serve, true, &mut |note| eprintln!("note: {note}"))?;
    let base_path = crate::source::config::load(&opts.root, opts.base_url.as_deref())
        .map_or_else(|_| "/".to_owned(), |c| c.base_path);
    let (listener, note) = serve::bind(args.bind, args.port).map_err(|e| cannot_listen(args.bind, args.port, &e))?;
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    let site = ServedSite {
        root: opts.output_dir(),
        base_path,
    };
    let server = serve::start(listener, site).map_err(|e| {
        Failure::Site(Diagnostics::from(Diagnostic::error(
            "",
            format!("cannot start the server: {e}"),
        )))
    })?;
    println!("Serving the site at {} (Ctrl-C to stop)", server.url());
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines on your network can see this preview",
            args.bind
        );
    }
    super::watch::watch_into(opts, lock, Some(server))
}

/// Why the server cannot listen on `ip`:`port`, as a mistake in `--bind` or `--port`.
fn cannot_listen(ip: IpAddr, port: u16, e: &std::io::Error) -> Failure {
    let last = port.saturating_add(TRIES);
    let (message, help) = match e.kind() {
        std::io::ErrorKind::AddrNotAvailable => (
            format!("cannot listen on {ip}: it is not an address of this machine"),
            "use --bind 127.0.0.1 (this machine only, the default), an address of one of this machine's network interfaces, or 0.0.0.0 (all of them)".to_owned(),
        ),
        std::io::ErrorKind::PermissionDenied if port < 1024 => (
            format!("cannot listen on port {port}: ports below 1024 need administrator rights"),
            "pick a port of 1024 or more with --port, e.g. `--port 1111`".to_owned(),
        ),
        std::io::ErrorKind::AddrInUse => (
            format!("cannot listen on {ip}: ports {port} to {last} are all in use"),
            format!("pick another port with --port, e.g. `--port {}`", last.saturating_add(1)),
        ),
        _ => (
            format!("cannot listen on {}: {e}", SocketAddr::new(ip, port)),
            "check --bind and --port".to_owned(),
        ),
    };
    Failure::usage(Diagnostic::error("", message).help(help))
}

#[cfg(test)]
mod tests {
    use crate::commands::serve::url;

    #[test]
    fn the_url_is_the_address_listened_on() {
        let at = |s: &str| url(s.parse().unwrap(), "/sub/");
        assert_eq!(at("127.0.0.1:1111"), "http://127.0.0.1:1111/sub/");
        assert_eq!(at("127.0.0.2:80"), "http://127.0.0.2:80/sub/");
        assert_eq!(at("[::1]:1111"), "http://[::1]:1111/sub/");
        assert_eq!(at("0.0.0.0:1111"), "http://127.0.0.1:1111/sub/");
        assert_eq!(at("[::]:1111"), "http://[::1]:1111/sub/");
        assert_eq!(at("192.168.1.5:1112"), "http://192.168.1.5:1112/sub/");
        assert_eq!(at("[fe80::1%2]:1111"), "http://[fe80::1%252]:1111/sub/");
    }
}
