//! `tokenyar diagnose` against a real PKCS#11 token: SoftHSM2, in a temporary folder per test
//! (SOFTHSM2_CONF), holding certificates the test makes with dates relative to now.
//!
//! SoftHSM2 and OpenSC's pkcs11-tool must be installed (`.ci/run` installs them). A missing one
//! fails these tests: they are never skipped. Logging in happens here, in the test's setup, to
//! write certificates; tokenyar itself never logs in.

#![cfg(target_os = "linux")] // SoftHSM2 at its Debian path; CI runs on Linux
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use support::{Hsm, MODULE, days_until, tokenyar, user_cert};
use tokenyar_engine::facts::cert::{Synth, synthesise};

fn independent(national_id: &str, from_days: i64, to_days: i64) -> Vec<u8> {
    user_cert(
        "Ali Rezaei [Sign]",
        "Unaffiliated",
        national_id,
        from_days,
        to_days,
    )
}

#[test]
fn a_valid_certificate_gives_a_clean_bill_of_health() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "sign", &independent("0012345678", -30, 700));
    let r = h.diagnose(&[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.cases().is_empty(), "{}", r.stdout);
    let list = &r.check("general/cert-missing")["evidence"]["tokens"];
    let ali = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["token"] == "ali")
        .unwrap();
    let c = &ali["list"][0];
    assert_eq!(c["subject"], json!("Ali Rezaei [Sign]"));
    assert_eq!(c["national_id"], json!("••••••5678"));
    assert_eq!(c["type"], json!("independent"));
    assert_eq!(c["lifetime_days"], json!(730));
    assert!(
        (699..=700).contains(&c["days_left"].as_i64().unwrap()),
        "{c}"
    );
    assert_eq!(r.check("general/pin-locked")["status"], json!("ok"));
    assert_eq!(r.check("general/so-pin-locked")["status"], json!("ok"));
}

#[test]
fn an_expired_certificate_is_an_error_with_the_renewal_remedy() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "old", &independent("0012345678", -400, -35));
    let r = h.diagnose(&[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.cases(), vec!["general/cert-expired".to_string()]);
    let f = r.finding("general/cert-expired");
    assert_eq!(f["severity"], json!("error"));
    assert_eq!(f["remedy"]["id"], json!("general/cert-expired/renew"));
    let expired = &f["evidence"]["expired"][0];
    assert!(days_until(expired["not_after"].as_str().unwrap()) < -30);
}

#[test]
fn a_certificate_expiring_within_30_days_is_a_warning() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "sign", &independent("0012345678", -355, 10));
    let r = h.diagnose(&[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.cases(), vec!["general/cert-expired".to_string()]);
    let f = r.finding("general/cert-expired");
    assert_eq!(f["severity"], json!("warning"));
    assert_eq!(f["node"], json!("general/cert-expiring"));
    assert_eq!(f["remedy"]["id"], json!("general/cert-expiring/renew-soon"));
    let left = f["evidence"]["certificate"]["days_left"].as_i64().unwrap();
    assert!((9..=10).contains(&left), "{left}");
}

#[test]
fn a_certificate_not_yet_valid_is_an_error() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "future", &independent("0012345678", 5, 370));
    let r = h.diagnose(&[]);
    assert_eq!(r.cases(), vec!["general/cert-expired".to_string()]);
    let f = r.finding("general/cert-expired");
    assert_eq!(f["severity"], json!("error"));
    assert_eq!(f["evidence"]["not_yet_valid"].as_array().unwrap().len(), 1);
}

#[test]
fn a_token_without_certificates_is_cert_missing() {
    let h = Hsm::new();
    h.token("empty");
    let r = h.diagnose(&[]);
    assert_eq!(r.cases(), vec!["general/cert-missing".to_string()]);
    assert_eq!(
        r.finding("general/cert-missing")["remedy"]["id"],
        json!("general/cert-missing/obtain")
    );
    // The token is there, so it is not "not detected".
    assert_eq!(r.check("general/token-not-detected")["status"], json!("ok"));
}

#[test]
fn two_certificates_are_one_too_many_for_bank_mellat_only() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "new", &independent("0012345678", -10, 720))
        .import("ali", "02", "second", &independent("0012345678", -300, 400));
    let r = h.diagnose(&["--system", "bank-mellat"]);
    let f = r
        .finding_by_probe("general/probe/cert-count-rule")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert_eq!(f["case"], json!("bank-mellat/single-certificate"));
    assert_eq!(f["evidence"]["certificates"], json!(2));
    assert_eq!(f["evidence"]["required"], json!(1));
    let r = h.diagnose(&["--system", "setad"]);
    assert!(
        r.finding_by_probe("general/probe/cert-count-rule")
            .is_none()
    );
}

