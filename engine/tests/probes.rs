//! Every shared probe script runs to a verdict on facts shaped as ARCHITECTURE.md's contract
//! says, and reads them the way the contract means.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use tokenyar_engine::facts::cert::{Synth, SynthIssuer, synthesise};
use tokenyar_engine::facts::{Fact, Facts, Snapshot};
use tokenyar_engine::infer::Runner;
use tokenyar_engine::kb::{Kb, Kind, Lang, Source, Status};

fn kb() -> Arc<Kb> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::from_dir(&dir).unwrap()).0)
}

/// The national root, as a certificate's issuer (its key id is the root's, kb/tokens.yaml).
fn iran_root() -> SynthIssuer {
    SynthIssuer {
        c: Some("IR".into()),
        o: Some("I.R.Government".into()),
        ou: Some("Root CA".into()),
        cn: Some("Islamic Republic of Iran Root CA-G3".into()),
        key_id: Some("7711d9975428bc7af77ad9d3828ec07144442418".into()),
    }
}

fn b64(der: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// A certificate issued (by key id) under the national root, as on a real token.
fn cert(cn: &str, o: &str, from: &str, to: &str) -> Value {
    let der = synthesise(&Synth {
        cn: Some(cn.into()),
        o: Some(o.into()),
        serial_number: Some("0012345678".into()),
        not_before: Some(from.into()),
        not_after: Some(to.into()),
        issuer: Some(iran_root()),
        ..Synth::default()
    });
    json!({"label": cn, "id": "01", "der": b64(&der.unwrap())})
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
        "modules": [{"path": "ShuttleCsp11_3003.dll", "model": "epass3003", "source": "discovered", "loaded": true, "error": null, "bits": 64}],
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
    let sw = |installed: bool, version: &str| json!({"installed": installed, "version": version, "arch": "x64", "category": null, "evidence": [], "install_date": "2025-02-15"});
    m.insert("software".into(), json!({"items": {
        "java": sw(true, "1.8.0_401"), "sign-seal": sw(true, "3.1"), "dotnet": sw(true, "4.8"),
        "acrobat": sw(true, "24.1"), "silverlight": sw(false, ""), "rahbar-signer": sw(false, ""),
        "dastine": sw(true, "5.0.4.7"), "epass3003-token-manager": sw(true, "1.1.22.1215"),
        "clone-drive": {"installed": false, "version": null, "arch": null, "category": "virtual-drive", "evidence": []}
    }}));
    m.insert(
        "os.session".into(),
        json!({"remote": false, "kind": "console", "name": "Console"}),
    );
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
        // Rahbar's signer and Silverlight are not installed in this fixture; everything else is
        // fine. A reinstall's verification sees no fresh install on it: the programs were
        // installed months ago.
        let expected = if n.id.ends_with("/silverlight")
            || n.id.ends_with("/rahbar-signer")
            || n.id.ends_with("-reinstalled")
        {
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
            "general/java-error/uac",
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
            let why = r.reason.map(|m| m.text(Lang::En)).unwrap_or_default();
            assert!(
                why.contains("not recorded") || why.contains("not known"),
                "{}: {why}",
                n.id
            );
        }
    }
}

/// The healthy fixture's token, with its slot changed by `edit`.
fn token_with(edit: impl FnOnce(&mut Value)) -> Value {
    let Fact::Value(mut v) = facts(&[]).read("token") else {
        panic!()
    };
    edit(&mut v);
    v
}

fn synth(spec: Synth) -> Value {
    json!({"label": spec.cn.clone().unwrap_or_default(), "id": "02", "der": b64(&synthesise(&spec).unwrap())})
}

fn run(system: &str, probe: &str, token: Value) -> tokenyar_engine::probe::ProbeResult {
    let f = facts(&[("token", token)]);
    Runner::new(kb(), f, Some(system.into())).run(probe)
}

