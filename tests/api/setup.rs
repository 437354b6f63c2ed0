//! The set-up a newcomer follows, checked against the files it depends on: the Rust
//! version the README asks for is the one `Cargo.toml` declares and at least what every
//! locked dependency needs; the container set-up pins its images, caches the
//! dependencies in a layer of their own, restarts on failure, and the README says how
//! to create the first team and users inside it.

use crate::helpers::repository_file;

/// `1.95` or `1.95.0` as (1, 95, 0).
fn version(text: &str) -> (u32, u32, u32) {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().unwrap());
    let major = parts.next().unwrap();
    (major, parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The quoted value of the first line `key = "…"` in a TOML text.
fn toml_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"'))
    })
}

fn declared_rust_version() -> (u32, u32, u32) {
    version(toml_value(&repository_file("Cargo.toml"), "rust-version").expect("rust-version in Cargo.toml"))
}

/// The platform this machine builds for, as `rustc` names it.
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .trim()
        .to_string()
}

/// The Rust version each locked registry crate built on this platform declares, as
/// `cargo metadata` reads it (offline, from the lock file and the crates this build
/// fetched; crates only another platform needs are never fetched here): (name, version,
/// rust-version if declared).
fn locked_rust_versions() -> Vec<(String, String, Option<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let host = host_triple();
    let out = std::process::Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host])
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].as_str().is_some_and(|s| s.starts_with("registry+")))
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                p["rust_version"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn the_readme_asks_for_the_rust_version_that_cargo_toml_declares_and_the_lock_needs() {
    let declared = declared_rust_version();
    let readme = repository_file("README.md");
    let (major, minor, _) = declared;
    assert!(
        readme.contains(&format!("Rust {major}.{minor} or newer")),
        "the README's prerequisites name Rust {major}.{minor}"
    );

    // Every crate from the registry that the lock file holds.
    let locked = locked_rust_versions();
    let checked = locked.len();
    let too_new: Vec<String> = locked
        .iter()
        .filter_map(|(name, locked, needs)| {
            let needs = needs.as_deref()?;
            (version(needs) > declared).then(|| format!("{name} {locked} needs Rust {needs}"))
        })
        .collect();
    assert!(checked > 100, "only {checked} locked crates from the registry");
    assert!(too_new.is_empty(), "rust-version is too old: {too_new:?}");

    let dockerfile = repository_file("Dockerfile");
    assert!(
        dockerfile.contains(&format!("FROM rust:{major}.{minor}.")),
        "the Dockerfile builds with Rust {major}.{minor}"
    );
}

#[test]
fn the_container_images_are_pinned_and_restart_and_the_dependencies_have_a_layer() {
    let compose = repository_file("docker-compose.yml");
    let images: Vec<&str> = compose
        .lines()
        .filter_map(|l| l.trim().strip_prefix("image:"))
        .map(str::trim)
        .collect();
    assert!(images.len() >= 2, "{images:?}");
    for image in &images {
        let tag = image.rsplit_once(':').map(|(_, tag)| tag).unwrap_or("");
        assert!(
            tag.chars().any(|c| c.is_ascii_digit()) && !tag.contains("latest"),
            "{image} is not pinned to a version"
        );
    }
    // Each service (a line indented by two spaces under `services:`) restarts.
    let services = compose
        .split("\nvolumes:")
        .next()
        .unwrap()
        .split("\nservices:\n")
        .nth(1)
        .unwrap();
    let mut blocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in services.lines() {
        let is_service = line.starts_with("  ") && !line.starts_with("   ");
        match line.strip_prefix("  ").and_then(|l| l.strip_suffix(':')) {
            Some(name) if is_service => blocks.push((name, Vec::new())),
            _ => blocks.last_mut().expect("a service").1.push(line.trim()),
        }
    }
    let names: Vec<&str> = blocks.iter().map(|(name, _)| *name).collect();
    for (name, lines) in &blocks {
        assert!(
            lines.contains(&"restart: unless-stopped"),
            "{name} does not restart"
        );
    }
    assert_eq!(names, ["postgres", "mailpit", "avg-loket"]);

    let dockerfile = repository_file("Dockerfile");
    let lock_layer = dockerfile
        .find("COPY Cargo.toml Cargo.lock")
        .expect("a dependency layer");
    let sources = dockerfile.find("COPY . .").expect("the sources");
    let first_build = dockerfile.find("cargo build --release --locked").unwrap();
    assert!(lock_layer < first_build && first_build < sources, "{dockerfile}");
    for line in dockerfile.lines().filter(|l| l.starts_with("FROM ")) {
        assert!(!line.contains("latest"), "{line}");
        assert!(line.chars().any(|c| c.is_ascii_digit()), "{line} is not pinned");
    }

    let readme = repository_file("README.md");
    for step in ["team add", "user add"] {
        assert!(
            readme.contains(&format!("docker compose exec avg-loket avg-loket {step}")),
            "the README says how to run '{step}' in the container"
        );
    }
}

/// Every document a source file, test, script or document names (`docs/api.md`,
/// `letters.md`, `README.md`) is in the repository: the product's documentation stands
/// on its own.
#[test]
fn every_document_named_is_in_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .expect("git lists the tracked files");
    let tracked: Vec<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    assert!(
        tracked.iter().any(|f| f == "README.md"),
        "run inside the repository"
    );
    let documents: Vec<&String> = tracked.iter().filter(|f| f.ends_with(".md")).collect();
    let named = regex::Regex::new(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b").unwrap();
    let mut missing = Vec::new();
    for file in &tracked {
        let readable = [".rs", ".md", ".mjs", ".py", ".sh", ".toml", ".html", ".yml"]
            .iter()
            .any(|ext| file.ends_with(ext))
            || file.starts_with(".ci/");
        if !readable || file.contains("node_modules") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        for found in named.find_iter(&text) {
            let name = found.as_str().trim_start_matches("./").trim_start_matches('/');
            // A path from the root, or a name beside the naming file or anywhere in docs/.
            let exists = documents.iter().any(|d| {
                d.as_str() == name
                    || d.ends_with(&format!("/{name}"))
                    || std::path::Path::new(file).parent().map(|p| p.join(name))
                        == Some(std::path::PathBuf::from(d.as_str()))
            });
            if !exists {
                missing.push(format!("{file} names {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "documents named but not in the repository:\n{}",
        missing.join("\n")
    );
}

/// The layers of docs/architecture.md ("Which module may import which"), checked on the
/// source: a forbidden `crate::…` path anywhere in a module's files fails the build's
/// tests, not only a reader's eye.
#[test]
fn no_module_imports_what_the_architecture_forbids() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // (module, what it never names; `web/mod.rs` alone mounts the two adapters)
    let rules: [(&str, &[&str]); 9] = [
        (
            "domain",
            &[
                "storage",
                "service",
                "http",
                "pages",
                "web",
                "mail",
                "jobs",
                "oidc",
                "cli",
                "startup",
                "configuration",
                "clock",
            ],
        ),
        (
            "storage",
            &[
                "service", "http", "pages", "web", "mail", "jobs", "oidc", "cli", "startup", "clock",
            ],
        ),
        (
            "service",
            &["http", "pages", "web", "jobs", "cli", "startup", "clock"],
        ),
        ("http", &["pages", "storage", "jobs", "cli", "startup"]),
        ("pages", &["http", "storage", "jobs", "cli", "startup"]),
        (
            "mail",
            &[
                "storage", "service", "http", "pages", "web", "jobs", "oidc", "cli", "startup",
            ],
        ),
        (
            "oidc",
            &[
                "storage", "service", "http", "pages", "web", "mail", "jobs", "cli", "startup",
            ],
        ),
        ("jobs", &["http", "pages", "web", "cli", "startup"]),
        ("web", &["jobs", "cli", "startup"]),
    ];
    let path = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut broken = Vec::new();
    for (module, never) in rules {
        let mut files = vec![root.join(module)];
        while let Some(next) = files.pop() {
            if next.is_dir() {
                files.extend(std::fs::read_dir(&next).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if next.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&next).unwrap();
            let mounts_adapters = module == "web" && next.ends_with("web/mod.rs");
            for (n, line) in text.lines().enumerate() {
                for found in path.captures_iter(line) {
                    let named = &found[1];
                    let adapter = named == "http" || named == "pages";
                    if never.contains(&named) || (module == "web" && adapter && !mounts_adapters) {
                        broken.push(format!(
                            "{}:{}: {module} names crate::{named}",
                            next.strip_prefix(&root).unwrap().display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports the layers forbid (docs/architecture.md):\n{}",
        broken.join("\n")
    );
}
