//! Redaction that holds: every identity a bundle can carry is gone from what leaves the machine,
//! and the placeholders still tell certificates apart and decide probes the same way.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Value, json};
use tokenyar_engine::facts::Fact;
use tokenyar_engine::facts::cert::{Synth, analyse, synthesise};
use tokenyar_engine::facts::redact::{redact, scrub_facts, strip_credentials};

fn b64(der: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(der)
}

fn cert(spec: Synth) -> String {
    b64(&synthesise(&spec).unwrap())
}

fn token_fact(certs: &[(&str, String)]) -> Fact {
    let certs: Vec<Value> = certs
        .iter()
        .map(|(label, der)| json!({"label": label, "der": der}))
        .collect();
    Fact::Value(json!({"slots": [{"token_present": true,
        "token": {"label": "Sara Ahmadi", "serial": "2A0B11C2D3E4F506"},
        "certificates": certs}]}))
}

fn all_text(facts: &BTreeMap<String, Fact>) -> String {
    // Certificates decoded too: an id or a name inside the DER counts.
    let mut out = serde_json::to_string(facts).unwrap();
    if let Some(Fact::Value(t)) = facts.get("token") {
        for c in t["slots"][0]["certificates"].as_array().unwrap() {
            let der = base64::engine::general_purpose::STANDARD
                .decode(c["der"].as_str().unwrap())
                .unwrap();
            out.push_str(&String::from_utf8_lossy(&der));
            let wide: Vec<u16> = der
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            out.push_str(&String::from_utf16_lossy(&wide));
            let wide_odd: Vec<u16> = der[1..]
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            out.push_str(&String::from_utf16_lossy(&wide_odd));
            out.push_str(&analyse(&der).to_string());
        }
    }
    out
}

#[test]
fn a_proxy_password_with_slash_at_and_percent_40_is_gone() {
    for url in [
        "http://corpuser:S3cr/et@Pa%40ss@proxy.corp:3128",
        "http://corpuser:12/3@proxy.corp:3128/",
        "corpuser:S3cr/et@Pa%40ss@proxy.corp:3128",
        "socks5://corpuser:S3cr%2Fet@proxy.corp:1080",
    ] {
        let clean = strip_credentials(url);
        for secret in ["corpuser", "S3cr", "et@", "Pa", "%40", "%2F", "12/3"] {
            assert!(
                !clean.contains(secret),
                "{secret} left in {clean} (from {url})"
            );
        }
        assert!(clean.contains("proxy.corp"), "{clean}");
    }
    // Anywhere in any fact, redaction or not (a failed command's message, an environment dump).
    let mut facts = BTreeMap::new();
    facts.insert(
        "env".into(),
        Fact::Value(json!({"vars": ["HTTPS_PROXY=http://u:S3cr/et@Pa%40ss@proxy:3128"]})),
    );
    facts.insert(
        "net".into(),
        Fact::Unknown("cannot reach http://u:S3cr/et@Pa%40ss@proxy:3128 (timeout)".into()),
    );
    scrub_facts(&mut facts);
    let text = serde_json::to_string(&facts).unwrap();
    for secret in ["S3cr", "Pa%40ss", "%40"] {
        assert!(!text.contains(secret), "{secret} left in {text}");
    }
    assert!(text.contains("http://proxy:3128"), "{text}");
}

