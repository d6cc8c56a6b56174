//! Just enough DER to write a test certificate: the certificates scenario tests (`kb test`,
//! which ships) and unit tests describe. Nothing here signs anything: tokenyar reads fields and
//! follows chains by key id and fingerprint, never by signature, so a certificate carries a
//! fixed public key (the P-256 base point, a valid point) and a placeholder signature. That is
//! why the shipping binary needs no cryptographic library (`rcgen`, `ring`) to make one.

use sha2::{Digest, Sha256};

/// One DER element: tag, definite length, content.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = (n as u64)
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

pub(crate) fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// An OBJECT IDENTIFIER from its arcs.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut chunk = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            chunk.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    };
    let first = arcs.first().copied().unwrap_or(0);
    let second = arcs.get(1).copied().unwrap_or(0);
    push(first * 40 + second);
    for a in arcs.iter().skip(2) {
        push(*a);
    }
    tlv(0x06, &body)
}

/// A positive INTEGER from big-endian magnitude bytes.
pub(crate) fn integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|b| *b == 0).collect();
    let mut body = if trimmed.is_empty() { vec![0] } else { trimmed };
    if body[0] & 0x80 != 0 {
        body.insert(0, 0);
    }
    tlv(0x02, &body)
}

/// How a name attribute's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Str {
    Utf8,
    /// UTF-16BE, as many Iranian certificates write Persian names.
    Bmp,
}

pub fn string(kind: Str, text: &str) -> Vec<u8> {
    match kind {
        Str::Utf8 => tlv(0x0C, text.as_bytes()),
        Str::Bmp => tlv(
            0x1E,
            &text
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<_>>(),
        ),
    }
}

/// A Name: one attribute per relative name, in order.
pub fn name(attrs: &[(Vec<u64>, Str, String)]) -> Vec<u8> {
    let rdns: Vec<Vec<u8>> = attrs
        .iter()
        .map(|(o, kind, text)| tlv(0x31, &seq(&[oid(o), string(*kind, text)])))
        .collect();
    seq(&rdns)
}

/// UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5).
pub fn time(t: chrono::DateTime<chrono::Utc>) -> Vec<u8> {
    use chrono::Datelike;
    if (1950..2050).contains(&t.year()) {
        tlv(0x17, t.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        tlv(0x18, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
}

/// What goes into a test certificate.
#[derive(Debug, Clone, Default)]
pub struct CertSpec {
    pub subject: Vec<(Vec<u64>, Str, String)>,
    pub issuer: Vec<(Vec<u64>, Str, String)>,
    pub not_before: Option<chrono::DateTime<chrono::Utc>>,
    pub not_after: Option<chrono::DateTime<chrono::Utc>>,
    pub ca: bool,
    pub key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
}

/// The P-256 base point, uncompressed: a valid public key that belongs to nobody.
const P256_G: [u8; 65] = [
    0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40,
    0xF2, 0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2,
    0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E,
    0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51,
    0xF5,
];

/// The DER of a certificate as `spec` describes it (self-issued when `spec.issuer` is empty).
pub fn certificate(spec: &CertSpec) -> Vec<u8> {
    use chrono::TimeZone;
    let ecdsa_sha256 = seq(&[oid(&[1, 2, 840, 10045, 4, 3, 2])]);
    let subject = name(&spec.subject);
    let issuer = if spec.issuer.is_empty() {
        subject.clone()
    } else {
        name(&spec.issuer)
    };
    let nb = spec
        .not_before
        .or_else(|| chrono::Utc.with_ymd_and_hms(1975, 1, 1, 0, 0, 0).single());
    let na = spec
        .not_after
        .or_else(|| chrono::Utc.with_ymd_and_hms(4096, 1, 1, 0, 0, 0).single());
    let validity = seq(&[
        nb.map(time).unwrap_or_default(),
        na.map(time).unwrap_or_default(),
    ]);
    // Serial and default key id follow from what the certificate says, so two different test
    // certificates differ and the same one is the same on every run.
    let digest = Sha256::digest([subject.as_slice(), &issuer, &validity].concat());
    let mut serial = digest[..16].to_vec();
    serial[0] = (serial[0] & 0x7F) | 0x01;
    let key_id = spec.key_id.clone().unwrap_or_else(|| digest[16..].to_vec());
    let spki = seq(&[
        seq(&[
            oid(&[1, 2, 840, 10045, 2, 1]),
            oid(&[1, 2, 840, 10045, 3, 1, 7]),
        ]),
        tlv(0x03, &[&[0u8][..], &P256_G].concat()),
    ]);
    let ext = |id: &[u64], critical: bool, value: Vec<u8>| {
        let mut parts = vec![oid(id)];
        if critical {
            parts.push(tlv(0x01, &[0xFF]));
        }
        parts.push(tlv(0x04, &value));
        seq(&parts)
    };
    let mut exts = vec![
        ext(
            &[2, 5, 29, 19],
            true,
            if spec.ca {
                seq(&[tlv(0x01, &[0xFF])])
            } else {
                seq(&[])
            },
        ),
        // digitalSignature + nonRepudiation, or keyCertSign + cRLSign.
        ext(
            &[2, 5, 29, 15],
            true,
            if spec.ca {
                tlv(0x03, &[0x01, 0x06])
            } else {
                tlv(0x03, &[0x06, 0xC0])
            },
        ),
        ext(&[2, 5, 29, 14], false, tlv(0x04, &key_id)),
    ];
    if let Some(aki) = &spec.authority_key_id {
        exts.push(ext(&[2, 5, 29, 35], false, seq(&[tlv(0x80, aki)])));
    }
    let tbs = seq(&[
        tlv(0xA0, &integer(&[2])),
        integer(&serial),
        ecdsa_sha256.clone(),
        issuer,
        validity,
        subject,
        spki,
        tlv(0xA3, &seq(&exts)),
    ]);
    // A well-formed ECDSA signature value (r = s = 1) that verifies against nothing.
    let signature = seq(&[integer(&[1]), integer(&[1])]);
    seq(&[
        tbs,
        ecdsa_sha256,
        tlv(0x03, &[&[0u8][..], &signature].concat()),
    ])
}
