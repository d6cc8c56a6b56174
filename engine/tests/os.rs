//! The OS facts on this (Linux) machine, the knowledge base's program list, and redaction of
//! what a bundle would carry.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokenyar_engine::authoring::scenario::synth_cert;
use tokenyar_engine::facts::cert::analyse_text;
use tokenyar_engine::facts::live::LiveFacts;
use tokenyar_engine::facts::provider::LiveOptions;
use tokenyar_engine::facts::redact::{self, is_national_id};
use tokenyar_engine::facts::{Fact, Facts};
use tokenyar_engine::infer::collect;
use tokenyar_engine::kb::{Body, Kb, Source};

fn kb_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb")
}

fn kb() -> Arc<Kb> {
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap()).0)
}

fn live(kb: &Kb) -> LiveFacts {
    LiveFacts::new(LiveOptions {
        offline: true,
        tokens: Arc::clone(&kb.tokens),
        software: Arc::clone(&kb.software),
        deadline: Duration::from_secs(5),
        ..LiveOptions::default()
    })
}

#[test]
#[cfg(target_os = "linux")] // reads this machine's /etc/os-release, /proc and lsusb
fn this_linux_machine_is_read() {
    let kb = kb();
    let l = live(&kb);
    let Fact::Value(os) = l.read("os") else {
        panic!()
    };
    assert_eq!(os["family"], json!("linux"));
    assert!(
        ["x64", "arm64", "x86"].contains(&os["arch"].as_str().unwrap()),
        "{os}"
    );
    let Fact::Value(p) = l.read("processes") else {
        panic!()
    };
    let me = std::fs::read_to_string("/proc/self/comm").unwrap();
    assert!(
        p["names"].as_array().unwrap().contains(&json!(me.trim())),
        "{p}"
    );
    // Kernel threads are not programs.
    assert!(!p["names"].as_array().unwrap().contains(&json!("kthreadd")));
    assert!(matches!(l.read("windows.uac"), Fact::NotApplicable(_)));
    assert!(matches!(l.read("os.calendar"), Fact::NotApplicable(_)));
    let Fact::Value(sw) = l.read("software") else {
        panic!()
    };
    // Only programs the KB can recognise on Linux are listed.
    assert!(sw["items"].get("dotnet").is_none(), "{sw}");
    let java_on_path = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok();
    assert_eq!(
        sw["items"]["java"]["installed"],
        json!(java_on_path),
        "{sw}"
    );
    if java_on_path {
        assert!(sw["items"]["java"]["version"].is_string());
    }
    // USB is read where the kernel shows a bus, and honestly unknown where it does not.
    match l.read("usb") {
        Fact::Value(v) => assert!(v["devices"].is_array()),
        Fact::Unknown(r) => assert!(r.contains("/sys/bus/usb")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        l.read("services"),
        Fact::Value(_) | Fact::Unknown(_)
    ));
}

#[test]
fn every_software_id_the_kb_names_is_in_software_yaml() {
    let kb = kb();
    let cat = (*kb.software).clone();
    assert!(cat.problems().is_empty(), "{:?}", cat.problems());
    let ids: Vec<&str> = cat.programs.iter().map(|p| p.id.as_str()).collect();
    for s in &kb.systems {
        for p in &s.prerequisites {
            assert!(
                ids.contains(&p.id.as_str()),
                "{}: prerequisite {} is not in software.yaml",
                s.id,
                p.id
            );
        }
    }
    for n in &kb.nodes {
        if let Body::Probe { script, args, .. } = &n.body
            && script.starts_with("os/")
            && let Some(Value::String(id)) = args.get("id")
        {
            assert!(
                ids.contains(&id.as_str()),
                "{}: software id {id} is not in software.yaml",
                n.id
            );
        }
    }
    assert!(cat.dastine.is_some() && cat.time_check.is_some() && cat.vpn.is_some());
}

