//! The token knowledge (kb/tokens.yaml) holds what the issue named: the error codes with the
//! standard's values, the reader errors, the module files of each model. (Its form, both
//! languages and Persian style are `kb check` rules, held by `kb::the_shipped_knowledge_base_is_clean`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::Path;

use serde_yaml::Value;

fn load(rel: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    serde_yaml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

#[test]
fn every_error_name_has_a_cause_in_both_languages() {
    let t = load("kb/tokens.yaml");
    let mut n = 0;
    for table in ["pkcs11_errors", "reader_errors"] {
        for (name, e) in t[table].as_mapping().unwrap() {
            let name = name.as_str().unwrap();
            for lang in ["fa", "en"] {
                let text = e["cause"][lang].as_str().unwrap_or_default();
                assert!(!text.trim().is_empty(), "{table}.{name}: no {lang} cause");
            }
            if table == "pkcs11_errors" {
                assert!(name.starts_with("CKR_"), "{name}");
                assert!(e["value"].as_u64().is_some(), "{name}: no numeric value");
            }
            n += 1;
        }
    }
    assert!(n > 20);
    // The codes the issue names, with the values of the standard's header.
    for (name, value) in [
        ("CKR_TOKEN_NOT_PRESENT", 0xE0),
        ("CKR_TOKEN_NOT_RECOGNIZED", 0xE1),
        ("CKR_DEVICE_ERROR", 0x30),
    ] {
        assert_eq!(
            t["pkcs11_errors"][name]["value"].as_u64(),
            Some(value),
            "{name}"
        );
    }
    for name in ["timeout", "crashed", "load_failed", "wrong_architecture"] {
        assert!(
            t["reader_errors"][name]["cause"]["fa"].is_string(),
            "{name}"
        );
    }
}

#[test]
fn every_module_entry_is_searchable_and_labelled() {
    let t = load("kb/tokens.yaml");
    let mut files = Vec::new();
    for m in t["models"].as_sequence().unwrap() {
        let id = m["id"].as_str().unwrap();
        for e in m["modules"].as_sequence().unwrap() {
            let os = e["os"].as_str().unwrap();
            assert!(["windows", "linux", "macos"].contains(&os), "{id}: os {os}");
            assert!(
                ["verified", "sourced", "unverified"].contains(&e["confidence"].as_str().unwrap()),
                "{id}: confidence"
            );
            assert!(!e["dirs"].as_sequence().unwrap().is_empty(), "{id}: dirs");
            for f in e["files"].as_sequence().unwrap() {
                files.push(f.as_str().unwrap().to_string());
            }
        }
    }
    for wanted in [
        "ShuttleCsp11_3003.dll",
        "*Csp11_3003*.dll",
        "libshuttle_p11v220.so",
        "eps2003csp11.dll",
        "eps2003csp11v2.dll",
        "libcastle.so.1.0.0",
        "eTPKCS11.dll",
        "libeTPkcs11.so",
        "opensc-pkcs11.so",
        "libsofthsm2.so",
    ] {
        assert!(
            files.iter().any(|f| f == wanted),
            "{wanted} is not in kb/tokens.yaml"
        );
    }
}
