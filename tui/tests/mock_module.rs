//! `tokenyar diagnose` against the mock PKCS#11 module (tests/mock-pkcs11), for what SoftHSM2
//! cannot show: locked and final-try PINs, a PIN to be changed, a blocked SO PIN, a token the
//! module does not recognise, modules that hang or abort, garbage in a certificate object. The
//! mock records every call, so these tests also prove tokenyar never logs in, touches a PIN or
//! writes.

#![cfg(unix)] // the mock module is built and loaded as a Unix shared library
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Run, hex, tokenyar, user_cert};

/// Builds the mock module (once per test run) and returns the library's path.
fn mock_library() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = Command::new(env!("CARGO"))
            .args([
                "build",
                "-p",
                "tokenyar-mock-pkcs11",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(&root)
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the mock module failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|m| m["reason"] == "compiler-artifact")
            .filter(|m| m["target"]["name"] == "tokenyar_mock_pkcs11")
            .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| f.as_str().map(PathBuf::from))
            .find(|f| {
                f.extension()
                    .is_some_and(|e| e == "so" || e == "dylib" || e == "dll")
            })
            .expect("cargo names the mock library")
    })
}

/// A copy of the mock module that plays `scenario` (the JSON file beside it), in its own folder.
struct Mock {
    dir: tempfile::TempDir,
    lib: PathBuf,
}

impl Mock {
    fn new(name: &str, mut scenario: Value) -> Mock {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join(format!("libmock-{name}.so"));
        std::fs::copy(mock_library(), &lib).unwrap();
        scenario["log"] = json!(dir.path().join("calls.log"));
        let mut side = lib.clone().into_os_string();
        side.push(".json");
        std::fs::write(side, serde_json::to_string_pretty(&scenario).unwrap()).unwrap();
        Mock { dir, lib }
    }

    fn path(&self) -> &str {
        self.lib.to_str().unwrap()
    }

    /// The PKCS#11 functions the module saw, in order.
    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// One slot with a token carrying `flags` and `certs`.
fn scenario(flags: &[&str], certs: Vec<Vec<u8>>) -> Value {
    let certificates: Vec<Value> = certs
        .iter()
        .enumerate()
        .map(|(i, der)| json!({"label": format!("cert{i}"), "id": format!("0{i}"), "der_hex": hex(der)}))
        .collect();
    json!({
        "library": {"manufacturer": "Mock Feitian", "description": "tokenyar mock module"},
        "slots": [{
            "id": 1, "description": "ePass3003 mock slot", "manufacturer": "EnterSafe",
            "token_present": true, "removable": true, "hardware": true,
            "token": {"label": "ali", "model": "ePass3003", "manufacturer": "EnterSafe",
                      "serial": "2A0B11C2D3E4F506", "min_pin": 4, "max_pin": 16,
                      "flags": flags},
            "certificates": certificates
        }]
    })
}

const HEALTHY: &[&str] = &[
    "rng",
    "login_required",
    "user_pin_initialized",
    "token_initialized",
];

fn valid_cert() -> Vec<u8> {
    user_cert("Ali Rezaei [Sign]", "Unaffiliated", "0012345678", -100, 600)
}

/// The tests of this file run one at a time: two of them time `diagnose` against its deadline,
/// and must not compete for the CPU with the others.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn diagnose(mocks: &[&Mock], extra: &[&str]) -> Run {
    let mut args = vec!["diagnose", "--json", "--offline", "--no-module-discovery"];
    for m in mocks {
        args.push("--pkcs11-module");
        args.push(m.path());
    }
    args.extend_from_slice(extra);
    tokenyar(&args, &[])
}

/// What a read-only reader may call; anything else (log in, PINs, writes, keys) is a harm.
const READ_ONLY: &[&str] = &[
    "C_GetFunctionList",
    "C_Initialize",
    "C_GetInfo",
    "C_GetSlotList",
    "C_GetSlotInfo",
    "C_GetTokenInfo",
    "C_OpenSession ro",
    "C_FindObjectsInit",
    "C_FindObjects",
    "C_FindObjectsFinal",
    "C_GetAttributeValue",
    "C_CloseSession",
    "C_Finalize",
];

