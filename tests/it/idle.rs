//! An idle `knead serve` sleeps: once built, with no edits and no page open, its threads
//! together wake up only rarely (issue 22). Linux only: it reads `/proc`.

use std::time::Duration;

use crate::support::{Running, Site, knead, wait_line};

/// Context switches of all the process's threads so far (each wake-up is at least one).
fn switches(pid: u32) -> u64 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    let mut total = 0;
    for task in tasks {
        // A thread that ended since the listing has no status left to read.
        let Ok(status) = std::fs::read_to_string(task.unwrap().path().join("status")) else {
            continue;
        };
        for line in status.lines() {
            if let Some(n) = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                total += n.trim().parse::<u64>().unwrap();
            }
        }
    }
    total
}

#[test]
fn idle_serve_sleeps() {
    let site = Site::new("basic");
    let s = Running::start(knead().args(["serve", "--port", "0", "--root"]).arg(site.root()));
    wait_line(&s.out, "Serving the site at http://127.0.0.1:");
    wait_line(&s.out, "built: rendered");
    // Let the first build's threads settle.
    std::thread::sleep(Duration::from_secs(1));
    let pid = s.child.id();
    let before = switches(pid);
    std::thread::sleep(Duration::from_secs(3));
    let woke = switches(pid) - before;
    // The bound is 10 wake-ups a second; a polling debouncer makes thousands.
    assert!(woke < 60, "an idle `knead serve` woke {woke} times in 3 s");
}
