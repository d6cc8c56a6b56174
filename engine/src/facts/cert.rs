//! X.509 certificate analysis for probes (`cert_parse(der)` in scripts).
//!
//! This reads fields; it does not decide what they mean. Which `O` makes a certificate
//! "government-affiliated" or which lifetime a system accepts is knowledge-base data that the
//! scripts apply. Malformed input yields `{ok: false, error}`, never a panic.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// Decodes base64 (standard, padding optional) or PEM, then analyses the DER.
pub fn analyse_text(text: &str) -> Value {
    let trimmed = text.trim();
    let b64: String = if trimmed.starts_with("-----BEGIN") {
        trimmed
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect()
    } else {
        trimmed.chars().filter(|c| !c.is_whitespace()).collect()
    };
    let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
    match engine.decode(b64.trim_end_matches('=')) {
        Ok(der) => analyse(&der),
        Err(e) => {
            json!({"ok": false, "error": format!("the certificate is not valid base64: {e}")})
        }
    }
}

/// Analyses one DER certificate.
pub fn analyse(der: &[u8]) -> Value {
    let cert = match X509Certificate::from_der(der) {
        Ok((_, c)) => c,
        Err(e) => {
            return json!({"ok": false, "error": format!("the certificate cannot be parsed: {e}"), "size": der.len()});
        }
    };
    let nb = to_utc(cert.validity().not_before.timestamp());
    let na = to_utc(cert.validity().not_after.timestamp());
    let lifetime_days = match (nb, na) {
        (Some(a), Some(b)) => Some((b - a).num_days()),
        _ => None,
    };
    let mut out = Map::new();
    out.insert("ok".into(), json!(true));
    out.insert("subject".into(), name_map(cert.subject()));
    out.insert("issuer".into(), name_map(cert.issuer()));
    let safe = |s: String| crate::text::terminal_safe(&s).into_owned();
    out.insert("subject_dn".into(), json!(safe(cert.subject().to_string())));
    out.insert("issuer_dn".into(), json!(safe(cert.issuer().to_string())));
    out.insert("serial".into(), json!(cert.raw_serial_as_string()));
    out.insert("not_before".into(), json!(nb.map(|t| t.to_rfc3339())));
    out.insert("not_after".into(), json!(na.map(|t| t.to_rfc3339())));
    out.insert("lifetime_days".into(), json!(lifetime_days));
    out.insert("key_usage".into(), json!(key_usage(&cert)));
    out.insert("is_ca".into(), json!(cert.is_ca()));
    out.insert("self_signed".into(), json!(cert.subject() == cert.issuer()));
    out.insert(
        "signature_algorithm".into(),
        json!(oid_name(&cert.signature_algorithm.algorithm)),
    );
    out.insert("sha256".into(), json!(hex(&Sha256::digest(der))));
    let mut ski = None;
    let mut aki = None;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(hex(k.0)),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| hex(k.0))
            }
            _ => {}
        }
    }
    out.insert("subject_key_id".into(), json!(ski));
    out.insert("authority_key_id".into(), json!(aki));
    Value::Object(out)
}

fn to_utc(ts: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(ts, 0)
}

/// Subject or issuer as a map of short names (`CN`, `O`, `serialNumber`) to values; repeated
/// attributes (several `OU`) become arrays.
fn name_map(name: &X509Name<'_>) -> Value {
    let mut m = Map::new();
    for attr in name.iter_attributes() {
        let key = oid_name(attr.attr_type());
        let val = attr_string(attr);
        match m.get_mut(&key) {
            None => {
                m.insert(key, json!(val));
            }
            Some(Value::Array(a)) => a.push(json!(val)),
            Some(existing) => {
                let first = existing.take();
                *existing = json!([first, val]);
            }
        }
    }
    Value::Object(m)
}

/// An attribute's text, made safe to print: a certificate comes from a token, and whoever
/// wrote it chose its bytes.
fn attr_string(attr: &AttributeTypeAndValue<'_>) -> String {
    crate::text::terminal_safe(&attr_text(attr)).into_owned()
}