fn assert_read_only(m: &Mock) {
    let calls = m.calls();
    for c in &calls {
        assert!(
            READ_ONLY.contains(&c.as_str()),
            "tokenyar called {c}, which a read-only probe must never do; all calls: {calls:?}"
        );
    }
}

#[test]
fn a_healthy_token_is_read_only_through_the_read_only_sequence() {
    let _serial = serial();
    let m = Mock::new("healthy", scenario(HEALTHY, vec![valid_cert()]));
    let r = diagnose(&[&m], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.cases().is_empty(), "{}", r.stdout);
    let detected = r.check("general/token-not-detected");
    assert_eq!(detected["status"], json!("ok"));
    assert_eq!(detected["evidence"]["tokens"][0]["label"], json!("ali"));
    let count = r.check("general/cert-missing");
    assert_eq!(
        count["evidence"]["tokens"][0]["list"][0]["national_id"],
        json!("••••••5678")
    );
    // The proof that the log works: the whole sequence is there, in order, then nothing else.
    let calls = m.calls();
    let wanted = [
        "C_Initialize",
        "C_GetSlotList",
        "C_GetSlotInfo",
        "C_GetTokenInfo",
        "C_OpenSession ro",
        "C_FindObjectsInit",
        "C_GetAttributeValue",
        "C_CloseSession",
        "C_Finalize",
    ];
    let mut at = 0;
    for w in wanted {
        let found = calls[at..].iter().position(|c| c == w);
        assert!(
            found.is_some(),
            "{w} missing after position {at}: {calls:?}"
        );
        at += found.unwrap();
    }
    assert_read_only(&m);
}

#[test]
fn pin_and_so_pin_states_come_from_the_flags_without_a_login() {
    let _serial = serial();
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    );
    let cases: [Case; 4] = [
        (
            "locked",
            "user_pin_locked",
            "general/pin-locked",
            "error",
            "general/pin-locked",
        ),
        (
            "final",
            "user_pin_final_try",
            "general/pin-locked",
            "warning",
            "general/pin-locked",
        ),
        (
            "change",
            "user_pin_to_be_changed",
            "general/pin-locked",
            "warning",
            "general/pin-must-change",
        ),
        (
            "so-locked",
            "so_pin_locked",
            "general/so-pin-locked",
            "error",
            "general/so-pin-locked",
        ),
    ];
    for (name, flag, case, severity, node) in cases {
        let mut flags = HEALTHY.to_vec();
        flags.push(flag);
        let m = Mock::new(name, scenario(&flags, vec![valid_cert()]));
        let r = diagnose(&[&m], &[]);
        assert_eq!(r.cases(), vec![case.to_string()], "{name}: {}", r.stdout);
        let f = r.finding(case);
        assert_eq!(f["severity"], json!(severity), "{name}");
        assert_eq!(f["node"], json!(node), "{name}");
        assert_eq!(r.code, 1);
        assert_read_only(&m);
    }
}

#[test]
fn a_token_the_module_does_not_recognise_is_named_with_its_cause() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![valid_cert()]);
    s["slots"][0]["token_info_rv"] = json!("CKR_TOKEN_NOT_RECOGNIZED");
    let m = Mock::new("unrecognised", s);
    let r = diagnose(&[&m], &[]);
    assert_eq!(
        r.cases(),
        vec!["general/token-not-detected".to_string()],
        "{}",
        r.stdout
    );
    let f = r.finding("general/token-not-detected");
    let err = &f["evidence"]["slot_errors"][0];
    assert_eq!(err["error"], json!("CKR_TOKEN_NOT_RECOGNIZED"));
    assert_eq!(err["error_in"], json!("C_GetTokenInfo"));
    assert!(
        err["cause"]["en"]
            .as_str()
            .unwrap()
            .contains("does not recognise")
    );
    assert_eq!(
        f["remedy"]["id"],
        json!("general/token-not-detected/unreadable")
    );
    // Nothing is guessed about the PIN or certificates of a token that could not be read.
    for c in [
        "general/pin-locked",
        "general/cert-missing",
        "general/so-pin-locked",
    ] {
        assert_eq!(r.check(c)["status"], json!("unknown"), "{c}");
    }
    assert_read_only(&m);
}

