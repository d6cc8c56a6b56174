//! The fault suite, as a user meets it: outputs never overwrite inputs or existing files
//! unasked, hostile text from a token never drives the terminal, F6 finds a folder it may write.

use std::path::Path;
use std::process::Command;

use serde_json::json;
use tokenyar_engine::authoring::scenario::synth_cert;

fn tokenyar(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(args)
        .current_dir(dir)
        .env("LANG", "C")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a hostile certificate writer puts in a label: clear the screen, set the window title,
/// return to the line start and claim all is well.
const EVIL: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\rALL CHECKS OK\u{9b}31m";

fn evil_bundle(dir: &Path) -> std::path::PathBuf {
    let der = synth_cert(&json!({
        "cn": format!("Sara{EVIL}"), "o": "Unaffiliated",
        "not_before": "2024-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z",
    }))
    .unwrap();
    let v = json!({
        "format": "tokenyar-bundle", "version": 1,
        "facts": {
            "clock": {"value": {"now": "2025-03-01T09:00:00+03:30"}},
            "token": {"value": {"slots": [{"token_present": true,
                "token": {"label": format!("token{EVIL}"), "flags": {"token_initialized": true}},
                "certificates": [{"label": format!("sign{EVIL}"), "der": der}]}]}}
        }
    });
    let p = dir.join("b.json");
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    p
}

fn harmless(out: &str) {
    assert!(!out.contains('\u{1b}'), "ESC reached the terminal: {out:?}");
    assert!(!out.contains('\u{7}'), "BEL reached the terminal");
    assert!(!out.contains('\u{9b}'), "a C1 CSI reached the terminal");
    assert!(!out.contains('\r'), "CR reached the terminal");
}

#[test]
fn a_report_onto_its_own_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let b = evil_bundle(dir.path());
    let before = std::fs::read(&b).unwrap();
    let (code, _, err) = tokenyar(
        dir.path(),
        &[
            "report",
            "--snapshot",
            "b.json",
            "-o",
            "./b.json",
            "--force",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("input"), "{err}");
    assert_eq!(std::fs::read(&b).unwrap(), before);
}

#[test]
fn an_existing_report_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    evil_bundle(dir.path());
    std::fs::write(dir.path().join("r.md"), "old").unwrap();
    let (code, _, err) = tokenyar(
        dir.path(),
        &["report", "--snapshot", "b.json", "-o", "r.md"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.md")).unwrap(),
        "old"
    );
    let (code, _, err) = tokenyar(
        dir.path(),
        &["report", "--snapshot", "b.json", "-o", "r.md", "--force"],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    assert_ne!(text, "old");
    harmless(&text);
}

#[test]
fn terminal_escapes_from_a_token_are_printed_harmlessly() {
    let dir = tempfile::tempdir().unwrap();
    evil_bundle(dir.path());
    for args in [
        &["report", "--snapshot", "b.json"][..],
        &["report", "--snapshot", "b.json", "--format", "json"][..],
        &["diagnose", "--snapshot", "b.json"][..],
        &["diagnose", "--snapshot", "b.json", "--json"][..],
    ] {
        let (code, out, err) = tokenyar(dir.path(), args);
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        harmless(&out);
        harmless(&err);
    }
    // The label is still there, its escapes shown as replacement characters.
    let (_, out, _) = tokenyar(dir.path(), &["report", "--snapshot", "b.json"]);
    assert!(out.contains("\u{FFFD}[2J"), "{out}");
}

#[test]
fn a_session_saved_in_a_read_only_folder_goes_to_the_data_folder() {
    let ro = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(ro.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    // Root may write anywhere; then a folder the kernel refuses even to root stands in.
    let folder = if std::fs::write(ro.path().join("probe"), "x").is_ok() {
        std::path::PathBuf::from("/sys")
    } else {
        ro.path().to_path_buf()
    };
    let target = folder.join("tokenyar-session-1.json");
    let written = tokenyar::app::write_file_or_in(
        &target.display().to_string(),
        "{}\n",
        Some(data.path().to_path_buf()),
    )
    .unwrap();
    let written = Path::new(&written);
    assert_eq!(
        written.parent().unwrap(),
        std::fs::canonicalize(data.path()).unwrap()
    );
    assert_eq!(std::fs::read_to_string(written).unwrap(), "{}\n");
    // Without a folder to fall back to, the error says what the folder said.
    let e =
        tokenyar::app::write_file_or_in(&target.display().to_string(), "{}\n", None).unwrap_err();
    assert!(e.contains("tokenyar-session-1.json"), "{e}");
}
