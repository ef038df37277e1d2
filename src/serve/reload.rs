//! Live reload for `knead serve`: a hub that tells every open page (over server-sent
//! events) to reload after a rebuild, or to show the build's errors in an overlay. The
//! script is injected into HTML only as it is served, never written to the output.

use std::sync::Mutex;
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
  const events = new EventSource("/__knead/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (e) => show(JSON.parse(e.data)));
})();
"#;

/// The tag added to served HTML pages.
pub const TAG: &str = "<script src=\"/__knead/reload.js\"></script>";

/// Adds the reload script before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let lower: Vec<u8> = html.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The open pages, and the last build's errors.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
    error: Mutex<Option<String>>,
}

fn message(event: &str, data: &str) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

impl Hub {
    /// A stream of messages for one page; it starts with the current error, if any.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Some(e) = self.error.lock().ok().and_then(|e| e.clone()) {
            let _ = tx.send(message("build-error", &e));
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
        self.broadcast(&message("reload", "{}"));
    }

    /// After a failed build: every page shows the errors.
    pub fn build_error(&self, text: &str) {
        let json = serde_json::to_string(text).unwrap_or_else(|_| "\"build failed\"".into());
        if let Ok(mut e) = self.error.lock() {
            *e = Some(json.clone());
        }
        self.broadcast(&message("build-error", &json));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end() {
        assert_eq!(
            inject(b"<p>x</p></BODY></html>"),
            format!("<p>x</p>{TAG}</BODY></html>").into_bytes()
        );
        assert_eq!(inject(b"<p>x</p>"), format!("<p>x</p>{TAG}").into_bytes());
    }

    #[test]
    fn late_subscribers_see_the_current_error() {
        let hub = Hub::default();
        hub.build_error("content/a.md:3:1: error: x\n");
        let rx = hub.subscribe();
        assert!(
            rx.try_recv()
                .unwrap()
                .starts_with("event: build-error\ndata: \"content/a.md:3:1")
        );
        hub.reload();
        assert!(rx.try_recv().unwrap().starts_with("event: reload"));
        assert!(hub.subscribe().try_recv().is_err(), "no error after a good build");
    }
}
