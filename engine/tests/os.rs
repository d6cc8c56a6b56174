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
    // Java is recognised by its installations' `release` files, never by starting a JVM: every
    // home under /usr/lib/jvm counts, and the newest version is the one reported.
    let homes: Vec<String> = std::fs::read_dir("/usr/lib/jvm")
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_to_string(e.path().join("release")).ok())
                .filter_map(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("JAVA_VERSION="))
                        .map(|v| v.trim_matches('"').to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    if std::env::var_os("JAVA_HOME").is_none() && !Path::new("/usr/java").exists() {
        assert_eq!(
            sw["items"]["java"]["installed"],
            json!(!homes.is_empty()),
            "{sw}"
        );
        if let Some(newest) = homes
            .iter()
            .max_by(|a, b| tokenyar_engine::text::version_order(a, b))
        {
            assert_eq!(sw["items"]["java"]["version"], json!(newest), "{sw}");
        }
    }
    // USB is read where the kernel shows a bus, and honestly unknown where it does not.
    match l.read("usb") {
        Fact::Value(v) => assert!(v["devices"].is_array()),
        Fact::Unknown(r) => assert!(r.contains("/sys/bus/usb")),
        other => panic!("{other:?}"),
    }
    // Services are asked by name, and this knowledge base names none on Linux: nothing runs.
    let Fact::Value(services) = l.read("services") else {
        panic!()
    };
    assert_eq!(services, json!({"items": [], "named": []}));
}

#[test]
fn versions_are_read_from_release_files() {
    use tokenyar_engine::facts::os::{self, system::FakeSystem, system::Family};
    let kb = kb();
    let sys = FakeSystem::new(Family::Linux)
        .var("HOME", "/home/sara")
        .file(
            "/usr/lib/jvm/java-8-openjdk-amd64/release",
            "JAVA_VERSION=\"1.8.0_402\"\nOS_NAME=\"Linux\"\n",
        )
        .file(
            "/usr/lib/jvm/java-17-openjdk-amd64/release",
            "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n",
        )
        // An /opt folder that is not Java: the key is missing, so it is not an installation.
        .file("/opt/other/release", "VERSION=3\n");
    let Fact::Value(sw) = os::software(&sys, &kb.software) else {
        panic!()
    };
    let java = &sw["items"]["java"];
    assert_eq!(java["installed"], json!(true), "{sw:#}");
    assert_eq!(java["version"], json!("17.0.15"));
    assert_eq!(java["instances"], json!(2));
    // Recognising software on Linux runs no program at all: no JVM, no service listing.
    assert!(sys.ran.lock().unwrap().is_empty(), "{:?}", sys.ran);
    let none = FakeSystem::new(Family::Linux).var("HOME", "/home/sara");
    let Fact::Value(sw) = os::software(&none, &kb.software) else {
        panic!()
    };
    assert_eq!(sw["items"]["java"]["installed"], json!(false));
}

#[test]
fn a_diagnosis_reads_only_the_facts_its_checks_name() {
    use std::sync::Mutex;
    use tokenyar_engine::infer::diagnose::{diagnose, facts_needed};
    let kb = kb();
    // A live world whose every provider only notes that it was asked.
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut world = live(&kb);
    let keys: Vec<String> = world.keys().map(str::to_string).collect();
    for k in &keys {
        let (asked, key) = (Arc::clone(&asked), k.clone());
        world.register(k, move |_| {
            asked.lock().unwrap().push(key.clone());
            Fact::Unknown("not read in this test".into())
        });
    }
    let world: Arc<dyn Facts> = Arc::new(world);
    for system in [Some("setad"), None] {
        asked.lock().unwrap().clear();
        let needed = facts_needed(&kb, system);
        let needed = needed
            .keys()
            .expect("the shipped scripts name their facts plainly");
        diagnose(&kb, Arc::clone(&world), system);
        let asked: std::collections::BTreeSet<String> =
            asked.lock().unwrap().iter().cloned().collect();
        assert!(
            asked.is_subset(needed),
            "{system:?}: {asked:?} not within {needed:?}"
        );
        // The whole process list and the service states are no check's business.
        for never in ["processes", "services"] {
            assert!(!asked.contains(never), "{system:?} read {never}");
        }
        assert!(
            asked.contains("token") && asked.contains("software"),
            "{asked:?}"
        );
        world.refresh();
    }
    // A system's diagnosis needs no more than the whole one.
    let all = facts_needed(&kb, None);
    let setad = facts_needed(&kb, Some("setad"));
    assert!(setad.keys().unwrap().is_subset(all.keys().unwrap()));
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
    // The holder's name is a placeholder of the same length (the DER keeps its layout).
    let cn = parsed["subject"]["CN"].as_str().unwrap();
    assert!(cn.starts_with("holder-"), "{cn}");
    assert_eq!(cn.len(), "Sara Ahmadi [Sign]".len());
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