#[test]
fn lifetime_rules_follow_the_system() {
    let one_year = Hsm::new();
    one_year
        .token("one")
        .import("one", "01", "sign", &independent("0012345678", -10, 355));
    let two_years = Hsm::new();
    two_years
        .token("two")
        .import("two", "01", "sign", &independent("0012345678", -10, 720));
    for (h, system, wrong) in [
        (&one_year, "amlak", false),
        (&one_year, "moadian", true),
        (&two_years, "amlak", true),
        (&two_years, "moadian", false),
        (&two_years, "setad", false),
    ] {
        let r = h.diagnose(&["--system", system]);
        assert_eq!(
            r.finding_by_probe("general/probe/cert-lifetime").is_some(),
            wrong,
            "{system}: {:?}",
            r.cases()
        );
    }
}

#[test]
fn a_company_seal_is_the_wrong_type_for_sabt_man_but_not_for_setad() {
    let h = Hsm::new();
    let seal = user_cert(
        "Kimia Co [Stamp]",
        "Non-Governmental",
        "14000405500",
        -10,
        700,
    );
    h.token("company").import("company", "01", "seal", &seal);
    let r = h.diagnose(&["--system", "sabt-man"]);
    let f = r
        .finding_by_probe("general/probe/cert-type")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert_eq!(
        f["evidence"]["certificates"][0]["type"],
        json!("nongov-seal")
    );
    let r = h.diagnose(&["--system", "setad"]);
    assert!(r.finding_by_probe("general/probe/cert-type").is_none());
}

/// `KEY=value` pairs of a DN as pkcs11-tool (`C=IR, O=x, CN=y/serialNumber=z`) or x509-parser
/// (`C=IR, O=x, CN=y, serialNumber=z`) print it.
fn dn_pairs(dn: &str) -> BTreeSet<String> {
    dn.trim_start_matches("DN: ")
        .split(", ")
        .flat_map(|p| p.split('/'))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn what_tokenyar_lists_matches_pkcs11_tool() {
    let h = Hsm::new();
    h.token("sara")
        .import(
            "sara",
            "0a",
            "signing",
            &user_cert("Sara Ahmadi [Sign]", "Unaffiliated", "0076543210", -10, 700),
        )
        .import(
            "sara",
            "0b",
            "seal",
            &user_cert(
                "Kimia Co [Stamp]",
                "Non-Governmental",
                "14000405500",
                -10,
                300,
            ),
        );
    let listing = h.pkcs11_tool(&["--list-slots", "--list-objects"]);
    let r = h.diagnose(&[]);

    let tool_labels: BTreeSet<String> = listing
        .lines()
        .filter_map(|l| l.trim().strip_prefix("token label"))
        .map(|l| l.trim_start_matches([' ', ':']).trim().to_string())
        .collect();
    let our_labels: BTreeSet<String> = r.check("general/token-not-detected")["evidence"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(our_labels, tool_labels, "{listing}");

    let mut tool_certs: Vec<(String, BTreeSet<String>)> = Vec::new();
    let mut label = None;
    for line in listing.lines().map(str::trim) {
        if let Some(l) = line.strip_prefix("label:") {
            label = Some(l.trim().to_string());
        }
        if let Some(dn) = line.strip_prefix("subject:") {
            tool_certs.push((label.take().unwrap(), dn_pairs(dn.trim())));
        }
    }
    tool_certs.sort();
    let evidence = r.check("general/cert-missing")["evidence"].clone();
    let mut our_certs: Vec<(String, BTreeSet<String>)> = evidence["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["list"].as_array().unwrap().clone())
        .map(|c: Value| {
            (
                c["label"].as_str().unwrap().to_string(),
                dn_pairs(c["personal"]["subject_dn"].as_str().unwrap()),
            )
        })
        .collect();
    our_certs.sort();
    assert_eq!(our_certs.len(), 2, "{evidence}");
    assert_eq!(our_certs, tool_certs, "{listing}");
}

#[test]
fn a_full_diagnosis_leaves_the_user_pin_count_low_flag_clear() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "sign", &independent("0012345678", -30, 700));
    let flags = |h: &Hsm| {
        h.pkcs11_tool(&["--list-token-slots"])
            .lines()
            .find(|l| l.contains("token flags"))
            .unwrap()
            .to_string()
    };
    // Every check of every system, twice.
    for _ in 0..2 {
        let r = h.diagnose(&[]);
        assert_eq!(r.check("general/pin-locked")["status"], json!("ok"));
    }
    let after = flags(&h);
    assert!(after.contains("token initialized"), "{after}");
    assert!(
        !after.contains("count low"),
        "tokenyar changed the PIN state: {after}"
    );

    // The control: one wrong PIN (entered here by the test) does set the flag, and tokenyar
    // reports it as a warning without touching the PIN itself.
    let wrong = h
        .cmd("pkcs11-tool")
        .args([
            "--module",
            MODULE,
            "--token-label",
            "ali",
            "--login",
            "--pin",
            "0000",
            "--list-objects",
        ])
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(flags(&h).contains("user PIN count low"));
    let r = h.diagnose(&[]);
    let f = r.finding("general/pin-locked");
    assert_eq!(f["severity"], json!("warning"));
    assert_eq!(f["evidence"]["count_low"], json!(["ali"]));
}

#[test]
fn softhsm_is_discovered_from_the_knowledge_base_without_an_argument() {
    let h = Hsm::new();
    h.token("ali")
        .import("ali", "01", "sign", &independent("0012345678", -30, 700));
    let r = tokenyar(
        &["diagnose", "--json", "--offline", "--token-deadline", "5"],
        &[("SOFTHSM2_CONF", &h.conf)],
    );
    let detected = r.check("general/token-not-detected");
    assert_eq!(detected["status"], json!("ok"), "{}", r.stdout);
    let modules = detected["evidence"]["modules"].as_array().unwrap();
    let softhsm: Vec<&Value> = modules
        .iter()
        .filter(|m| m["model"] == "softhsm2")
        .collect();
    // Found once, although /usr/lib/softhsm and the multiarch folder both hold it.
    assert_eq!(softhsm.len(), 1, "{modules:?}");
    assert_eq!(softhsm[0]["source"], json!("discovered"));
    assert_eq!(softhsm[0]["error"], Value::Null);
    // Given as an argument too, it is still read once, as the user's choice.
    let r = h.diagnose(&[]);
    let modules = r.check("general/token-not-detected")["evidence"]["modules"].clone();
    let softhsm: Vec<&Value> = modules
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["model"] == "softhsm2")
        .collect();
    assert_eq!(softhsm.len(), 1, "{modules}");
    assert_eq!(softhsm[0]["source"], json!("argument"));
}

