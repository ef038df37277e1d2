//! What `knead watch` and `knead serve` say after each build: warnings and errors and a
//! one-line summary on the terminal and, when serving, a reload or the error overlay in
//! every open page, and the server's new address after an edit of `base_url`. A failed
//! build says truthfully what the output folder holds: the last good build of this run,
//! an earlier one from before knead started, or nothing yet.

use std::path::Path;

use crate::build::incremental::Incremental;
use crate::commands::serve::Server;
use crate::commands::watch::{Event, summary};
use crate::diagnostics::Diagnostics;

/// Tells the terminal (and, when serving, the browser) about each build.
pub struct Reporter {
    server: Option<Server>,
    color: bool,
    /// A build of this run succeeded: the output holds a good build of these sources.
    built: bool,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The line that ends a failed build's report: how many errors, and what `out` holds
/// now (`built`: a build of this run succeeded; `serving`: pages show the errors).
pub fn failure_line(problems: &Diagnostics, out: &Path, built: bool, serving: bool) -> String {
    let errors = plural(problems.error_count(), "error");
    let shown = out.display();
    if built {
        format!("error: the rebuild failed with {errors}; {shown} still holds the last good build")
    } else if out.join("index.html").is_file() {
        format!(
            "error: the build failed with {errors}; {shown} still holds what an earlier run built, not these sources"
        )
    } else if serving {
        format!("error: the build failed with {errors}; there is no site to show yet: the browser shows the errors")
    } else {
        format!("error: the build failed with {errors}; nothing was written to {shown}")
    }
}

impl Reporter {
    /// Reports to the terminal, and through `server`'s pages when serving; `color` for
    /// the terminal's messages.
    pub fn new(server: Option<Server>, color: bool) -> Reporter {
        Reporter {
            server,
            color,
            built: false,
        }
    }

    fn print_problems(&self, problems: &Diagnostics) {
        if !problems.is_empty() {
            eprint!("{}", problems.render(self.color));
        }
    }

    /// Reports one build of `inc`.
    pub fn report(&mut self, inc: &Incremental, event: Event<'_>) {
        match event {
            Event::Built { changed, outcome } => {
                self.built = true;
                self.print_problems(&outcome.warnings);
                println!("{}", summary(inc.root(), changed, outcome));
                if let Some(server) = &self.server {
                    // Before the pages reload, so that they reload under the new address.
                    if let Some(base) = inc.base_path()
                        && server.follow_base_path(base)
                    {
                        println!(
                            "Serving the site at {} (base_url changed; Ctrl-C to stop)",
                            server.url()
                        );
                    }
                    server.hub.reload();
                }
            }
            Event::Failed { problems, .. } => {
                self.print_problems(problems);
                eprintln!(
                    "{}",
                    failure_line(problems, inc.output(), self.built, self.server.is_some())
                );
                if let Some(server) = &self.server {
                    server.hub.build_error(&problems.render(false));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn a_failure_says_what_the_output_holds() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let problems = Diagnostics::from(vec![Diagnostic::error("content/a.md", "bad")]);
        let line = |built, serving| failure_line(&problems, &out, built, serving);
        assert!(line(true, false).ends_with("still holds the last good build"));
        assert!(
            line(false, true).contains("there is no site to show yet"),
            "{}",
            line(false, true)
        );
        assert!(line(false, false).contains("nothing was written"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "x").unwrap();
        let before = line(false, true);
        assert!(before.contains("what an earlier run built"), "{before}");
        assert!(!before.contains("last good build"), "{before}");
    }
}
