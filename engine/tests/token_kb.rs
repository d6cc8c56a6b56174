//! The token knowledge (kb/tokens.yaml) and the token and certificate cases are complete data:
//! every error has a cause in both languages, every module entry can be searched, and the Persian
//! is written as Persian (Persian letters and digits, no Arabic look-alikes).

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

/// Every `fa:` text in a YAML value.
fn persian(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("fa")
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_string());
                }
                persian(v, out);
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| persian(v, out)),
        _ => {}
    }
}

#[test]
fn persian_texts_use_persian_letters_and_digits() {
    let mut texts = Vec::new();
    for f in [
        "kb/tokens.yaml",
        "kb/general/token.yaml",
        "kb/general/certificate.yaml",
        "kb/general/pin.yaml",
    ] {
        persian(&load(f), &mut texts);
    }
    assert!(texts.len() > 100);
    for t in &texts {
        assert!(!t.contains(['ي', 'ك']), "Arabic yeh or kaf in: {t}");
        assert!(
            t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "not Persian: {t}"
        );
        // A Latin digit is only allowed inside a Latin name (ePass2003, Csp11_3003).
        let chars: Vec<char> = t.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if c.is_ascii_digit() {
                let word_start = chars[..i]
                    .iter()
                    .rposition(|c| !(c.is_ascii_alphanumeric() || ['_', '.', '#'].contains(c)))
                    .map_or(0, |p| p + 1);
                assert!(
                    chars[word_start..i].iter().any(|c| c.is_ascii_alphabetic()),
                    "a Latin digit in Persian text: {t}"
                );
            }
        }
        // The common prefix and plural suffix take a half-space, not a space or nothing.
        for bad in [" می ", " نمی ", " ها "] {
            assert!(!t.contains(bad), "missing half-space ({bad:?}) in: {t}");
        }
    }
}
