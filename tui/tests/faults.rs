//! The fault suite, as a user meets it: outputs never overwrite inputs or existing files
//! unasked, hostile text from a token never drives the terminal, F6 finds a folder it may write.

use crate::support::run_in as tokenyar;
use std::path::Path;

use serde_json::json;
use tokenyar_engine::authoring::scenario::synth_cert;

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

/// Copies the repository's `kb/` and `scripts/` into `to`.
fn copy_kb(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                copy(&p, &to.join(e.file_name()));
            } else {
                std::fs::copy(&p, to.join(e.file_name())).unwrap();
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy(&root.join("kb"), &to.join("kb"));
    copy(&root.join("scripts"), &to.join("scripts"));
}

/// kb/README.md section 9: a `--kb` folder is data. Its `software.yaml` asking for a command
/// line must not make tokenyar run it (refused at load, or ignored).
#[test]
fn a_kb_folder_cannot_make_tokenyar_run_a_program() {
    let dir = tempfile::tempdir().unwrap();
    copy_kb(dir.path());
    let marker = dir.path().join("PWNED");
    let sw = dir.path().join("kb/software.yaml");
    let text = std::fs::read_to_string(&sw).unwrap();
    let hostile = format!(
        "        - {{run: [sh, -c, 'touch {}'], version: '(x)'}}\n",
        marker.display()
    );
    // The first program's Linux section gains the hostile command; a folder without a
    // `commands:` key any more (issue 17) gets one.
    let text = if text.contains("    linux:\n      commands:\n") {
        text.replacen(
            "    linux:\n      commands:\n",
            &format!("    linux:\n      commands:\n{hostile}"),
            1,
        )
    } else {
        text.replacen(
            "    linux:\n",
            &format!("    linux:\n      commands:\n{hostile}"),
            1,
        )
    };
    std::fs::write(&sw, text).unwrap();
    let (_code, _out, _err) = tokenyar(
        dir.path(),
        &[
            "diagnose",
            "--kb",
            "kb",
            "--offline",
            "--no-module-discovery",
        ],
    );
    assert!(!marker.exists(), "a --kb folder ran a program");
}

#[test]
fn a_mistyped_module_path_says_file_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = tokenyar(
        dir.path(),
        &[
            "diagnose",
            "--offline",
            "--pkcs11-module",
            "/opt/nowhere/libcastle.so",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("file not found"), "{err}");
    assert!(!err.contains("reinstall"), "{err}");
}

#[test]
fn no_module_at_all_is_cannot_tell_not_install_the_software() {
    let dir = tempfile::tempdir().unwrap();
    // A machine with nothing: no token fact (no module found), no USB token, no software.
    let bundle = json!({
        "format": "tokenyar-bundle", "version": 1,
        "facts": {
            "clock": {"value": {"now": "2025-03-01T09:00:00+03:30"}},
            "os": {"value": {"family": "windows"}},
            "token": {"value": {"modules": [], "slots": []}},
            "usb": {"value": {"devices": []}},
            "software": {"value": {"items": {"epass3003-token-manager": {"installed": false}}}}
        }
    });
    std::fs::write(
        dir.path().join("b.json"),
        serde_json::to_string(&bundle).unwrap(),
    )
    .unwrap();
    let (_, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", "b.json", "--json"]);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let checks = v["checks"].as_array().unwrap();
    let sw: Vec<&serde_json::Value> = checks
        .iter()
        .filter(|c| c.to_string().contains("token-software"))
        .collect();
    assert!(!sw.is_empty(), "{v}");
    for c in sw {
        assert_ne!(c["status"], json!("fail"), "{c}");
    }
}

#[test]
fn diagnose_json_is_redacted_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let der = synth_cert(&json!({
        "cn": "Sara Ahmadi [Sign]", "o": "Unaffiliated", "serial_number": "0499370899",
        "not_before": "2024-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z",
    }))
    .unwrap();
    let v = json!({
        "format": "tokenyar-bundle", "version": 1,
        "facts": {
            "clock": {"value": {"now": "2025-03-01T09:00:00+03:30"}},
            "token": {"value": {"slots": [{"token_present": true,
                "token": {"label": "Sara Ahmadi", "flags": {"token_initialized": true}},
                "certificates": [{"label": "Sara Ahmadi [Sign]", "der": der}]}]}}
        }
    });
    std::fs::write(dir.path().join("b.json"), v.to_string()).unwrap();
    let (_, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", "b.json", "--json"]);
    assert!(out.contains("\"checks\""), "{out}{err}");
    for secret in ["0499370899", "Ahmadi"] {
        assert!(!out.contains(secret), "{secret} in --json output");
    }
    let (_, out, _) = tokenyar(
        dir.path(),
        &["diagnose", "--snapshot", "b.json", "--json", "--no-redact"],
    );
    assert!(
        out.contains("0499370899"),
        "--no-redact keeps what the checks found"
    );
}