#[test]
fn an_intermediate_ca_on_the_token_is_listed_as_such_and_not_counted() {
    // An intermediate CA naming the national root's key, and a user certificate it issued.
    let h = Hsm::new();
    let at = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).to_rfc3339();
    let intermediate = synthesise(&Synth {
        cn: Some("Test Intermediate CA".into()),
        ca: true,
        key_id: Some("c0ffee01".into()),
        issuer: Some(support::iran_root()),
        not_before: Some(at(-100)),
        not_after: Some(at(3000)),
        ..Synth::default()
    })
    .unwrap();
    let user = synthesise(&Synth {
        cn: Some("Ali Rezaei [Sign]".into()),
        o: Some("Unaffiliated".into()),
        serial_number: Some("0012345678".into()),
        issuer: Some(tokenyar_engine::facts::cert::SynthIssuer {
            cn: Some("Test Intermediate CA".into()),
            key_id: Some("c0ffee01".into()),
            ..Default::default()
        }),
        not_before: Some(at(-10)),
        not_after: Some(at(700)),
        ..Synth::default()
    })
    .unwrap();
    h.token("ali")
        .import("ali", "01", "sign", &user)
        .import("ali", "02", "ca", &intermediate);
    // Bank Mellat wants one certificate: the CA's beside it does not count.
    let r = h.diagnose(&["--system", "bank-mellat"]);
    assert!(!r.cases().contains(&"general/cert-count".to_string()));
    // The listing shows the intermediate as a CA under the national root (the chain itself is
    // followed by cert/chain.rhai, tested in engine/tests/probes.rs).
    let list = r.check("general/cert-missing")["evidence"]["tokens"][0]["list"].clone();
    let ca = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "ca")
        .unwrap();
    assert_eq!(ca["is_ca"], json!(true));
    assert_eq!(ca["issuer"], json!("Islamic Republic of Iran Root CA-G3"));
}
