//! Personal data out of bundles, sessions, reports and scenario tests. National ids (10-digit
//! personal, 11-digit legal-person; ASCII, Persian or Arabic-Indic digits), certificate holder
//! names and serial numbers, token serials, user names, host names and home folders become
//! placeholders, the same value always the same placeholder within one bundle (so an agent can
//! still tell two certificates apart), and a placeholder keeps what a probe could test: a valid
//! check digit stays valid, an invalid one invalid, so the diagnosis of a redacted bundle is the
//! diagnosis of the original. Certificates are edited in place (same length), so they still
//! parse; certification authorities' certificates are left alone (they name no person, and the
//! knowledge base may know them by fingerprint).
//!
//! Secrets are never written at all, redaction or not: proxy credentials are stripped when read,
//! and `scrub_secrets` drops any PIN or password a fact might carry.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use serde_json::Value;

use super::Fact;

/// DER string tags whose value is ASCII digits when it holds a national id: UTF8, Numeric,
/// Printable, T61 and IA5 strings.
const STRING_TAGS: [u8; 5] = [0x0C, 0x12, 0x13, 0x14, 0x16];

/// Account names that identify nobody.
const GENERIC_ACCOUNTS: &[&str] = &[
    "root",
    "admin",
    "administrator",
    "user",
    "users",
    "default",
    "default user",
    "public",
    "guest",
    "system",
    "all users",
    "shared",
    "nobody",
    "local service",
    "network service",
];

/// `http://name:secret@host:3128` -> `http://host:3128`, whatever the secret holds (`/`, `@`,
/// `%40`, `:`). A proxy address has no `@` of its own, so everything before the last `@` is
/// user information; what is left is parsed as a URL and must carry none.
pub fn strip_credentials(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let stripped = format!("{scheme}{host}");
    match url::Url::parse(&stripped) {
        Ok(mut u) if !scheme.is_empty() && (!u.username().is_empty() || u.password().is_some()) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => stripped,
    }
}

/// Every URL with user information inside a text (an error message, a command line, an
/// environment value) with its user information removed.
pub(crate) fn strip_credentials_in(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('@') {
        return std::borrow::Cow::Borrowed(text);
    }
    let token_end = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ',' | ';');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !token_end(c)).unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(token_end).unwrap_or(rest.len());
        let token = &rest[..end];
        // `scheme://user:pass@host` or a bare `user:pass@host:port` (proxy variables allow it).
        let with_scheme = token.find("://").is_some_and(|i| token[i..].contains('@'));
        let bare = !token.contains("://")
            && token
                .split_once('@')
                .is_some_and(|(user, host)| user.contains(':') && !host.is_empty());
        if with_scheme || bare {
            out.push_str(&strip_credentials(token));
        } else {
            out.push_str(token);
        }
        rest = &rest[end..];
    }
    std::borrow::Cow::Owned(out)
}

/// Keys whose values are secrets and must never be stored.
fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    matches!(
        k.as_str(),
        "pin"
            | "user_pin"
            | "so_pin"
            | "pin_code"
            | "password"
            | "passwd"
            | "secret"
            | "passphrase"
    )
}

/// Drops every PIN or password value from a fact value, and the credentials of every URL in it.
pub(crate) fn scrub_secrets(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, val| !(is_secret_key(k) && (val.is_string() || val.is_number())));
            m.values_mut().for_each(scrub_secrets);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_secrets),
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = strip_credentials_in(s) {
                *s = clean;
            }
        }
        _ => {}
    }
}

pub fn scrub_facts(facts: &mut BTreeMap<String, Fact>) {
    for f in facts.values_mut() {
        match f {
            Fact::Value(v) => scrub_secrets(v),
            Fact::Unknown(r) | Fact::NotApplicable(r) => {
                if let std::borrow::Cow::Owned(clean) = strip_credentials_in(r) {
                    *r = clean;
                }
            }
        }
    }
}

pub use crate::text::is_national_id;

/// The n-th placeholder national code: `999` + n, with a valid check digit (999 is no city's).
fn fake_national_id(n: usize) -> String {
    let body = format!("999{:06}", 100_000 + n % 800_000);
    let d: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{body}{}", crate::text::national_id_check_digit(&d))
}

