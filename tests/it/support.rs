//! Helpers shared by the integration tests: the real `knead` binary, temporary copies of
//! the fixture sites, and the contents of output folders.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The path of a fixture site under `tests/fixtures/`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A command that runs the `knead` binary Cargo built for these tests, without colours.
pub(crate) fn knead() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_knead"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Copies a folder recursively.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A temporary copy of a fixture site in `dir/site`; the folder is removed when dropped.
/// Each test has its own, so tests can run in parallel.
pub(crate) struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub(crate) fn new(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), &dir.path().join("site"));
        Site { dir }
    }

    /// A copy of a fixture with the repository's bundled themes in its `themes/`.
    pub(crate) fn with_themes(name: &str) -> Site {
        let site = Site::new(name);
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"),
            &site.path("themes"),
        );
        site
    }

    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces `from` by `to` in a file, failing if `from` is absent.
    pub(crate) fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// `knead ARGS --root SITE` (the root flag is added for build, check and new), run
    /// in the folder that holds the site.
    pub(crate) fn knead(&self, args: &[&str]) -> Run {
        let mut cmd = knead();
        cmd.args(args);
        if matches!(args.first(), Some(&"build") | Some(&"check") | Some(&"new")) {
            cmd.arg("--root").arg(self.root());
        }
        cmd.current_dir(self.dir.path());
        Run::from(cmd.output().unwrap())
    }
}

/// The result of running knead.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub(crate) fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "knead failed:\n{}\n{}", self.stdout, self.stderr);
        self
    }

    pub(crate) fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}:\n{}\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "knead panicked:\n{}", self.stderr);
        self
    }

    pub(crate) fn stderr_has(&self, text: &str) -> &Self {
        assert!(self.stderr.contains(text), "stderr lacks {text:?}:\n{}", self.stderr);
        self
    }

    pub(crate) fn stdout_has(&self, text: &str) -> &Self {
        assert!(self.stdout.contains(text), "stdout lacks {text:?}:\n{}", self.stdout);
        self
    }
}

/// Everything under `dir` by relative path: files with their bytes, folders as `rel/`
/// with no bytes, symlinks as `rel -> symlink` with their target.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    try_tree(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
}

/// [`tree`], or the first error met (a folder that changes while it is read).
pub(crate) fn try_tree(dir: &Path) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        if entry.file_type().is_file() {
            out.insert(rel, std::fs::read(entry.path())?);
        } else if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            out.insert(
                format!("{rel} -> symlink"),
                target.to_string_lossy().into_owned().into_bytes(),
            );
        } else if entry.file_type().is_dir() && entry.depth() > 0 {
            out.insert(format!("{rel}/"), Vec::new());
        }
    }
    Ok(out)
}

/// The names in a folder, sorted.
pub(crate) fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const TECHNIQUES: &[(&str, &str, &str)] = &[
    ("swedish", "Swedish massage", "light"),
    ("deep-tissue", "Deep-tissue massage", "firm"),
    ("trigger-point", "Trigger-point therapy", "firm"),
    ("shiatsu", "Shiatsu", "moderate"),
];

