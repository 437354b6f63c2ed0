//! The newcomer's walk-through, run as it is written: the shell blocks of the README's
//! "A first request" and of `docs/api.md`, in order, in one `bash -euo pipefail` on a
//! fresh database, with the `avg-loket` that cargo built on the `PATH` (the docs say to
//! install it there). A block right after `<!-- walk-through test: not run … -->` is
//! skipped (installing the binary). The README's section expects the service to be
//! running already, as its first command leaves it; `docs/api.md` starts it itself.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::cli::BIN;
use crate::helpers::{repository_file, TestDatabase};
use crate::smtp_sink::free_port;

const SKIP: &str = "<!-- walk-through test: not run";

/// The ```sh blocks of `markdown` from the heading `from` (or the start) to the next
/// heading of the same level, without those marked to skip.
fn shell_blocks(markdown: &str, from: Option<&str>) -> String {
    let text = match from {
        Some(heading) => {
            let start = markdown.find(heading).unwrap_or_else(|| panic!("no '{heading}'"));
            let rest = &markdown[start + heading.len()..];
            let end = rest.find("\n## ").unwrap_or(rest.len());
            &markdown[start..start + heading.len() + end]
        }
        None => markdown,
    };
    let mut script = String::new();
    let mut lines = text.lines();
    let mut skip_next = false;
    while let Some(line) = lines.next() {
        if line.starts_with(SKIP) {
            skip_next = true;
        } else if line.trim() == "```sh" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            if !std::mem::take(&mut skip_next) {
                script.push_str(&block.join("\n"));
                script.push('\n');
            }
        }
    }
    script
}

/// Stops every process the walk-through started (the service it put in the
/// background), also when the test fails, and waits until they are gone, so that the
/// test database can be dropped.
struct Group(u32);

impl Drop for Group {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0)])
            .status();
        for _ in 0..100 {
            let alive = Command::new("kill")
                .args(["-0", "--", &format!("-{}", self.0)])
                .stderr(Stdio::null())
                .status();
            if !alive.is_ok_and(|s| s.success()) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Runs `script` in a fresh directory; `serve_first` starts the service before it.
/// Returns what it printed.
fn walk(script: &str, serve_first: bool) -> String {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create();
    let port = free_port();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let env = [
        ("PATH", path.as_str()),
        ("HOME", &dir.path().display().to_string()),
        ("AVG_LOKET_DATABASE_URL", &database.url()),
        ("AVG_LOKET_LISTEN", &format!("127.0.0.1:{port}")),
        ("AVG_LOKET_BASE_URL", &format!("http://127.0.0.1:{port}")),
        ("AVG_LOKET_LOG", "warn"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let prelude = if serve_first {
        "avg-loket serve &\nuntil curl -sf $AVG_LOKET_BASE_URL/readyz >/dev/null; do sleep 0.2; done\n"
    } else {
        ""
    };
    let logs = tempfile::tempdir().unwrap();
    let (out, err) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let mut child = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &format!("{prelude}{script}")])
        .current_dir(dir.path())
        .env_clear()
        .envs(env)
        .process_group(0)
        .stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
        .spawn()
        .expect("bash");
    let _group = Group(child.id());
    // Files, not pipes: the service the script leaves in the background holds them open.
    let status = child.wait().unwrap();
    let (stdout, stderr) = (
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&err).unwrap(),
    );
    assert!(
        status.success(),
        "the walk-through stopped ({}):\n--- script\n{script}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        status
    );
    stdout
}

#[test]
fn the_readmes_first_request_runs_as_written() {
    let script = shell_blocks(&repository_file("README.md"), Some("## A first request"));
    assert!(script.contains("avg-loket user add"), "{script}");
    let printed = walk(&script, true);
    assert!(printed.contains("\"reference\":\"AVG-2026-00001\""), "{printed}");
    assert!(printed.contains("\"status\":\"received\""), "{printed}");
    assert!(
        printed.contains("\"requester\":{"),
        "the caseworker sees everything: {printed}"
    );
}

#[test]
fn the_day_in_docs_api_runs_as_written() {
    let script = shell_blocks(&repository_file("docs/api.md"), None);
    for step in [
        "actions/correct",
        "actions/transfer",
        "?q=",
        "actions/decide",
        "audit verify",
    ] {
        assert!(script.contains(step), "{step} is part of the day");
    }
    let printed = walk(&script, false);
    assert!(printed.contains("audit trail intact"), "{printed}");
    assert!(printed.contains("\"team\":\"JGD\""), "the transfer: {printed}");
    assert!(
        printed.contains("\"status\":\"refused\""),
        "the decision: {printed}"
    );
    assert!(
        printed.contains("\"action\":\"correct\""),
        "the correction is in the events: {printed}"
    );
}

#[test]
fn blocks_marked_not_run_are_left_out_and_sections_end_at_the_next_heading() {
    let markdown = "# T\n## A\n```sh\necho a\n```\n<!-- walk-through test: not run (x) -->\n```sh\necho skipped\n```\n```json\n{}\n```\n## B\n```sh\necho b\n```\n";
    assert_eq!(shell_blocks(markdown, Some("## A")), "echo a\n");
    assert_eq!(shell_blocks(markdown, None), "echo a\necho b\n");
}