#[test]
fn an_empty_slot_is_no_token() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![]);
    s["slots"][0]["token_present"] = json!(false);
    let m = Mock::new("empty", s);
    let r = diagnose(&[&m], &[]);
    assert_eq!(r.cases(), vec!["general/token-not-detected".to_string()]);
    let ev = &r.finding("general/token-not-detected")["evidence"];
    assert_eq!(ev["tokens"], json!([]));
    assert_eq!(ev["modules"][0]["loaded"], json!(true));
    assert_eq!(ev["modules"][0]["error"], Value::Null);
}

#[test]
fn a_hung_module_is_stopped_at_the_deadline_and_reported_unknown() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![valid_cert()]);
    s["hang_in"] = json!("C_GetTokenInfo");
    let m = Mock::new("hang", s);
    let r = diagnose(&[&m], &["--token-deadline", "2"]);
    assert!(
        r.elapsed < Duration::from_secs(3),
        "diagnose took {:?}",
        r.elapsed
    );
    let detected = r.check("general/token-not-detected");
    assert_eq!(detected["status"], json!("unknown"), "{}", r.stdout);
    assert!(
        detected["reason"]
            .as_str()
            .unwrap()
            .contains("timeout in C_GetTokenInfo")
    );
    assert!(
        r.cases().is_empty(),
        "a hang is not a finding: {}",
        r.stdout
    );
    assert_eq!(r.code, 0);
}

#[test]
fn a_crashing_module_is_reported_unknown_within_the_deadline() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![valid_cert()]);
    s["abort_in"] = json!("C_GetTokenInfo");
    let m = Mock::new("abort", s);
    let r = diagnose(&[&m], &["--token-deadline", "2"]);
    assert!(
        r.elapsed < Duration::from_secs(3),
        "diagnose took {:?}",
        r.elapsed
    );
    let detected = r.check("general/token-not-detected");
    assert_eq!(detected["status"], json!("unknown"), "{}", r.stdout);
    assert!(
        detected["reason"]
            .as_str()
            .unwrap()
            .contains("crashed in C_GetTokenInfo")
    );
    assert_eq!(r.code, 0);
}

#[test]
fn one_hung_module_hides_neither_another_module_nor_its_token() {
    let _serial = serial();
    let mut hung = scenario(HEALTHY, vec![]);
    hung["hang_in"] = json!("C_GetSlotList");
    let hung = Mock::new("hung", hung);
    let good = Mock::new("good", scenario(HEALTHY, vec![valid_cert()]));
    let r = diagnose(&[&hung, &good], &["--token-deadline", "2"]);
    assert!(r.elapsed < Duration::from_secs(3), "{:?}", r.elapsed);
    let detected = r.check("general/token-not-detected");
    assert_eq!(detected["status"], json!("ok"), "{}", r.stdout);
    let modules = detected["evidence"]["modules"].as_array().unwrap();
    let hung_m = modules.iter().find(|m| m["path"] == hung.path()).unwrap();
    assert_eq!(hung_m["error"], json!("timeout"));
    assert_eq!(hung_m["error_in"], json!("C_GetSlotList"));
    assert!(
        hung_m["cause"]["fa"]
            .as_str()
            .unwrap()
            .contains("پاسخ نداد")
    );
    assert_eq!(r.check("general/cert-missing")["status"], json!("ok"));
    assert!(r.cases().is_empty(), "{}", r.stdout);
}