#[test]
fn ids_in_every_script_encoding_and_check_digit_are_gone() {
    let mut facts = BTreeMap::new();
    facts.insert(
        "token".into(),
        token_fact(&[
            // A bad check digit (the twocerts fixture's).
            (
                "a",
                cert(Synth {
                    cn: Some("Sara Ahmadi [Sign]".into()),
                    serial_number: Some("0012345602".into()),
                    ..Synth::default()
                }),
            ),
            // BMPString, and Persian digits in UTF-8.
            (
                "b",
                cert(Synth {
                    cn: Some("Reza Karimi".into()),
                    serial_number: Some("0012345601".into()),
                    bmp: true,
                    ..Synth::default()
                }),
            ),
            (
                "c",
                cert(Synth {
                    cn: Some("Nima Javadi".into()),
                    ou: Some("۰۰۷۶۵۴۳۲۱۰".into()),
                    ..Synth::default()
                }),
            ),
            // An 11-digit legal-person id.
            (
                "d",
                cert(Synth {
                    cn: Some("Acme Trading".into()),
                    serial_number: Some("10380284790".into()),
                    ..Synth::default()
                }),
            ),
        ]),
    );
    facts.insert(
        "notes".into(),
        Fact::Value(json!([
            "کد ملی ۰۰۷۶۵۴۳۲۱۰ و 0499370899",
            "company 10380284790"
        ])),
    );
    let out = redact(&facts);
    let text = all_text(&out);
    for id in [
        "0012345602",
        "0012345601",
        "۰۰۷۶۵۴۳۲۱۰",
        "0076543210",
        "0499370899",
        "10380284790",
    ] {
        assert!(!text.contains(id), "{id} left in the redacted facts");
    }
    // The certificates still parse, and a bad check digit stays bad (probes decide the same).
    let Fact::Value(t) = &out["token"] else {
        panic!()
    };
    let a = &t["slots"][0]["certificates"][0]["der"];
    let der = base64::engine::general_purpose::STANDARD
        .decode(a.as_str().unwrap())
        .unwrap();
    let v = analyse(&der);
    assert_eq!(v["ok"], json!(true), "{v}");
    let sn = v["subject"]["serialNumber"].as_str().unwrap();
    assert_eq!(sn.len(), 10);
    assert!(!tokenyar_engine::text::is_national_id(sn), "{sn}");
}

#[test]
fn holder_names_and_certificate_serials_become_consistent_placeholders() {
    let sara = cert(Synth {
        cn: Some("Sara Ahmadi [Sign]".into()),
        o: Some("Unaffiliated".into()),
        ..Synth::default()
    });
    let reza = cert(Synth {
        cn: Some("رضا کریمی".into()),
        bmp: true,
        ..Synth::default()
    });
    let mut facts = BTreeMap::new();
    facts.insert(
        "token".into(),
        token_fact(&[
            ("Sara Ahmadi [Sign]", sara.clone()),
            ("sara again", sara),
            ("رضا کریمی", reza),
        ]),
    );
    let original_serials: Vec<String> = match &facts["token"] {
        Fact::Value(t) => t["slots"][0]["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let der = base64::engine::general_purpose::STANDARD
                    .decode(c["der"].as_str().unwrap())
                    .unwrap();
                analyse(&der)["serial"].as_str().unwrap().to_string()
            })
            .collect(),
        _ => panic!(),
    };
    let out = redact(&facts);
    let text = all_text(&out);
    for secret in ["Sara", "sara", "Ahmadi", "رضا", "کریمی"] {
        assert!(
            !text.contains(secret),
            "{secret} left in the redacted facts"
        );
    }
    for s in &original_serials {
        assert!(!text.contains(s.as_str()), "serial {s} left");
    }
    let Fact::Value(t) = &out["token"] else {
        panic!()
    };
    let certs = t["slots"][0]["certificates"].as_array().unwrap();
    let seen: Vec<Value> = certs
        .iter()
        .map(|c| {
            let der = base64::engine::general_purpose::STANDARD
                .decode(c["der"].as_str().unwrap())
                .unwrap();
            analyse(&der)
        })
        .collect();
    // The same certificate twice: the same placeholders; another: others.
    assert_eq!(seen[0]["serial"], seen[1]["serial"]);
    assert_ne!(seen[0]["serial"], seen[2]["serial"]);
    assert_eq!(seen[0]["subject"]["CN"], seen[1]["subject"]["CN"]);
    assert_ne!(seen[0]["subject"]["CN"], seen[2]["subject"]["CN"]);
    assert!(
        seen[0]["subject"]["CN"]
            .as_str()
            .unwrap()
            .starts_with("holder-")
    );
    // Labels name the holder as the certificate does.
    let label = certs[0]["label"].as_str().unwrap();
    assert!(label.starts_with("<holder-1>"), "{label}");
    assert_eq!(t["slots"][0]["token"]["label"], json!("<holder-1>"));
    assert_eq!(certs[2]["label"], json!("<holder-2>"));
}