fn attr_text(attr: &AttributeTypeAndValue<'_>) -> String {
    if let Ok(s) = attr.as_str() {
        return s.to_string();
    }
    let raw = attr.as_slice();
    // Persian names are often BMPString (UTF-16BE), which x509-parser leaves undecoded.
    if attr.attr_value().tag() == x509_parser::der_parser::asn1_rs::Tag::BmpString
        && raw.len() % 2 == 0
    {
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    String::from_utf8_lossy(raw).into_owned()
}

fn oid_name(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    // The short names of RFC 4519 / X.520, as DNs are printed (`CN=..., O=...`).
    match oid.to_id_string().as_str() {
        "2.5.4.3" => "CN".into(),
        "2.5.4.6" => "C".into(),
        "2.5.4.7" => "L".into(),
        "2.5.4.10" => "O".into(),
        "2.5.4.11" => "OU".into(),
        "2.5.4.5" => "serialNumber".into(),
        "2.5.4.4" => "SN".into(),
        "2.5.4.42" => "G".into(),
        "2.5.4.8" => "S".into(),
        "2.5.4.12" => "title".into(),
        "1.2.840.113549.1.9.1" => "E".into(),
        other => x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
            .map(str::to_string)
            .unwrap_or_else(|_| other.to_string()),
    }
}

fn key_usage(cert: &X509Certificate<'_>) -> Vec<&'static str> {
    let Ok(Some(ku)) = cert.key_usage() else {
        return Vec::new();
    };
    let ku = ku.value;
    let names = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
    ];
    names
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| n)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A certificate to generate, for tests and scenarios: the subject and dates asked for, issued
/// by whichever issuer (name and key id) is claimed. Nothing is really signed by that issuer, and
/// nothing needs to be: tokenyar follows chains by key id and fingerprint, not by signature.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Synth {
    pub cn: Option<String>,
    pub o: Option<String>,
    pub ou: Option<String>,
    pub c: Option<String>,
    /// State or province, locality.
    pub st: Option<String>,
    pub l: Option<String>,
    /// The holder's surname (2.5.4.4), given name (2.5.4.42) and title (2.5.4.12).
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub title: Option<String>,
    /// The subject serialNumber (2.5.4.5): the national id.
    pub serial_number: Option<String>,
    /// Every name attribute as a BMPString (UTF-16), as many Iranian CAs write them.
    pub bmp: bool,
    /// RFC 3339.
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// A certification authority's certificate.
    pub ca: bool,
    /// The subject key id, in hex (random when absent).
    pub key_id: Option<String>,
    /// Self-signed when absent.
    pub issuer: Option<SynthIssuer>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthIssuer {
    pub c: Option<String>,
    pub o: Option<String>,
    pub ou: Option<String>,
    pub cn: Option<String>,
    /// The issuer's key id in hex: written as the certificate's authority key id.
    pub key_id: Option<String>,
}

/// Generates the DER of a [`Synth`] certificate (see `facts/der.rs` for why nothing is signed).
pub fn synthesise(spec: &Synth) -> Result<Vec<u8>, String> {
    use super::der::{CertSpec, Str, certificate};
    fn unhex(s: &str) -> Result<Vec<u8>, String> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
            .collect()
    }
    let time = |v: &Option<String>| -> Result<Option<DateTime<Utc>>, String> {
        let Some(s) = v else { return Ok(None) };
        let t = DateTime::parse_from_rfc3339(s).map_err(|e| format!("{s}: {e}"))?;
        Ok(Some(t.with_timezone(&Utc)))
    };
    let text = if spec.bmp { Str::Bmp } else { Str::Utf8 };
    let attrs = |fields: &[(&[u64], &Option<String>)]| {
        fields
            .iter()
            .filter_map(|(o, v)| v.as_ref().map(|v| (o.to_vec(), text, v.clone())))
            .collect::<Vec<_>>()
    };
    let subject = attrs(&[
        (&[2, 5, 4, 6], &spec.c),
        (&[2, 5, 4, 8], &spec.st),
        (&[2, 5, 4, 7], &spec.l),
        (&[2, 5, 4, 10], &spec.o),
        (&[2, 5, 4, 11], &spec.ou),
        (&[2, 5, 4, 3], &spec.cn),
        (&[2, 5, 4, 4], &spec.surname),
        (&[2, 5, 4, 42], &spec.given_name),
        (&[2, 5, 4, 12], &spec.title),
        (&[2, 5, 4, 5], &spec.serial_number),
    ]);
    let (issuer, authority_key_id) = match &spec.issuer {
        None => (Vec::new(), None),
        Some(i) => (
            attrs(&[
                (&[2, 5, 4, 6], &i.c),
                (&[2, 5, 4, 10], &i.o),
                (&[2, 5, 4, 11], &i.ou),
                (&[2, 5, 4, 3], &i.cn),
            ]),
            // A claimed issuer always has a key id, as a real CA's certificate does.
            Some(match &i.key_id {
                Some(k) => unhex(k)?,
                None => Sha256::digest(format!("{i:?}").as_bytes())[..20].to_vec(),
            }),
        ),
    };
    Ok(certificate(&CertSpec {
        subject,
        issuer,
        not_before: time(&spec.not_before)?,
        not_after: time(&spec.not_after)?,
        ca: spec.ca,
        key_id: spec.key_id.as_deref().map(unhex).transpose()?,
        authority_key_id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_finding_not_a_panic() {
        assert_eq!(analyse(b"\x30\x82\xff\xff junk")["ok"], json!(false));
        assert_eq!(analyse(&[])["ok"], json!(false));
        assert_eq!(analyse_text("%%%")["ok"], json!(false));
    }

    #[test]
    fn a_generated_certificate_names_the_issuer_key_it_claims() {
        let der = synthesise(&Synth {
            cn: Some("Ali Rezaei [Sign]".into()),
            serial_number: Some("0012345678".into()),
            key_id: Some("0102".into()),
            issuer: Some(SynthIssuer {
                cn: Some("Test CA".into()),
                key_id: Some("7711d9975428bc7af77ad9d3828ec07144442418".into()),
                ..SynthIssuer::default()
            }),
            ..Synth::default()
        })
        .unwrap();
        let v = analyse(&der);
        assert_eq!(
            v["authority_key_id"],
            json!("7711d9975428bc7af77ad9d3828ec07144442418")
        );
        assert_eq!(v["subject_key_id"], json!("0102"));
        assert_eq!(v["issuer"]["CN"], json!("Test CA"));
        assert_eq!(v["subject"]["serialNumber"], json!("0012345678"));
        assert_eq!(v["is_ca"], json!(false));
        assert_eq!(
            v["key_usage"],
            json!(["digitalSignature", "nonRepudiation"])
        );
    }

    #[test]
    fn a_bmp_certificate_reads_like_a_utf8_one() {
        let spec = Synth {
            cn: Some("سارا احمدی".into()),
            serial_number: Some("0012345601".into()),
            ..Synth::default()
        };
        let utf8 = analyse(&synthesise(&spec).unwrap());
        let bmp = analyse(&synthesise(&Synth { bmp: true, ..spec }).unwrap());
        assert_eq!(utf8["subject"], bmp["subject"]);
        assert_eq!(bmp["subject"]["serialNumber"], json!("0012345601"));
    }

    /// The hand-written DER reads as a certificate from a real library (rcgen, a
    /// dev-dependency only) reads: same fields, dates, usages and CA flag.
    #[test]
    fn a_test_certificate_reads_like_one_rcgen_makes() {
        use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, IsCa, KeyPair};
        use rcgen::{KeyUsagePurpose, date_time_ymd};
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::OrganizationName,
            DnValue::Utf8String("Unaffiliated".into()),
        );
        dn.push(
            DnType::CommonName,
            DnValue::Utf8String("Sara Ahmadi [Sign]".into()),
        );
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::Utf8String("0076543210".into()),
        );
        p.distinguished_name = dn;
        p.not_before = date_time_ymd(2025, 1, 10);
        p.not_after = date_time_ymd(2026, 1, 10);
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        let theirs = analyse(p.self_signed(&KeyPair::generate().unwrap()).unwrap().der());
        let ours = analyse(
            &synthesise(&Synth {
                o: Some("Unaffiliated".into()),
                cn: Some("Sara Ahmadi [Sign]".into()),
                serial_number: Some("0076543210".into()),
                not_before: Some("2025-01-10T00:00:00Z".into()),
                not_after: Some("2026-01-10T00:00:00Z".into()),
                ..Synth::default()
            })
            .unwrap(),
        );
        for k in [
            "ok",
            "subject",
            "issuer",
            "subject_dn",
            "not_before",
            "not_after",
            "lifetime_days",
            "key_usage",
            "is_ca",
            "self_signed",
            "signature_algorithm",
        ] {
            assert_eq!(ours[k], theirs[k], "{k}");
        }
    }

    #[test]
    fn reads_the_iran_root() {
        let pem = include_str!("../../../kb/certs/iran-root-ca-g3.pem");
        let v = analyse_text(pem);
        assert_eq!(v["ok"], json!(true), "{v}");
        assert_eq!(
            v["subject"]["CN"],
            json!("Islamic Republic of Iran Root CA-G3")
        );
        assert_eq!(
            v["sha256"],
            json!("aa7ff637d061295a6a003e9d6621a54f4780bae7aef96043a71b7c2af276d556")
        );
        assert_eq!(v["is_ca"], json!(true));
        assert_eq!(v["not_after"], json!("2039-05-07T07:19:33+00:00"));
    }
}