#[test]
fn garbage_in_a_certificate_object_is_a_finding_through_the_whole_path() {
    let _serial = serial();
    let garbage = b"\x30\x82\x7f\xffthis is not DER at all".to_vec();
    let m = Mock::new("garbage", scenario(HEALTHY, vec![garbage]));
    let r = diagnose(&[&m], &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.cases(), vec!["general/cert-expired".to_string()]);
    let f = r.finding("general/cert-expired");
    assert_eq!(f["evidence"]["unreadable"][0]["label"], json!("cert0"));
    assert!(
        f["trace"]["probe"]["note"]
            .as_str()
            .unwrap()
            .contains("damaged")
    );
    // The human-readable output survives it too.
    let text = tokenyar(
        &[
            "diagnose",
            "--offline",
            "--no-module-discovery",
            "--pkcs11-module",
            m.path(),
        ],
        &[],
    );
    assert_eq!(text.code, 1);
    assert!(
        text.stdout.contains("general/cert-expired"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_file_that_is_no_module_is_reported_not_fatal() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libnot-a-module.so");
    std::fs::write(&fake, b"not a library").unwrap();
    let r = tokenyar(
        &[
            "diagnose",
            "--json",
            "--offline",
            "--no-module-discovery",
            "--pkcs11-module",
            fake.to_str().unwrap(),
        ],
        &[],
    );
    let m = &r.check("general/token-not-detected")["evidence"]["modules"][0];
    assert_eq!(m["error"], json!("load_failed"), "{}", r.stdout);
    assert_eq!(m["loaded"], json!(false));
    assert!(m["cause"]["en"].as_str().unwrap().contains("reinstall"));
}

#[test]
fn the_token_reader_stops_itself_if_nobody_stops_it() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![]);
    s["hang_in"] = json!("C_GetSlotList");
    let m = Mock::new("orphan", s);
    // Run the child side alone, as if its parent had died: its own deadline ends it.
    let r = tokenyar(
        &["probe-token", "--module", m.path(), "--deadline", "1"],
        &[],
    );
    assert!(r.elapsed < Duration::from_secs(2), "{:?}", r.elapsed);
    assert_ne!(r.code, 0);
    assert!(
        r.stdout.contains("\"step\":\"C_GetSlotList\""),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("\"event\":\"done\""), "{}", r.stdout);
}

#[test]
fn a_token_pulled_out_mid_diagnosis_is_unknown_not_missing_certificates() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![valid_cert()]);
    // The token info was read, then the token was gone when its certificates were asked for.
    s["slots"][0]["open_session_rv"] = json!("CKR_DEVICE_REMOVED");
    let m = Mock::new("removed", s);
    let r = diagnose(&[&m], &["--token-deadline", "2"]);
    assert!(
        r.elapsed < Duration::from_secs(3),
        "diagnose took {:?}",
        r.elapsed
    );
    assert!(
        !r.cases().contains(&"general/cert-missing".to_string()),
        "a removed token is not a token without certificates: {}",
        r.stdout
    );
    let count = r.check("general/cert-missing");
    assert_eq!(count["status"], json!("unknown"), "{}", r.stdout);
    assert!(
        r.stdout.contains("CKR_DEVICE_REMOVED"),
        "the evidence names the cause: {}",
        r.stdout
    );
}

#[test]
fn a_module_that_reports_garbage_lengths_is_contained() {
    let _serial = serial();
    let mut s = scenario(HEALTHY, vec![valid_cert()]);
    s["slots"][0]["garbage_lengths"] = json!(true);
    let m = Mock::new("garbage", s);
    let r = diagnose(&[&m], &["--token-deadline", "2"]);
    assert!(
        r.elapsed < Duration::from_secs(3),
        "diagnose took {:?}",
        r.elapsed
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    // Whatever the reader made of it, no certificate verdict rests on absurd data.
    let validity = r.check("general/cert-expired");
    assert_ne!(validity["status"], json!("ok"), "{}", r.stdout);
}
