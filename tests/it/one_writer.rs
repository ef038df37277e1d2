//! One writer per output folder (issue 24): real knead processes started at once into
//! the same output never mix their builds. Two builds with different base URLs, many
//! rounds with varied timing: both succeed, one after the other, and the output is,
//! page by page, exactly the build that finished last. A build while `knead serve` runs:
//! with `--no-wait` it fails at once naming the server, without it waits for the server
//! to stop; a second server of the same folder refuses to start. A build killed while
//! it holds the lock: the next build takes the lock at once and leaves no staging
//! leftovers.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, Running, generate_site, names, tree, wait_line};

const ARTICLES: usize = 60;
const A: &str = "https://aaaa.example/";
const B: &str = "https://bbbb.example/";
const DEFAULT: &str = "https://example.org/";

type Tree = BTreeMap<String, Vec<u8>>;

/// A generated site beside its output folder, and the complete build of each base URL.
struct World {
    dir: tempfile::TempDir,
    refs: Vec<(&'static str, Tree)>,
    /// The names beside the output after a clean build: the site and the output.
    beside: Vec<String>,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        generate_site(&dir.path().join("site"), ARTICLES, "x");
        let refs_dir = tempfile::tempdir().unwrap();
        let refs = [A, B, DEFAULT]
            .into_iter()
            .map(|url| {
                let out = refs_dir.path().join(url.replace([':', '/', '.'], "_"));
                let o = build_cmd(&dir.path().join("site"), &out, url).output().unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                (url, tree(&out))
            })
            .collect();
        let w = World {
            dir,
            refs,
            beside: Vec::new(),
        };
        let o = build_cmd(&w.root(), &w.out(), DEFAULT).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        World {
            beside: names(w.dir.path()),
            ..w
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn build(&self, base_url: &str) -> Command {
        build_cmd(&self.root(), &self.out(), base_url)
    }

    /// Checks that the output is, file by file, exactly the build of `want`, and that
    /// nothing was left beside it (no staging folder, no lock file).
    fn assert_output(&self, want: &str, context: &str) {
        self.assert_site(want, context);
        assert_eq!(
            names(self.dir.path()),
            self.beside,
            "leftovers beside the output ({context})"
        );
    }

    /// Checks that the output is, file by file, exactly the build of `want`.
    fn assert_site(&self, want: &str, context: &str) {
        let now = tree(&self.out());
        if self.refs.iter().any(|(url, tree)| *url == want && *tree == now) {
            return;
        }
        // What went wrong, page by page: which base URLs each page carries.
        let mut census: BTreeMap<Vec<&str>, usize> = BTreeMap::new();
        for (path, bytes) in &now {
            if path.ends_with(".html") {
                let text = String::from_utf8_lossy(bytes);
                let urls: Vec<&str> = [A, B, DEFAULT].into_iter().filter(|u| text.contains(u)).collect();
                *census.entry(urls).or_default() += 1;
            }
        }
        let matches: Vec<&str> = self
            .refs
            .iter()
            .filter(|(_, tree)| *tree == now)
            .map(|(url, _)| *url)
            .collect();
        panic!(
            "{context}: the output is not the build of {want} (it is exactly the build of {matches:?}); \
             pages by the base URLs they hold: {census:?}; {} files: {:?}; beside: {:?}",
            now.len(),
            now.keys().take(10).collect::<Vec<_>>(),
            names(self.dir.path())
        );
    }
}

fn build_cmd(root: &Path, out: &Path, base_url: &str) -> Command {
    let mut cmd = support::knead();
    cmd.args(["build", "--base-url", base_url, "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A started build: its pid, then its output and the moment it ended.
fn start(mut cmd: Command) -> (u32, std::thread::JoinHandle<(Output, Instant)>) {
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    (
        pid,
        std::thread::spawn(move || {
            let o = child.wait_with_output().unwrap();
            (o, Instant::now())
        }),
    )
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn two_builds_at_once_leave_exactly_the_one_that_finished_last() {
    let world = World::new();
    let started = Instant::now();
    let o = world.build(A).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let took = started.elapsed().as_millis() as u64;
    let rounds: u64 = std::env::var("KNEAD_LOCK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut waited = 0;
    for round in 0..rounds {
        // Delays from none to a little over one build: starts at the same moment, the
        // second during the first's writing, swap and exit, and after it.
        let delay = match round % 4 {
            0 => 0,
            _ => (round * 7919) % (took * 5 / 4 + 1),
        };
        let (first, second) = if round % 2 == 0 { (A, B) } else { (B, A) };
        let (pid1, one) = start(world.build(first));
        std::thread::sleep(Duration::from_millis(delay));
        let (pid2, two) = start(world.build(second));
        let (o1, end1) = one.join().unwrap();
        let (o2, end2) = two.join().unwrap();
        let context = format!("round {round}: {first} then {second} {delay} ms later");
        assert!(o1.status.success(), "{context}: the first build failed:\n{}", text(&o1));
        assert!(
            o2.status.success(),
            "{context}: the second build failed:\n{}",
            text(&o2)
        );
        // A build that waited says so once, naming the one it waited for: it wrote
        // the output last.
        let mut last = None;
        for (o, other, url) in [(&o1, pid2, first), (&o2, pid1, second)] {
            let stderr = String::from_utf8_lossy(&o.stderr);
            let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("waiting")).collect();
            assert!(notes.len() <= 1, "{context}: {stderr}");
            if let Some(note) = notes.first() {
                assert!(
                    note.contains(&format!("is being written by knead build (pid {other})")),
                    "{context}: {note}"
                );
                assert!(last.is_none(), "{context}: both builds waited for the other");
                waited += 1;
                last = Some(url);
            }
        }
        // Else the two did not overlap: the one that ended last wrote last.
        let last = last.unwrap_or(if end1 > end2 { first } else { second });
        let context = format!("{context} (pids {pid1} and {pid2}):\n{}\n{}", text(&o1), text(&o2));
        world.assert_output(last, &context);
    }
    eprintln!("{waited} of {rounds} rounds had a build wait for the other (a build took {took} ms)");
    assert!(waited > 0, "no round overlapped: the test did not test the lock");
}

#[test]
fn a_build_while_serve_runs_waits_or_says_so() {
    let world = World::new();
    let mut serve = support::knead();
    serve
        .args(["serve", "--port", "0", "--root"])
        .arg(world.root())
        .arg("--output")
        .arg(world.out())
        .env("NO_COLOR", "1");
    let mut server = Running::start(&mut serve);
    let holder = format!("knead serve (pid {})", server.child.id());
    wait_line(&server.out, "built: rendered");
    world.assert_site(DEFAULT, "serve's first build");

    // With --no-wait: exit 1 at once, naming the server and the way out.
    let o = world.build(B).arg("--no-wait").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains(&holder), "{stderr}");
    assert!(stderr.contains("--output DIR"), "{stderr}");
    assert!(!stderr.contains("permission"), "{stderr}");
    world.assert_site(DEFAULT, "after a refused build");

    // A second server of the same folder ends at once, before listening.
    let o = serve.stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&holder), "{}", text(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Serving"), "{}", text(&o));

    // Without it: one note naming the server, then it waits for as long as it runs.
    let mut build = Running::start(&mut world.build(B));
    let note = wait_line(&build.err, "waiting");
    assert!(note.contains(&holder) && note.contains("--output DIR"), "{note}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(build.child.try_wait().unwrap().is_none(), "the build did not wait");
    world.assert_site(DEFAULT, "while the build waits");
    let _ = server.child.kill();
    let _ = server.child.wait();
    let status = build.child.wait().unwrap();
    let rest: Vec<String> = build.err.try_iter().collect();
    assert!(status.success(), "the build failed after the server stopped: {rest:?}");
    assert!(
        rest.iter().all(|l| !l.contains("waiting")),
        "said more than once: {rest:?}"
    );
    wait_line(&build.out, "Built");
    world.assert_output(B, "the build after the server stopped");
}

#[test]
fn a_build_killed_holding_the_lock_holds_up_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let world = World::new();
    let lock = world.dir.path().join(".out.knead-lock");
    let started = Instant::now();
    let o = world.build(A).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let took = started.elapsed().as_millis() as u64;
    let mut killed = 0;
    for (round, delay) in [0, took / 4, took / 2, took * 3 / 4].into_iter().enumerate() {
        let mut child = world
            .build(A)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Holding the lock: it wrote its pid into the lock file.
        let mine = format!("pid {}\n", child.id());
        let deadline = Instant::now() + Duration::from_secs(20);
        while !std::fs::read_to_string(&lock).is_ok_and(|t| t.contains(&mine)) {
            assert!(Instant::now() < deadline, "the build never took the lock");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        killed += usize::from(status.signal().is_some());
        // At once, without waiting: the system released the killed build's lock.
        let o = world.build(B).arg("--no-wait").output().unwrap();
        let context = format!("round {round}: killed {delay} ms after taking the lock ({status})");
        assert!(o.status.success(), "{context}: {}", text(&o));
        world.assert_output(B, &context);
        // Back to the default for the next round.
        let o = world.build(DEFAULT).arg("--no-wait").output().unwrap();
        assert!(o.status.success(), "{context}: {}", text(&o));
        world.assert_output(DEFAULT, &context);
    }
    assert!(
        killed > 0,
        "every build finished before it was killed (a build took {took} ms)"
    );
}