#[test]
fn a_bad_software_yaml_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("kb");
    std::fs::create_dir_all(k.join("general")).unwrap();
    for f in ["kb.yaml", "catalog.yaml", "tokens.yaml", "systems.yaml"] {
        std::fs::copy(kb_dir().join(f), k.join(f)).unwrap();
    }
    std::fs::write(
        k.join("software.yaml"),
        "programs:\n  - id: java\n    name: {fa: جاوا, en: Java}\n    windows:\n      uninstall: ['^Java (']\n  - id: java\n    name: {fa: جاوا, en: Java}\n",
    )
    .unwrap();
    let (_, diags) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&k).unwrap());
    let sw: Vec<String> = diags
        .iter()
        .filter(|d| d.file == "kb/software.yaml")
        .map(|d| format!("{}:{} {}", d.line, d.code.as_str(), d.message))
        .collect();
    assert!(
        sw.iter()
            .any(|d| d.starts_with("5:E002") && d.contains("regular expression")),
        "{sw:?}"
    );
    assert!(
        sw.iter()
            .any(|d| d.starts_with("6:E002") && d.contains("twice")),
        "{sw:?}"
    );
}

#[test]
fn redaction_edits_certificates_in_place_and_consistently() {
    let der = synth_cert(&json!({"cn": "Sara Ahmadi [Sign]", "o": "Unaffiliated",
        "serial_number": "0499370899", "not_before": "2025-01-01T00:00:00Z", "not_after": "2026-01-01T00:00:00Z"}))
    .unwrap();
    let mut facts = BTreeMap::new();
    facts.insert(
        "token".to_string(),
        Fact::Value(json!({"slots": [{"token": {"label": "sara"},
        "certificates": [{"label": "sign", "der": der}]}]})),
    );
    facts.insert(
        "os".to_string(),
        Fact::Value(json!({"family": "windows", "user_name": "sara", "host_name": "DESK-7"})),
    );
    facts.insert(
        "note".to_string(),
        Fact::Unknown("the holder 0499370899 on DESK-7".into()),
    );
    let out = redact::redact(&facts);
    let text = serde_json::to_string(&out).unwrap();
    assert!(
        !text.contains("0499370899") && !text.contains("DESK-7"),
        "{text}"
    );
    let Fact::Value(tok) = &out["token"] else {
        panic!()
    };
    let parsed = analyse_text(tok["slots"][0]["certificates"][0]["der"].as_str().unwrap());
    assert_eq!(parsed["ok"], json!(true), "{parsed}");
    let fake = parsed["subject"]["serialNumber"].as_str().unwrap();
    assert!(is_national_id(fake), "{fake}");
    assert_eq!(parsed["subject"]["CN"], json!("Sara Ahmadi [Sign]"));
    // The same id is the same placeholder everywhere in the bundle.
    let Fact::Unknown(note) = &out["note"] else {
        panic!()
    };
    assert_eq!(note, &format!("the holder {fake} on <host-1>"));
    assert_eq!(tok["slots"][0]["token"]["label"], json!("<user-1>"));
}

#[test]
fn collect_records_every_provider_and_the_facts_probes_read() {
    let kb = kb();
    let b = collect::collect(&kb, live(&kb), false);
    for key in [
        "clock",
        "clock.skew",
        "os",
        "os.calendar",
        "software",
        "processes",
        "services",
        "usb",
        "windows.uac",
        "net.vpn",
        "net.proxy",
        "net.dastine",
    ] {
        assert!(b.facts.contains_key(key), "{key}");
    }
    // `token` has no provider here yet, but probes read it: recorded as unknown, with the reason.
    assert!(matches!(b.facts.get("token"), Some(Fact::Unknown(_))));
    assert!(matches!(&b.facts["clock.skew"], Fact::Unknown(r) if r.contains("offline")));
    assert_eq!(b.kb_version.as_deref(), Some(kb.version.as_str()));
    assert!(!b.redacted);
}
