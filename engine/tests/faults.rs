//! The fault suite of files and hostile input: no write loses data, no input exhausts memory or
//! hangs a run. Each test finishes in seconds.

use std::path::Path;
use std::time::{Duration, Instant};

use tokenyar_engine::facts::{Bundle, BundleError};
use tokenyar_engine::files::{self, Existing, FileError};
use tokenyar_engine::kb::{Source, yaml};

#[test]
fn a_write_that_fails_midway_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("case-report.md");
    std::fs::write(&p, "the old report\n").unwrap();
    // What a full disk does: part of the text goes out, then the write fails.
    let e = files::write_with(&p, Existing::Replace, &[], |w| {
        w.write_all(&[b'x'; 40_000])?;
        Err(std::io::Error::other("No space left on device"))
    })
    .unwrap_err();
    assert!(e.to_string().contains("No space left"), "{e}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "the old report\n");
    // No temporary file is left behind either.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn an_existing_file_is_replaced_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.json");
    std::fs::write(&p, "old").unwrap();
    let e = files::write(&p, b"new", Existing::Refuse, &[]).unwrap_err();
    assert!(matches!(e, FileError::Exists { .. }), "{e}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");

    let other = files::write(&p, b"new", Existing::NewName, &[]).unwrap();
    assert_eq!(other, dir.path().join("b-2.json"));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "new");

    files::write(&p, b"forced", Existing::Replace, &[]).unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "forced");
}

#[test]
fn an_input_is_never_the_output_even_by_another_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.json");
    std::fs::write(&p, "the bundle").unwrap();
    let other_spelling = dir.path().join(".").join("b.json");
    let e = files::write(&other_spelling, b"report", Existing::Replace, &[&p]).unwrap_err();
    assert!(matches!(e, FileError::IsInput { .. }), "{e}");
    #[cfg(unix)]
    {
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        let e = files::write(&link, b"report", Existing::Replace, &[&p]).unwrap_err();
        assert!(matches!(e, FileError::IsInput { .. }), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "the bundle");
}

#[test]
fn a_100_mb_bundle_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.json");
    // Sparse: 100 MB long, no disk used.
    std::fs::File::create(&p)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let t = Instant::now();
    let e = Bundle::read(&p).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );
    assert!(
        matches!(e, BundleError::File(FileError::TooLarge { .. })),
        "{e}"
    );
    assert!(e.to_string().contains("bundle"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_fifo_given_as_a_bundle_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.json");
    let ok = std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .unwrap();
    assert!(ok.success());
    let e = Bundle::read(&p).unwrap_err();
    assert!(
        matches!(e, BundleError::File(FileError::NotAFile { .. })),
        "{e}"
    );
}

/// A YAML "billion laughs": 7 levels of 10 aliases, 10 million values once expanded.
fn alias_bomb(levels: usize) -> String {
    let mut s = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=levels {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    s
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let t = Instant::now();
    let e = yaml::parse(&alias_bomb(7)).unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(e.message.contains("aliases"), "{}", e.message);
    // Within budget, aliases still work.
    let doc = yaml::parse(&alias_bomb(2)).unwrap();
    assert_eq!(doc.value["a2"][9][9][0].as_str(), Some("lol"));
}

#[test]
fn deep_yaml_nesting_is_refused() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = yaml::parse(&deep).unwrap_err();
    assert!(
        e.message.contains("nest") || e.message.contains("recursion"),
        "{}",
        e.message
    );
}

/// A copy of the shipped knowledge base (its meta files only) in a folder.
fn kb_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, text) in Source::embedded().files {
        if p.matches('/').count() == 1 && p.starts_with("kb/") {
            let to = dir.path().join(&p);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, text).unwrap();
        }
    }
    std::fs::create_dir_all(dir.path().join("kb/general")).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn the_kb_walk_skips_fifos_and_links_that_loop_or_leave() {
    let dir = kb_folder();
    let general = dir.path().join("kb/general");
    std::fs::write(general.join("real.yaml"), "[]\n").unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(general.join("blocks.yaml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    // Two links to their own folder: a naive walk is exponential.
    std::os::unix::fs::symlink(".", general.join("a")).unwrap();
    std::os::unix::fs::symlink(".", general.join("b")).unwrap();
    // A link out of the folder.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "x: 1\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), general.join("out")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), general.join("out.yaml"))
        .unwrap();
    let t = Instant::now();
    let src = Source::from_dir(&dir.path().join("kb")).unwrap();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let names: Vec<&str> = src.files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"kb/general/real.yaml"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("blocks")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("out")), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.ends_with("real.yaml")).count(),
        1,
        "{names:?}"
    );
}

#[test]
fn an_oversized_kb_file_is_refused_with_its_name() {
    let dir = kb_folder();
    let big = dir.path().join("kb/general/big.yaml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(files::MAX_KB_FILE_BYTES + 1)
        .unwrap();
    let e = Source::from_dir(&dir.path().join("kb")).unwrap_err();
    assert!(e.to_string().contains("big.yaml"), "{e}");
    assert!(e.to_string().contains("more than"), "{e}");
}

#[test]
fn a_session_file_has_a_size_cap_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.json");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(files::MAX_SESSION_BYTES + 1)
        .unwrap();
    let e = tokenyar_engine::infer::saved::SavedSession::read(Path::new(&p)).unwrap_err();
    assert!(e.to_string().contains("more than"), "{e}");
}