/// A placeholder for an id of `len` digits (10 or 11) that keeps whether the original's check
/// digit was right, so a probe that tests it decides the same.
fn fake_id(n: usize, len: usize, valid: bool) -> String {
    let fake = if len == 11 {
        let body = format!("999{:07}", 1_000_000 + n % 8_000_000);
        let d: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
        format!("{body}{}", crate::text::legal_person_id_check_digit(&d))
    } else {
        fake_national_id(n)
    };
    if valid {
        return fake;
    }
    // The same digits with the last one off by one: never a valid id.
    let mut d: Vec<u32> = fake.chars().filter_map(|c| c.to_digit(10)).collect();
    if let Some(last) = d.last_mut() {
        *last = (*last + 1) % 10;
    }
    d.iter().filter_map(|x| char::from_digit(*x, 10)).collect()
}

/// Whether a run of digits is an id whose check digit is right.
fn valid_id(ascii: &str) -> bool {
    match ascii.len() {
        10 => is_national_id(ascii),
        11 => crate::text::is_legal_person_id(ascii),
        _ => false,
    }
}

/// How digits are written inside a certificate: ASCII (the string types of [`STRING_TAGS`]),
/// Persian or Arabic-Indic digits in a UTF8String, or any of those in a BMPString (UTF-16BE).
#[derive(Debug, Clone, Copy)]
enum DigitCode {
    Ascii,
    Utf8Persian,
    Utf8Arabic,
    BmpAscii,
    BmpPersian,
    BmpArabic,
}

impl DigitCode {
    const ALL: [DigitCode; 6] = [
        DigitCode::Ascii,
        DigitCode::Utf8Persian,
        DigitCode::Utf8Arabic,
        DigitCode::BmpAscii,
        DigitCode::BmpPersian,
        DigitCode::BmpArabic,
    ];

    fn width(self) -> usize {
        if matches!(self, DigitCode::Ascii) {
            1
        } else {
            2
        }
    }

    /// The two bytes before the digit's last byte (or none), and the last byte of digit 0.
    fn parts(self) -> (Option<u8>, u8) {
        match self {
            DigitCode::Ascii => (None, b'0'),
            DigitCode::Utf8Persian => (Some(0xDB), 0xB0),
            DigitCode::Utf8Arabic => (Some(0xD9), 0xA0),
            DigitCode::BmpAscii => (Some(0x00), 0x30),
            DigitCode::BmpPersian => (Some(0x06), 0xF0),
            DigitCode::BmpArabic => (Some(0x06), 0x60),
        }
    }

    fn digit_at(self, b: &[u8], i: usize) -> Option<u8> {
        let (lead, zero) = self.parts();
        let last = match lead {
            None => *b.get(i)?,
            Some(l) => {
                if *b.get(i)? != l {
                    return None;
                }
                *b.get(i + 1)?
            }
        };
        (zero..=zero + 9).contains(&last).then(|| last - zero)
    }

    fn put(self, b: &mut [u8], i: usize, digit: u8) {
        let (lead, zero) = self.parts();
        match lead {
            None => b[i] = zero + digit,
            Some(l) => {
                b[i] = l;
                b[i + 1] = zero + digit;
            }
        }
    }

    /// The DER string tags a whole value in this code may have.
    fn tags(self) -> &'static [u8] {
        match self {
            DigitCode::Ascii => &STRING_TAGS,
            DigitCode::Utf8Persian | DigitCode::Utf8Arabic => &[0x0C],
            _ => &[0x1E],
        }
    }
}

/// Replaces identities with placeholders, consistently across all facts of one bundle.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Lower-cased name -> placeholder, for users and hosts; longest first.
    names: Vec<(String, String)>,
    national_ids: HashMap<String, String>,
    /// Certificate serial numbers (DER content bytes) -> their placeholder number.
    cert_serials: HashMap<Vec<u8>, usize>,
    /// Holders' names exactly as certificates write them, with their placeholder number.
    holder_texts: Vec<(String, usize)>,
    users: usize,
    hosts: usize,
    serials: usize,
    holders: usize,
}

impl Redactor {
    pub(crate) fn add_user(&mut self, name: &str) {
        self.add(name, true);
    }