const BENEFITS: &[&str] = &["Pain relief", "Better sleep", "Reduced stiffness", "Stress reduction"];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes a valid site with `articles` articles under `root`. `variant` is woven into
/// the site title and every article, so two variants build to different outputs.
pub(crate) fn generate_site(root: &Path, articles: usize, variant: &str) {
    write(
        &root.join("site.yaml"),
        &format!(
            "title: \"Generated back care {variant}\"\nbase_url: \"https://example.org/\"\ndescription: \"A generated site.\"\nlanguage: en\nauthor: \"Generated editors\"\nmenu:\n  - name: Articles\n    url: /articles/\n  - name: About\n    url: pages/about.md\n"
        ),
    );
    write(
        &root.join("content/index.md"),
        "---\ntitle: \"Welcome\"\ndescription: \"Home.\"\n---\n\nStart with [the articles](/articles/).\n",
    );
    write(
        &root.join("content/pages/about.md"),
        "---\ntitle: \"About\"\ndescription: \"About us.\"\n---\n\nWho writes this site.\n",
    );
    for (slug, title, pressure) in TECHNIQUES {
        write(
            &root.join(format!("content/techniques/{slug}.md")),
            &format!(
                "---\ntitle: \"{title}\"\nsummary: \"About {title}.\"\npressure: {pressure}\ngood_for: [\"Tension\"]\navoid_if: [\"Fever\"]\n---\n\n## In a session\n\nWhat happens.\n"
            ),
        );
    }
    for i in 0..articles {
        let (t, _, _) = TECHNIQUES[i % TECHNIQUES.len()];
        let b = BENEFITS[i % BENEFITS.len()];
        let mut body = String::new();
        for s in 0..6 {
            let _ = write!(
                body,
                "\n## Section {s} of article {i}\n\nMassage may ease tight muscles around the spine ({variant}). \
                 Gentle pressure, slow strokes and a warm room help many people relax. See \
                 [the technique](../techniques/{t}.md) and [the next article](article-{next}.md#section-1-of-article-{next}).\n\n\
                 - one point\n- another point with *emphasis*\n",
                next = (i + 1) % articles
            );
        }
        write(
            &root.join(format!("content/articles/article-{i}.md")),
            &format!(
                "---\ntitle: \"Article {i}: massage and back pain\"\ndescription: \"What article {i} says ({variant}).\"\ndate: 2025-{month:02}-{day:02}\ntechniques: [{t}]\nbenefits: [\"{b}\"]\nfaqs:\n  - question: \"Does it help {i}?\"\n    answer: \"Often, for a while ({variant}).\"\nreferences:\n  - title: \"A review\"\n    url: \"https://example.org/review\"\n---\n{body}",
                month = 1 + i % 12,
                day = 1 + i % 28,
            ),
        );
    }
}

/// A running knead process, killed when dropped; its output lines arrive on channels.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) out: Receiver<String>,
    pub(crate) err: Receiver<String>,
}

impl Running {
    /// Starts `cmd` with its standard output and error read line by line.
    pub(crate) fn start(cmd: &mut Command) -> Running {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let out = lines(child.stdout.take().unwrap());
        let err = lines(child.stderr.take().unwrap());
        Running { child, out, err }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(r: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (up to 30 s) for a line on `rx` containing `text`; returns it.
pub(crate) fn wait_line(rx: &Receiver<String>, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(text) => return line,
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    panic!("no line containing {text:?}; saw:\n{}", seen.join("\n"));
}

/// Waits (up to 20 s) until `check` holds.
pub(crate) fn wait_for(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

/// A running `knead serve` of a site on a port the system chose.
pub(crate) struct Served {
    pub(crate) run: Running,
    pub(crate) port: u16,
}

/// Starts `knead serve --port 0 --root SITE` with `env`, and waits for its address.
pub(crate) fn serve(site: &Site, env: &[(&str, &str)]) -> Served {
    let run = Running::start(
        knead()
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .envs(env.iter().copied()),
    );
    let line = wait_line(&run.out, "Serving the site at http://127.0.0.1:");
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    Served { run, port }
}

/// `GET path` from a local server: the status, the head and the body.
pub(crate) fn http_get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    std::io::Write::write_all(
        &mut s,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    (code, head, buf[split + 4..].to_vec())
}

/// The lines of a server's live-reload event stream, as an open page hears them.
pub(crate) fn reload_events(port: u16) -> Receiver<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    std::io::Write::write_all(&mut s, b"GET /__knead/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    lines(s)
}

/// Everything that arrived on `rx` so far, waiting `quiet` after the last line.
pub(crate) fn drain(rx: &Receiver<String>, quiet: Duration) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok(line) = rx.recv_timeout(quiet) {
        seen.push(line);
    }
    seen
}

/// Waits (up to 20 s) until the site's output folder `public/` is, file for file and
/// byte for byte, what a clean `knead build` of its sources as they are now makes.
pub(crate) fn wait_same_as_clean_build(site: &Site) {
    let clean = site.dir.path().join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    let built = site.knead(&["build", "--output", clean.to_str().unwrap()]);
    built.ok();
    let expected = tree(&clean);
    let public = site.path("public");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // Read while a rebuild may swap the folder: a failed read is a mismatch.
        let got = try_tree(&public).unwrap_or_default();
        if got == expected {
            let _ = std::fs::remove_dir_all(&clean);
            return;
        }
        if Instant::now() > deadline {
            let differ: Vec<&String> = (expected.keys().chain(got.keys()))
                .filter(|k| expected.get(*k) != got.get(*k))
                .collect();
            panic!("public/ is not what a clean build makes; these differ: {differ:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The words of the repository's default theme in `code` (`themes/default/i18n/`).
pub(crate) fn read_theme_words(code: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/i18n/{code}.yaml")))
        .expect("the default theme's words")
}