#[test]
fn the_chain_is_followed_on_the_token_by_key_id() {
    let dates = (
        Some("2025-01-01T00:00:00Z".to_string()),
        Some("2027-01-01T00:00:00Z".to_string()),
    );
    let intermediate = synth(Synth {
        cn: Some("Test Intermediate CA".into()),
        ca: true,
        key_id: Some("aa01".into()),
        issuer: Some(iran_root()),
        not_before: dates.0.clone(),
        not_after: dates.1.clone(),
        ..Synth::default()
    });
    let issued_by = |cn: &str, key: &str| SynthIssuer {
        cn: Some(cn.into()),
        key_id: Some(key.into()),
        ..SynthIssuer::default()
    };
    let user = synth(Synth {
        cn: Some("Sara Ahmadi [Sign]".into()),
        o: Some("Unaffiliated".into()),
        issuer: Some(issued_by("Test Intermediate CA", "aa01")),
        not_before: dates.0.clone(),
        not_after: dates.1.clone(),
        ..Synth::default()
    });
    let with = |certs: Vec<Value>| token_with(|t| t["slots"][0]["certificates"] = json!(certs));

    // The intermediate is on the token and names the root's key: trusted.
    let r = run(
        "general",
        "general/probe/cert-chain",
        with(vec![user.clone(), intermediate.clone()]),
    );
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert_eq!(
        r.evidence["certificates"][0]["anchor"],
        json!("iran_root_g3")
    );
    assert_eq!(
        r.evidence["certificates"][0]["path"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A CA certificate beside the user's is not a second certificate for Bank Mellat.
    let r = run(
        "bank-mellat",
        "general/probe/cert-count-rule",
        with(vec![user.clone(), intermediate]),
    );
    assert_eq!(r.status, Status::Ok, "{r:?}");

    // Without the intermediate nothing can be said: unknown, not a false alarm.
    let r = run("general", "general/probe/cert-chain", with(vec![user]));
    assert_eq!(r.status, Status::Unknown, "{r:?}");
    assert!(
        r.reason
            .map(|m| m.text(Lang::En))
            .unwrap_or_default()
            .contains("not on the token")
    );

    // A self-signed certificate, and a chain that ends at a private root, are not trusted.
    let self_signed = synth(Synth {
        cn: Some("Self [Sign]".into()),
        ..Synth::default()
    });
    let r = run(
        "general",
        "general/probe/cert-chain",
        with(vec![self_signed]),
    );
    assert_eq!(r.status, Status::Fail, "{r:?}");
    let private_root = synth(Synth {
        cn: Some("Private Root".into()),
        ca: true,
        key_id: Some("bb01".into()),
        ..Synth::default()
    });
    let private_user = synth(Synth {
        cn: Some("Someone [Sign]".into()),
        issuer: Some(issued_by("Private Root", "bb01")),
        ..Synth::default()
    });
    let r = run(
        "general",
        "general/probe/cert-chain",
        with(vec![private_user, private_root]),
    );
    assert_eq!(r.status, Status::Fail, "{r:?}");
    assert_eq!(
        r.evidence["certificates"][0]["root"],
        json!("CN=Private Root")
    );
}

#[test]
fn pin_states_are_read_from_the_flags() {
    let flagged = |flag: &str| token_with(|t| t["slots"][0]["token"]["flags"][flag] = json!(true));
    let cases = [
        ("so_pin_locked", "general/probe/so-pin", Status::Fail),
        ("so_pin_final_try", "general/probe/so-pin", Status::Warn),
        (
            "user_pin_to_be_changed",
            "general/probe/pin-change",
            Status::Warn,
        ),
        ("user_pin_locked", "general/probe/user-pin", Status::Fail),
        ("user_pin_count_low", "general/probe/user-pin", Status::Warn),
    ];
    for (flag, probe, want) in cases {
        let r = run("general", probe, flagged(flag));
        assert_eq!(r.status, want, "{flag} via {probe}: {r:?}");
    }
}

#[test]
fn an_unreadable_token_is_named_with_its_cause_from_the_kb() {
    let t = token_with(|t| {
        t["slots"][0]["token"] = Value::Null;
        t["slots"][0]["certificates"] = json!([]);
        t["slots"][0]["error"] = json!("CKR_TOKEN_NOT_RECOGNIZED");
        t["slots"][0]["error_in"] = json!("C_GetTokenInfo");
    });
    let r = run("general", "general/probe/token-detected", t.clone());
    assert_eq!(r.status, Status::Fail, "{r:?}");
    let r = run("general", "general/token-not-detected/readable", t.clone());
    assert_eq!(r.status, Status::Fail, "{r:?}");
    let cause = &r.evidence["unreadable"][0]["cause"];
    assert!(
        cause["en"].as_str().unwrap().contains("does not recognise"),
        "{r:?}"
    );
    assert!(cause["fa"].as_str().unwrap().contains("نمی‌شناسد"), "{r:?}");
    // Nothing is claimed about certificates or PINs of a token that could not be read.
    for p in [
        "general/probe/cert-count",
        "general/probe/user-pin",
        "general/probe/so-pin",
    ] {
        assert_eq!(run("general", p, t.clone()).status, Status::Unknown, "{p}");
    }
}

#[test]
fn a_hung_module_makes_detection_unknown_not_a_finding() {
    let t = json!({
        "modules": [{"path": "/opt/vendor/libhang.so", "model": null, "source": "argument",
            "loaded": true, "error": "timeout", "error_in": "C_GetTokenInfo"}],
        "slots": [{"module": "/opt/vendor/libhang.so", "slot_id": 1, "token_present": true,
            "error": "timeout", "error_in": "C_GetTokenInfo", "token": null, "certificates": []}]
    });
    let r = run("general", "general/probe/token-detected", t);
    assert_eq!(r.status, Status::Unknown, "{r:?}");
    let why = r.reason.map(|m| m.text(Lang::En)).unwrap_or_default();
    assert!(
        why.contains("libhang.so") && why.contains("timeout in C_GetTokenInfo"),
        "{why}"
    );
}

#[test]
fn an_empty_software_token_slot_is_not_a_token() {
    let t = json!({
        "modules": [{"path": "/usr/lib/softhsm/libsofthsm2.so", "model": "softhsm2", "source": "discovered", "loaded": true, "error": null}],
        "slots": [{"module": "/usr/lib/softhsm/libsofthsm2.so", "slot_id": 7, "token_present": true, "error": null,
            "token": {"label": "", "flags": {"token_initialized": false, "user_pin_initialized": false, "so_pin_locked": true}},
            "certificates": []}]
    });
    assert_eq!(
        run("general", "general/probe/token-detected", t.clone()).status,
        Status::Fail
    );
    assert_eq!(
        run("general", "general/probe/cert-count", t.clone()).status,
        Status::Unknown
    );
    assert_eq!(run("general", "general/probe/so-pin", t).status, Status::Ok);
}

#[test]
fn national_ids_are_masked_except_under_personal() {
    let r = run("general", "general/probe/cert-count", token_with(|_| {}));
    assert_eq!(r.status, Status::Ok, "{r:?}");
    let item = &r.evidence["tokens"][0]["list"][0];
    assert_eq!(item["national_id"], json!("••••••5678"));
    assert_eq!(item["personal"]["national_id"], json!("0012345678"));
    assert_eq!(item["type"], json!("independent"));
    assert_eq!(item["issuer"], json!("Islamic Republic of Iran Root CA-G3"));
    assert_eq!(item["lifetime_days"], json!(730));
    assert!(item["days_left"].as_i64().unwrap() > 400);
    // Outside `personal` the full id appears nowhere, in any probe's evidence.
    for probe in [
        "general/probe/cert-count",
        "general/probe/cert-validity",
        "general/probe/cert-expiring",
    ] {
        let mut e = run("general", probe, token_with(|_| {})).evidence;
        strip_personal(&mut e);
        let text = serde_json::to_string(&e).unwrap();
        assert!(!text.contains("0012345678"), "{probe}: {text}");
        assert!(text.contains("5678"), "{probe}: {text}");
    }
}

fn strip_personal(m: &mut serde_json::Map<String, Value>) {
    m.remove("personal");
    for v in m.values_mut() {
        strip_value(v);
    }
}

fn strip_value(v: &mut Value) {
    match v {
        Value::Object(m) => strip_personal(m),
        Value::Array(a) => a.iter_mut().for_each(strip_value),
        _ => {}
    }
}

#[test]
fn garbage_der_is_a_finding_not_a_crash() {
    let t = token_with(|t| {
        t["slots"][0]["certificates"] = json!([{"label": "broken", "id": "09", "der": b64(b"\x30\x82\xff\xffnot a certificate")}])
    });
    let r = run("general", "general/probe/cert-validity", t.clone());
    assert_eq!(r.status, Status::Fail, "{r:?}");
    assert_eq!(r.evidence["unreadable"][0]["label"], json!("broken"));
    let r = run("general", "general/probe/cert-count", t);
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert_eq!(r.evidence["tokens"][0]["list"][0]["readable"], json!(false));
}