    pub(crate) fn add_host(&mut self, name: &str) {
        self.add(name, false);
        // A host's short name appears as often as its full one.
        if let Some((short, _)) = name.split_once('.') {
            self.add(short, false);
        }
    }

    /// A serial number (a token's): `<serial-N>`. Short ones are left alone, since they would
    /// match unrelated numbers.
    pub(crate) fn add_serial(&mut self, serial: &str) {
        let n = serial.trim().to_lowercase();
        if n.chars().count() < 6 || n.starts_with('<') || self.names.iter().any(|(k, _)| *k == n) {
            return;
        }
        self.serials += 1;
        let placeholder = format!("<serial-{}>", self.serials);
        self.push_name(n, placeholder);
    }

    /// A certificate holder (`<holder-N>`), by every name one certificate gives them (the
    /// common name, it without its role, given name, surname): all of them, and each of their
    /// words long enough not to match unrelated text, get the one placeholder. A name already
    /// known (the same person's other certificate) keeps its number.
    pub(crate) fn add_holder(&mut self, names: &[String]) {
        let names: Vec<&str> = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| n.chars().count() >= 3 && !n.starts_with('<'))
            .collect();
        let known = names.iter().find_map(|n| {
            let lower = n.to_lowercase();
            self.names
                .iter()
                .find(|(k, _)| *k == lower)
                .and_then(|(_, p)| p.strip_prefix("<holder-")?.strip_suffix('>')?.parse().ok())
        });
        let number = match known {
            Some(n) => n,
            None if names.is_empty() => return,
            None => {
                self.holders += 1;
                self.holders
            }
        };
        let add = |this: &mut Self, text: &str| {
            let lower = text.to_lowercase();
            if !this.names.iter().any(|(k, _)| *k == lower) {
                this.push_name(lower, format!("<holder-{number}>"));
            }
            if !this.holder_texts.iter().any(|(t, _)| t == text) {
                this.holder_texts.push((text.to_string(), number));
            }
        };
        for n in &names {
            add(self, n);
            for word in n.split_whitespace() {
                if word.chars().count() >= 3 && word.chars().all(char::is_alphabetic) {
                    add(self, word);
                }
            }
        }
    }

    /// Learns the holders of the personal certificates in a fact (base64 DER anywhere in it).
    fn learn_holders(&mut self, v: &Value) {
        match v {
            Value::String(s) => {
                if let Some(der) = decode_der(s) {
                    self.add_holder(&holder_names(&der));
                    if let Some(serial) = personal_serial(&der) {
                        self.add_serial(&serial);
                    }
                    // Ids the certificate holds, whatever their check digit, so text that
                    // quotes them (a subject, a finding's evidence) loses them too.
                    self.der_ids(&mut der.clone());
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.learn_holders(x)),
            Value::Object(m) => m.values().for_each(|x| self.learn_holders(x)),
            _ => {}
        }
    }

    fn add(&mut self, name: &str, user: bool) {
        let n = name.trim().to_lowercase();
        if n.chars().count() < 2
            || GENERIC_ACCOUNTS.contains(&n.as_str())
            || self.names.iter().any(|(k, _)| *k == n)
        {
            return;
        }
        let placeholder = if user {
            self.users += 1;
            format!("<user-{}>", self.users)
        } else {
            self.hosts += 1;
            format!("<host-{}>", self.hosts)
        };
        self.push_name(n, placeholder);
    }

    /// Adds a name to replace, keeping `names` longest first (the order [`Redactor::text`]
    /// replaces them in); names of one length stay in the order they were learnt.
    fn push_name(&mut self, name: String, placeholder: String) {
        let at = self.names.partition_point(|(k, _)| k.len() >= name.len());
        self.names.insert(at, (name, placeholder));
    }

    /// Learns the identities a set of facts holds: the `os` fact's user and host, and every user
    /// folder named in a path.
    pub fn learn(&mut self, facts: &BTreeMap<String, Fact>) {
        let mut texts = Vec::new();
        for f in facts.values() {
            collect_strings(f, &mut texts);
        }
        // Facts redacted before (a saved session, a redacted bundle) already hold placeholders:
        // new ones continue their numbering, so one placeholder never names two things.
        for t in &texts {
            for (kind, n) in placeholders(t) {
                let counter = match kind {
                    "user" => &mut self.users,
                    "host" => &mut self.hosts,
                    "holder" => &mut self.holders,
                    _ => &mut self.serials,
                };
                *counter = (*counter).max(n);
            }
        }
        if let Some(Fact::Value(os)) = facts.get("os") {
            if let Some(u) = os["user_name"].as_str() {
                self.add_user(u);
            }
            if let Some(h) = os["host_name"].as_str() {
                self.add_host(h);
            }
        }
        for f in facts.values() {
            if let Fact::Value(v) = f {
                for s in serials(v) {
                    self.add_serial(&s);
                }
                self.learn_holders(v);
            }
        }
        for t in &texts {
            for name in user_folders(t) {
                self.add_user(name);
            }
        }
    }

    /// Learns this machine's user and host names from the environment.
    pub fn learn_environment(&mut self) {
        for v in ["USER", "USERNAME", "LOGNAME"] {
            if let Ok(u) = std::env::var(v) {
                self.add_user(&u);
            }
        }
        for v in ["COMPUTERNAME", "HOSTNAME"] {
            if let Ok(h) = std::env::var(v) {
                self.add_host(&h);
            }
        }
        if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
            self.add_host(h.trim());
        }
    }

    /// The placeholder of an id (ASCII digits, 10 or 11 of them), the same for the same id.
    fn national_id(&mut self, id: &str) -> String {
        let n = self.national_ids.len() + 1;
        self.national_ids
            .entry(id.to_string())
            .or_insert_with(|| fake_id(n, id.len(), valid_id(id)))
            .clone()
    }

    pub(crate) fn redact_facts(
        &mut self,
        facts: &BTreeMap<String, Fact>,
    ) -> BTreeMap<String, Fact> {
        facts
            .iter()
            .map(|(k, f)| {
                let f = match f {
                    Fact::Value(v) => Fact::Value(self.value(v)),
                    Fact::Unknown(r) => Fact::Unknown(self.text(r)),
                    Fact::NotApplicable(r) => Fact::NotApplicable(self.text(r)),
                };
                (k.clone(), f)
            })
            .collect()
    }

    pub fn value(&mut self, v: &Value) -> Value {
        let mut v = v.clone();
        self.redact_value(&mut v);
        v
    }

    /// [`Redactor::value`] in place: only what holds something personal is rewritten, so a
    /// large output (a diagnosis, mostly the knowledge base's own texts) costs a scan.
    pub fn redact_value(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(r) = self.string(s) {
                    *s = r;
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.redact_value(x)),
            Value::Object(m) => {
                // A key can hold a name too (a map keyed by user folder).
                let renamed: Vec<(String, String)> = m
                    .keys()
                    .filter_map(|k| Some((k.clone(), self.redacted(k)?)))
                    .collect();
                for (old, new) in renamed {
                    if let Some(x) = m.remove(&old) {
                        m.insert(new, x);
                    }
                }
                m.values_mut().for_each(|x| self.redact_value(x));
            }
            _ => {}
        }
    }

    /// A string's redacted form, or `None` when it holds nothing to replace.
    fn string(&mut self, s: &str) -> Option<String> {
        match self.der(s) {
            Some(edited) => (edited != s).then_some(edited),
            None => self.redacted(s),
        }
    }

    /// A base64 certificate (or other DER): ids, and in a personal certificate its serial number
    /// and its holder's name, replaced byte for byte.
    fn der(&mut self, s: &str) -> Option<String> {
        let mut bytes = decode_der(s)?;
        self.der_ids(&mut bytes);
        if is_personal_certificate(&bytes) {
            self.der_serial(&mut bytes);
            self.der_names(&mut bytes);
        }
        Some(base64::engine::general_purpose::STANDARD.encode(&bytes))
    }

    /// Ids in DER: a whole string value of 10 or 11 digits whatever its check digit (a postal
    /// code or a telephone number is personal too), or such a run inside longer text when its
    /// check digit is right; in ASCII, Persian or Arabic-Indic digits, UTF-8 or BMPString.
    fn der_ids(&mut self, bytes: &mut [u8]) {
        let mut i = 0;
        'scan: while i < bytes.len() {
            for code in DigitCode::ALL {
                let w = code.width();
                let before_is_digit = i >= w && code.digit_at(bytes, i - w).is_some();
                if before_is_digit || code.digit_at(bytes, i).is_none() {
                    continue;
                }
                let mut digits = Vec::new();
                while digits.len() < 12 {
                    match code.digit_at(bytes, i + digits.len() * w) {
                        Some(d) => digits.push(d),
                        None => break,
                    }
                }
                // A whole string value is exactly its length, whatever byte follows it (the
                // next element's tag may well be `0`, 0x30).
                let whole = (i >= 2 && code.tags().contains(&bytes[i - 2]))
                    .then(|| usize::from(bytes[i - 1]))
                    .filter(|len| len % w == 0 && matches!(len / w, 10 | 11))
                    .map(|len| len / w)
                    .filter(|n| digits.len() >= *n);
                let n = whole.unwrap_or(digits.len());
                if n != 10 && n != 11 {
                    continue;
                }
                digits.truncate(n);
                let ascii: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                if whole.is_some() || valid_id(&ascii) {
                    let fake = self.national_id(&ascii);
                    for (k, c) in fake.bytes().enumerate() {
                        code.put(bytes, i + k * w, c - b'0');
                    }
                    i += n * w;
                    continue 'scan;
                }
            }
            i += 1;
        }
    }

    /// The certificate's serial number, replaced by one that is the same for the same serial
    /// within this redaction (so two certificates stay apart) and tells nothing.
    fn der_serial(&mut self, bytes: &mut [u8]) {
        let Some((at, len)) = serial_span(bytes) else {
            return;
        };
        let original = bytes[at..at + len].to_vec();
        let next = self.cert_serials.len() + 1;
        let n = *self.cert_serials.entry(original).or_insert(next);
        let fake = &mut bytes[at..at + len];
        fake.fill(0x0F);
        for (k, b) in (n as u64).to_be_bytes().iter().rev().enumerate() {
            if k + 1 < len {
                fake[len - 1 - k] = *b;
            }
        }
    }

    /// The holder's name, wherever the certificate spells it (UTF-8 or UTF-16BE), replaced by
    /// `holder-N` padded to the same length.
    fn der_names(&mut self, bytes: &mut [u8]) {
        let mut names = self.holder_texts.clone();
        names.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
        for (text, n) in names {
            let utf8 = text.as_bytes().to_vec();
            let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            for (pattern, wide) in [(utf8, false), (utf16, true)] {
                if pattern.len() < 3 {
                    continue;
                }
                let mut i = 0;
                while i + pattern.len() <= bytes.len() {
                    if bytes[i..i + pattern.len()] == pattern[..] {
                        let fill = filler(n, pattern.len(), wide);
                        bytes[i..i + pattern.len()].copy_from_slice(&fill);
                        i += pattern.len();
                    } else {
                        i += 1;
                    }
                }
            }
        }
    }

    /// Plain text: national ids, then user and host names as whole words.
    pub fn text(&mut self, s: &str) -> String {
        self.redacted(s).unwrap_or_else(|| s.to_string())
    }

    /// [`Redactor::text`], or `None` when the text holds nothing to replace (most texts).
    fn redacted(&mut self, s: &str) -> Option<String> {
        // Digits in any script: Persian and Arabic-Indic ids are ids too.
        let digit = |c: char| {
            c.is_ascii_digit()
                || ('\u{06F0}'..='\u{06F9}').contains(&c)
                || ('\u{0660}'..='\u{0669}').contains(&c)
        };
        // No digits, so no id: most texts (titles, notes, evidence words).
        let ids = s.chars().any(digit).then(|| {
            let chars: Vec<char> = s.chars().collect();
            let mut out = String::with_capacity(s.len());
            let mut i = 0;
            while i < chars.len() {
                if digit(chars[i]) && (i == 0 || !digit(chars[i - 1])) {
                    let end = (i..chars.len())
                        .find(|&j| !digit(chars[j]))
                        .unwrap_or(chars.len());
                    let run: String = chars[i..end].iter().collect();
                    let ascii = crate::text::ascii_digits(&run);
                    if valid_id(&ascii) || self.national_ids.contains_key(&ascii) {
                        let fake = self.national_id(&ascii);
                        // Written back in the script the id was written in.
                        let persian = run.chars().any(|c| !c.is_ascii_digit());
                        out.push_str(&if persian {
                            crate::text::persian_digits(&fake)
                        } else {
                            fake
                        });
                    } else {
                        out.push_str(&run);
                    }
                    i = end;
                    continue;
                }
                out.push(chars[i]);
                i += 1;
            }
            out
        });
        let mut out = ids.filter(|t| t != s);
        // Longest first (`names` is kept in that order): a host named after its user
        // ("sara-pc") is one placeholder, not two. Names are lower-case: a text whose
        // lower-case form holds none has nothing to replace.
        if !self.names.is_empty() {
            let mut lower = out.as_deref().unwrap_or(s).to_lowercase();
            for (name, placeholder) in &self.names {
                if lower.contains(name.as_str()) {
                    let next = replace_word(out.as_deref().unwrap_or(s), name, placeholder);
                    lower = next.to_lowercase();
                    out = Some(next);
                }
            }
        }
        out.filter(|t| t != s)
    }
}

