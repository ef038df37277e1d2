//! Live reload for `knead serve`: a hub that tells every open page (over server-sent
//! events) to reload after a rebuild, or to show the build's errors in an overlay. The
//! script is injected into HTML only as it is served, never written to the output.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

/// Where the reload script and the event stream are served (outside any base path).
pub const SCRIPT_PATH: &str = "/__knead/reload.js";
/// The server-sent events stream.
pub const EVENTS_PATH: &str = "/__knead/events";

/// The script every served HTML page loads.
pub const SCRIPT: &str = r#"(() => {
  "use strict";
  let overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(text) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "knead build error");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:15px/1.5 ui-monospace,monospace";
    const h = document.createElement("h2");
    h.textContent = "The site did not build: fix the file and save, this page updates by itself.";
    h.style.cssText = "font:bold 18px/1.4 system-ui,sans-serif;margin:0 0 1rem;color:#ffb4a9";
    const pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    overlay.append(h, pre);
    document.body.append(overlay);
  }
  // The build this page was served from: if the stream says a newer build exists (a
  // rebuild finished before this page connected), reload at once.
  const built = document.currentScript ? document.currentScript.dataset.build : null;
  const events = new EventSource("/__knead/events");
  events.addEventListener("hello", (e) => { if (built !== null && e.data !== built) location.reload(); });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (e) => show(JSON.parse(e.data)));
})();
"#;

/// The tag added to served HTML pages, naming the build they come from.
pub fn tag(build: u64) -> String {
    format!("<script src=\"/__knead/reload.js\" data-build=\"{build}\"></script>")
}

/// Adds the reload script (for build number `build`) before `</body>` (or at the end).
pub fn inject(html: &[u8], build: u64) -> Vec<u8> {
    let tag = tag(build);
    let lower: Vec<u8> = html.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The open pages, and the last build's errors.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
    /// The last build's errors, as text, while they stand.
    error: Mutex<Option<String>>,
    /// Counts successful builds; pages carry the number they were served with.
    build: AtomicU64,
}

/// `text` as a JSON string, for one `data:` line.
fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"build failed\"".into())
}

fn message(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

impl Hub {
    /// The number of the last successful build.
    pub fn build(&self) -> u64 {
        self.build.load(Ordering::SeqCst)
    }

    /// The last build's errors, while they stand (as [`Hub::build_error`] had them).
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    /// A stream of messages for one page; it starts with the number of the last build
    /// (so a page served before it reloads) and the current error, if any.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        let _ = tx.send(message("hello", &self.build().to_string()));
        if let Some(e) = self.error() {
            let _ = tx.send(message("build-error", &json(&e)));
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    /// Number of connected pages.
    pub fn clients(&self) -> usize {
        self.clients.lock().map_or(0, |c| c.len())
    }

    fn broadcast(&self, msg: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(msg.to_owned()).is_ok());
        }
    }

    /// After a successful build: every page reloads.
    pub fn reload(&self) {
        if let Ok(mut e) = self.error.lock() {
            *e = None;
        }
        self.build.fetch_add(1, Ordering::SeqCst);
        self.broadcast(&message("reload", "{}"));
    }

    /// After a failed build: every page shows the errors.
    pub fn build_error(&self, text: &str) {
        if let Ok(mut e) = self.error.lock() {
            *e = Some(text.to_owned());
        }
        self.broadcast(&message("build-error", &json(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end() {
        assert_eq!(
            inject(b"<p>x</p></BODY></html>", 3),
            format!("<p>x</p>{}</BODY></html>", tag(3)).into_bytes()
        );
        assert_eq!(inject(b"<p>x</p>", 0), format!("<p>x</p>{}", tag(0)).into_bytes());
    }

    #[test]
    fn late_subscribers_see_the_current_error() {
        let hub = Hub::default();
        hub.build_error("content/a.md:3:1: error: x\n");
        let rx = hub.subscribe();
        assert_eq!(rx.try_recv().unwrap(), "event: hello\ndata: 0\n\n");
        assert!(
            rx.try_recv()
                .unwrap()
                .starts_with("event: build-error\ndata: \"content/a.md:3:1")
        );
        hub.reload();
        assert!(rx.try_recv().unwrap().starts_with("event: reload"));
        let late = hub.subscribe();
        assert_eq!(
            late.try_recv().unwrap(),
            "event: hello\ndata: 1\n\n",
            "a late page learns of the newer build"
        );
        assert!(late.try_recv().is_err(), "no error after a good build");
        assert_eq!(hub.error(), None);
    }
}
