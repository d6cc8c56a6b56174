//! Every shared probe script runs to a verdict on facts shaped as ARCHITECTURE.md's contract
//! says, and reads them the way the contract means.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use tokenyar_engine::facts::{Fact, Facts, Snapshot};
use tokenyar_engine::infer::Runner;
use tokenyar_engine::kb::scenario::synth_cert;
use tokenyar_engine::kb::{self, Kb, Kind, Source, Status};

fn kb() -> Arc<Kb> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    Arc::new(kb::load_checked(&Source::from_dir(&dir).unwrap()).0)
}

fn cert(cn: &str, o: &str, from: &str, to: &str) -> Value {
    let der = synth_cert(
        &json!({"cn": cn, "o": o, "serial_number": "0012345678", "not_before": from, "not_after": to}),
    );
    json!({"label": cn, "id": "01", "der": der.unwrap()})
}

/// A Windows machine with a token holding one valid 2-year independent certificate.
fn facts(overrides: &[(&str, Value)]) -> Arc<dyn Facts> {
    let flags = json!({"token_initialized": true, "user_pin_initialized": true, "login_required": true,
        "write_protected": false, "user_pin_count_low": false, "user_pin_final_try": false,
        "user_pin_locked": false, "user_pin_to_be_changed": false, "so_pin_count_low": false,
        "so_pin_final_try": false, "so_pin_locked": false, "so_pin_to_be_changed": false});
    let mut m: BTreeMap<String, Value> = BTreeMap::new();
    m.insert(
        "clock".into(),
        json!({"now": "2025-06-01T10:00:00+03:30", "utc_offset_minutes": 210, "tz": "Asia/Tehran"}),
    );
    m.insert("clock.skew".into(), json!({"offset_seconds": 12, "source": "http-date", "host": "example", "checked_at": "2025-06-01T06:30:00Z"}));
    m.insert("token".into(), json!({
        "modules": [{"path": "ShuttleCsp11_3003.dll", "model": "epass3003", "source": "discovered", "loaded": true, "error": null}],
        "slots": [{"module": "ShuttleCsp11_3003.dll", "slot_id": 1, "description": "ePass3003", "token_present": true,
            "error": null,
            "token": {"label": "ali", "model": "ePass3003", "manufacturer": "EnterSafe", "serial": "1", "flags": flags},
            "certificates": [cert("Ali Rezaei [Sign]", "Unaffiliated", "2024-09-01T00:00:00Z", "2026-09-01T00:00:00Z")]}]
    }));
    m.insert("usb".into(), json!({"devices": [{"vid": "096e", "pid": "0703", "vendor": "Feitian", "product": "ePass3003Auto"}]}));
    m.insert(
        "os".into(),
        json!({"family": "windows", "version": "10.0.19045", "arch": "x64"}),
    );
    m.insert(
        "os.calendar".into(),
        json!({"calendar_type": 1, "calendar": "gregorian", "short_date": "M/d/yyyy"}),
    );
    let sw = |installed: bool, version: &str| json!({"installed": installed, "version": version, "arch": "x64", "category": null, "evidence": []});
    m.insert("software".into(), json!({"items": {
        "java": sw(true, "1.8.0_401"), "sign-seal": sw(true, "3.1"), "dotnet": sw(true, "4.8"),
        "acrobat": sw(true, "24.1"), "silverlight": sw(false, ""), "rahbar-signer": sw(false, ""),
        "dastine": sw(true, "5.0.4.7"), "epass3003-token-manager": sw(true, "1.1.22.1215"),
        "clone-drive": {"installed": false, "version": null, "arch": null, "category": "virtual-drive", "evidence": []}
    }}));
    m.insert("windows.uac".into(), json!({"enable_lua": 0, "filter_administrator_token": 0, "consent_prompt_behavior_admin": 5}));
    m.insert("net.vpn".into(), json!({"active": []}));
    m.insert(
        "net.proxy".into(),
        json!({"enabled": false, "server": null}),
    );
    m.insert(
        "net.dastine".into(),
        json!({"ports": {"51356": "open", "51357": "open"}, "version": "5,0,4,7", "error": null}),
    );
    for (k, v) in overrides {
        m.insert((*k).to_string(), v.clone());
    }
    Arc::new(Snapshot::new(
        m.into_iter().map(|(k, v)| (k, Fact::Value(v))).collect(),
    ))
}

fn status(kb: &Arc<Kb>, f: &Arc<dyn Facts>, system: &str, probe: &str) -> (Status, String) {
    let r = Runner::new(Arc::clone(kb), Arc::clone(f), Some(system.into())).run(probe);
    (r.status, format!("{r:?}"))
}

#[test]
fn every_probe_reaches_a_verdict_on_a_healthy_machine() {
    let kb = kb();
    let f = facts(&[]);
    for n in kb.nodes.iter().filter(|n| n.kind == Kind::Probe) {
        let (s, dbg) = status(&kb, &f, "setad", &n.id);
        // Rahbar's signer and Silverlight are not installed in this fixture; everything else is fine.
        let expected = if n.id.ends_with("/silverlight") || n.id.ends_with("/rahbar-signer") {
            Status::Fail
        } else {
            Status::Ok
        };
        assert_eq!(s, expected, "{}: {dbg}", n.id);
    }
}