/// The placeholders a text already holds (`<user-3>`: ("user", 3)).
fn placeholders(text: &str) -> impl Iterator<Item = (&str, usize)> {
    text.split('<').skip(1).filter_map(|rest| {
        let (inside, _) = rest.split_once('>')?;
        let (kind, n) = inside.split_once('-')?;
        let kind = ["user", "host", "serial", "holder"]
            .into_iter()
            .find(|k| *k == kind)?;
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .then(|| (kind, n.parse().unwrap_or(0)))
    })
}

/// Where user folders live, in any case: what follows one in a path is a user name. An
/// automaton of four words, not a regex: compiling the regex took a few percent of a whole
/// diagnosis.
static HOMES: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "/home/",
                "/users/",
                "\\users\\",
                "\\documents and settings\\",
            ])
            .ok()
    });

/// The user names in the home folders a text names: `/home/sara/…`, `C:\Users\sara\…`.
fn user_folders(text: &str) -> Vec<&str> {
    let Some(homes) = HOMES.as_ref() else {
        return Vec::new();
    };
    homes
        .find_iter(text)
        .filter_map(|m| {
            let rest = &text[m.end()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || "/\\\"'<>:;,".contains(c))
                .unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
        .collect()
}

/// The bytes of a base64 DER value (a certificate), or `None` for any other string.
fn decode_der(s: &str) -> Option<Vec<u8>> {
    if s.len() < 100
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
    {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    (bytes.first() == Some(&0x30)).then_some(bytes)
}

/// A certificate that names a person or a company: parsed, and not a certification authority.
fn is_personal_certificate(der: &[u8]) -> bool {
    use x509_parser::prelude::*;
    X509Certificate::from_der(der).is_ok_and(|(_, c)| !c.is_ca())
}

/// The holder's names in a personal certificate: the common name (without a bracketed role such
/// as "[Sign]", which tells the certificate's type and must stay), the given name and the surname.
fn holder_names(der: &[u8]) -> Vec<String> {
    use x509_parser::prelude::*;
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return Vec::new();
    };
    if cert.is_ca() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for attr in cert.subject().iter_attributes() {
        let oid = attr.attr_type().to_id_string();
        if !matches!(oid.as_str(), "2.5.4.3" | "2.5.4.4" | "2.5.4.42") {
            continue;
        }
        let text = match attr.as_str() {
            Ok(t) => t.to_string(),
            // A BMPString (x509-parser leaves it undecoded).
            Err(_) => {
                let raw = attr.as_slice();
                if raw.len() % 2 != 0 {
                    continue;
                }
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
        };
        match text.find(['[', '(']) {
            Some(i) => out.push(text[..i].trim().to_string()),
            None => out.push(text),
        }
    }
    out.retain(|n| n.chars().any(char::is_alphabetic));
    out
}

/// A personal certificate's serial number as analyses print it (`01:ab:...`).
fn personal_serial(der: &[u8]) -> Option<String> {
    use x509_parser::prelude::*;
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    (!cert.is_ca()).then(|| cert.raw_serial_as_string())
}

/// Where the serial number's content bytes are: Certificate ::= SEQUENCE { TBSCertificate
/// ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, ... } ... }.
fn serial_span(der: &[u8]) -> Option<(usize, usize)> {
    /// The header length and content length of the DER element at `i`.
    fn header(b: &[u8], i: usize) -> Option<(usize, usize)> {
        let first = *b.get(i + 1)?;
        if first < 0x80 {
            return Some((2, usize::from(first)));
        }
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for k in 0..n {
            len = (len << 8) | usize::from(*b.get(i + 2 + k)?);
        }
        Some((2 + n, len))
    }
    if der.first() != Some(&0x30) {
        return None;
    }
    let (h, _) = header(der, 0)?;
    let tbs = h;
    if der.get(tbs) != Some(&0x30) {
        return None;
    }
    let (h, _) = header(der, tbs)?;
    let mut i = tbs + h;
    if der.get(i) == Some(&0xA0) {
        let (h, len) = header(der, i)?;
        i += h + len;
    }
    if der.get(i) != Some(&0x02) {
        return None;
    }
    let (h, len) = header(der, i)?;
    (len > 0 && i + h + len <= der.len()).then_some((i + h, len))
}

/// `holder-N` fitted to exactly `len` bytes (UTF-16BE when `wide`), padded with `x`.
fn filler(n: usize, len: usize, wide: bool) -> Vec<u8> {
    let text: String = format!("holder-{n}")
        .chars()
        .chain(std::iter::repeat('x'))
        .take(if wide { len / 2 } else { len })
        .collect();
    if wide {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    } else {
        text.into_bytes()
    }
}

/// Replaces whole-word, case-insensitive occurrences of `name`.
fn replace_word(text: &str, name: &str, with: &str) -> String {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then match on the text as it is.
    let hay = if lower.len() == text.len() {
        lower
    } else {
        text.to_string()
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(pos) = hay[from..].find(name).map(|p| p + from) {
        let end = pos + name.len();
        let before = text[..pos].chars().next_back();
        let after = text[end..].chars().next();
        if !word(before) && !word(after) {
            out.push_str(&text[last..pos]);
            out.push_str(with);
            last = end;
        }
        from = end;
    }
    out.push_str(&text[last..]);
    out
}

/// The values of `serial` keys (a token's serial number), anywhere in a fact.
fn serials(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        Value::String(s) if k == "serial" => out.push(s.clone()),
                        other => walk(other, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

fn collect_strings(f: &Fact, out: &mut Vec<String>) {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    match f {
        Fact::Value(v) => walk(v, out),
        Fact::Unknown(r) | Fact::NotApplicable(r) => out.push(r.clone()),
    }
}

/// Redacts a bundle's facts with the identities they and this machine hold.
pub fn redact(facts: &BTreeMap<String, Fact>) -> BTreeMap<String, Fact> {
    let mut r = Redactor::default();
    r.learn(facts);
    r.learn_environment();
    r.redact_facts(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn national_id_checksums() {
        // Valid codes made by the rule itself, and the classic all-equal non-code.
        for n in [1, 42, 999_999] {
            assert!(
                is_national_id(&fake_national_id(n)),
                "{}",
                fake_national_id(n)
            );
        }
        assert!(is_national_id("0499370899"));
        assert!(!is_national_id("0499370898"));
        assert!(!is_national_id("1111111111"));
        assert!(!is_national_id("049937089"));
    }

    #[test]
    fn names_and_ids_become_consistent_placeholders() {
        let mut facts = BTreeMap::new();
        facts.insert(
            "os".into(),
            Fact::Value(json!({"family": "windows", "user_name": "Sara", "host_name": "SARA-PC"})),
        );
        facts.insert(
            "software".into(),
            Fact::Value(json!({"items": {"x": {"evidence": [
            r"file C:\Users\sara\AppData\Local\x.exe", "national 0499370899 and 0499370899"]}}})),
        );
        facts.insert(
            "y".into(),
            Fact::Unknown(r"cannot read /home/reza/.config: SARA-PC is offline".into()),
        );
        let out = redact(&facts);
        let text = serde_json::to_string(&out).unwrap();
        for secret in ["Sara", "sara", "SARA-PC", "0499370899", "reza"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert!(text.contains(r"C:\\Users\\<user-1>\\AppData"), "{text}");
        assert!(text.contains("<host-1> is offline"), "{text}");
        let Fact::Value(sw) = &out["software"] else {
            panic!()
        };
        let ev = sw["items"]["x"]["evidence"][1].as_str().unwrap();
        let ids: Vec<&str> = ev.split(' ').filter(|w| w.len() == 10).collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ids[1]);
        assert!(is_national_id(ids[0]));
    }

    #[test]
    fn token_serials_become_placeholders() {
        let mut facts = BTreeMap::new();
        facts.insert(
            "token".into(),
            Fact::Value(
                json!({"slots": [{"token": {"serial": "2A0B11C2D3E4F506", "label": "x"}},
                {"token": {"serial": "12"}}]}),
            ),
        );
        facts.insert(
            "log".into(),
            Fact::Unknown("token 2a0b11c2d3e4f506 did not answer".into()),
        );
        let out = redact(&facts);
        let text = serde_json::to_string(&out).unwrap();
        assert!(!text.to_lowercase().contains("2a0b11c2d3e4f506"), "{text}");
        assert!(text.contains("\"serial\":\"<serial-1>\""), "{text}");
        assert!(text.contains("token <serial-1> did not answer"), "{text}");
        // Too short to mask safely.
        assert!(text.contains("\"serial\":\"12\""), "{text}");
        // Redacting again (a report of a redacted session) numbers new serials after the old.
        let mut again = out.clone();
        again.insert(
            "more".into(),
            Fact::Value(json!({"serial": "99AA88BB77CC"})),
        );
        let twice = serde_json::to_string(&redact(&again)).unwrap();
        assert!(twice.contains("\"serial\":\"<serial-2>\""), "{twice}");
        assert!(twice.contains("token <serial-1> did not answer"), "{twice}");
    }

    #[test]
    fn words_are_not_cut() {
        let mut r = Redactor::default();
        r.add_user("ali");
        assert_eq!(
            r.text("ali, Alireza and c:/x/ALI/y"),
            "<user-1>, Alireza and c:/x/<user-1>/y"
        );
        r.add_user("root");
        assert_eq!(r.text("/root/x"), "/root/x");
    }

    #[test]
    fn secrets_are_dropped_and_credentials_stripped() {
        let mut v = json!({"pin": "1234", "token": {"min_pin": 4, "flags": {"user_pin_locked": false}, "so_pin": "rockey"}});
        scrub_secrets(&mut v);
        assert_eq!(
            v,
            json!({"token": {"min_pin": 4, "flags": {"user_pin_locked": false}}})
        );
        assert_eq!(
            strip_credentials("http://u:p@proxy:3128/x"),
            "http://proxy:3128/x"
        );
        assert_eq!(strip_credentials("proxy:8080"), "proxy:8080");
    }

    #[test]
    fn user_folders_and_placeholders_are_found_in_any_case() {
        assert_eq!(
            user_folders(
                r"C:\USERS\Sara\Desktop; /home/علی/x /Users/bob:1 \Documents and Settings\old\"
            ),
            ["Sara", "علی", "bob", "old"]
        );
        assert!(user_folders("/home/ and /homes/x").is_empty());
        let found: Vec<(&str, usize)> =
            placeholders("<user-12> <host-3>x <user-> <serial-x> <holder-2> <nobody-4>").collect();
        assert_eq!(found, [("user", 12), ("host", 3), ("holder", 2)]);
    }

    #[test]
    fn a_redacted_value_keeps_what_holds_nothing_personal() {
        let mut r = Redactor::default();
        r.add_user("sara");
        r.add_host("sara-pc.example");
        let mut v =
            json!({"title": {"en": "The token", "fa": "توکن ۱۲"}, "sara": ["on sara-pc now", 7]});
        r.redact_value(&mut v);
        assert_eq!(
            v,
            json!({"title": {"en": "The token", "fa": "توکن ۱۲"}, "<user-1>": ["on <host-2> now", 7]})
        );
    }
}