#[test]
fn probes_see_the_problems_they_look_for() {
    let kb = kb();
    type Case = (
        &'static str,
        &'static str,
        Vec<(&'static str, Value)>,
        Status,
    );
    let cases: Vec<Case> = vec![
        (
            "general",
            "general/probe/clock",
            vec![(
                "clock.skew",
                json!({"offset_seconds": -3600, "source": "ntp"}),
            )],
            Status::Fail,
        ),
        (
            "general",
            "general/probe/clock",
            vec![(
                "clock",
                json!({"now": "2025-06-01T10:00:00+00:00", "utc_offset_minutes": 0}),
            )],
            Status::Warn,
        ),
        (
            "amlak",
            "general/probe/calendar",
            vec![(
                "os.calendar",
                json!({"calendar_type": 22, "calendar": "persian", "short_date": "yyyy/MM/dd"}),
            )],
            Status::Fail,
        ),
        (
            "setad",
            "general/probe/uac",
            vec![(
                "windows.uac",
                json!({"enable_lua": 1, "filter_administrator_token": 0}),
            )],
            Status::Fail,
        ),
        (
            "setad",
            "general/probe/java",
            vec![("software", json!({"items": {"java": {"installed": false}}}))],
            Status::Fail,
        ),
        (
            "setad",
            "general/probe/dotnet",
            vec![(
                "software",
                json!({"items": {"dotnet": {"installed": true, "version": "4.5.2"}}}),
            )],
            Status::Warn,
        ),
        (
            "sabt-man",
            "general/probe/dastine",
            vec![(
                "net.dastine",
                json!({"ports": {"51356": "closed"}, "version": null, "error": "refused"}),
            )],
            Status::Fail,
        ),
        (
            "sabt-man",
            "general/probe/dastine",
            vec![(
                "net.dastine",
                json!({"ports": {}, "version": "5,0,3,0", "error": null}),
            )],
            Status::Warn,
        ),
        (
            "general",
            "general/probe/virtual-drive",
            vec![(
                "software",
                json!({"items": {"clone-drive": {"installed": true, "category": "virtual-drive"}}}),
            )],
            Status::Fail,
        ),
        (
            "general",
            "general/probe/vpn-proxy",
            vec![(
                "net.vpn",
                json!({"active": [{"name": "OpenVPN", "kind": "tun"}]}),
            )],
            Status::Warn,
        ),
        ("amlak", "general/probe/prerequisites", vec![], Status::Fail),
        (
            "bank-mellat",
            "general/probe/cert-count-rule",
            vec![],
            Status::Ok,
        ),
        ("amlak", "general/probe/cert-lifetime", vec![], Status::Fail),
        ("moadian", "general/probe/cert-lifetime", vec![], Status::Ok),
        ("sabt-man", "general/probe/cert-type", vec![], Status::Ok),
        (
            "general",
            "general/probe/token-detected",
            vec![("token", json!({"modules": [], "slots": []}))],
            Status::Fail,
        ),
    ];
    for (system, probe, overrides, want) in cases {
        let f = facts(&overrides);
        let (s, dbg) = status(&kb, &f, system, probe);
        assert_eq!(s, want, "{probe} on {system} with {overrides:?}: {dbg}");
    }
}

#[test]
fn a_company_seal_is_not_a_natural_person_certificate() {
    let kb = kb();
    let seal = cert(
        "Kimia Co [Stamp]",
        "Non-Governmental",
        "2024-09-01T00:00:00Z",
        "2026-09-01T00:00:00Z",
    );
    let mut token = facts(&[]).read("token");
    if let Fact::Value(ref mut v) = token {
        v["slots"][0]["certificates"] = json!([seal]);
    }
    let Fact::Value(tv) = token else { panic!() };
    let f = facts(&[("token", tv)]);
    let (s, dbg) = status(&kb, &f, "sabt-man", "general/probe/cert-type");
    assert_eq!(s, Status::Fail, "{dbg}");
    assert!(dbg.contains("nongov-seal"), "{dbg}");
}

#[test]
fn missing_facts_make_probes_unknown_not_wrong() {
    let kb = kb();
    let empty: Arc<dyn Facts> = Arc::new(Snapshot::default());
    for n in kb.nodes.iter().filter(|n| n.kind == Kind::Probe) {
        let r = Runner::new(Arc::clone(&kb), Arc::clone(&empty), Some("setad".into())).run(&n.id);
        assert!(
            matches!(r.status, Status::Unknown | Status::Ok),
            "{} must not claim a problem without facts: {r:?}",
            n.id
        );
        if r.status == Status::Unknown {
            let why = r.reason.unwrap_or_default();
            assert!(
                why.contains("not recorded") || why.contains("not known"),
                "{}: {why}",
                n.id
            );
        }
    }
}
