//! Personal data out of bundles. National ids (Iranian 10-digit codes with a valid check digit),
//! user names and host names become placeholders, the same value always the same placeholder, so
//! the diagnosis of a redacted bundle is the diagnosis of the original. Certificates are edited
//! in place (same length), so they still parse.
//!
//! Secrets are never written at all, redaction or not: proxy credentials are stripped when read,
//! and [`scrub_secrets`] drops any PIN or password a fact might carry.

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

/// `http://name:secret@host:3128` -> `http://host:3128`.
pub fn strip_credentials(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}{host}{path}")
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

/// Drops every PIN or password value from a fact value.
pub fn scrub_secrets(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, val| !(is_secret_key(k) && (val.is_string() || val.is_number())));
            m.values_mut().for_each(scrub_secrets);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_secrets),
        _ => {}
    }
}

pub fn scrub_facts(facts: &mut BTreeMap<String, Fact>) {
    for f in facts.values_mut() {
        if let Fact::Value(v) = f {
            scrub_secrets(v);
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

/// Replaces identities with placeholders, consistently across all facts of one bundle.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Lower-cased name -> placeholder, for users and hosts.
    names: Vec<(String, String)>,
    national_ids: HashMap<String, String>,
    users: usize,
    hosts: usize,
    serials: usize,
}

impl Redactor {
    pub fn add_user(&mut self, name: &str) {
        self.add(name, true);
    }

    pub fn add_host(&mut self, name: &str) {
        self.add(name, false);
        // A host's short name appears as often as its full one.
        if let Some((short, _)) = name.split_once('.') {
            self.add(short, false);
        }
    }

    /// A serial number (a token's): `<serial-N>`. Short ones are left alone, since they would
    /// match unrelated numbers.
    pub fn add_serial(&mut self, serial: &str) {
        let n = serial.trim().to_lowercase();
        if n.chars().count() < 6 || n.starts_with('<') || self.names.iter().any(|(k, _)| *k == n) {
            return;
        }
        self.serials += 1;
        self.names.push((n, format!("<serial-{}>", self.serials)));
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
        self.names.push((n, placeholder));
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
        if let Ok(re) = regex::Regex::new(r"<(user|host|serial)-(\d+)>") {
            for t in &texts {
                for c in re.captures_iter(t) {
                    let n: usize = c[2].parse().unwrap_or(0);
                    let counter = match &c[1] {
                        "user" => &mut self.users,
                        "host" => &mut self.hosts,
                        _ => &mut self.serials,
                    };
                    *counter = (*counter).max(n);
                }
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
            }
        }
        let re = regex::Regex::new(
            r#"(?i)(?:/home/|/Users/|\\Users\\|\\Documents and Settings\\)([^/\\\s"'<>:;,]+)"#,
        )
        .ok();
        if let Some(re) = re {
            for t in &texts {
                for c in re.captures_iter(t) {
                    self.add_user(&c[1]);
                }
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

    fn national_id(&mut self, id: &str) -> String {
        let n = self.national_ids.len() + 1;
        self.national_ids
            .entry(id.to_string())
            .or_insert_with(|| fake_national_id(n))
            .clone()
    }

    pub fn redact_facts(&mut self, facts: &BTreeMap<String, Fact>) -> BTreeMap<String, Fact> {
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
        match v {
            Value::String(s) => Value::String(self.string(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| (self.text(k), self.value(x)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn string(&mut self, s: &str) -> String {
        match self.der(s) {
            Some(edited) => edited,
            None => self.text(s),
        }
    }

    /// A base64 certificate (or other DER): national ids replaced byte for byte.
    fn der(&mut self, s: &str) -> Option<String> {
        if s.len() < 100
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        {
            return None;
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let mut bytes = engine.decode(s).ok()?;
        if bytes.first() != Some(&0x30) {
            return None;
        }
        let mut i = 0;
        while i + 10 <= bytes.len() {
            let run = &bytes[i..i + 10];
            // Either a whole 10-character DER string (tag, length 10, value: what follows it may
            // be any byte) or a 10-digit run inside a longer text.
            let whole_string = i >= 2 && bytes[i - 1] == 10 && STRING_TAGS.contains(&bytes[i - 2]);
            let bounded = whole_string
                || ((i == 0 || !bytes[i - 1].is_ascii_digit())
                    && bytes.get(i + 10).is_none_or(|b| !b.is_ascii_digit()));
            if bounded && run.iter().all(u8::is_ascii_digit) {
                let id = String::from_utf8_lossy(run).into_owned();
                if is_national_id(&id) {
                    let fake = self.national_id(&id);
                    bytes[i..i + 10].copy_from_slice(fake.as_bytes());
                    i += 10;
                    continue;
                }
            }
            i += 1;
        }
        Some(engine.encode(&bytes))
    }

    /// Plain text: national ids, then user and host names as whole words.
    pub fn text(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
                let end = (i..chars.len())
                    .find(|&j| !chars[j].is_ascii_digit())
                    .unwrap_or(chars.len());
                let run: String = chars[i..end].iter().collect();
                if run.len() == 10 && is_national_id(&run) {
                    out.push_str(&self.national_id(&run));
                } else {
                    out.push_str(&run);
                }
                i = end;
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        // Longest first: a host named after its user ("sara-pc") is one placeholder, not two.
        let mut names: Vec<&(String, String)> = self.names.iter().collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, placeholder) in names {
            out = replace_word(&out, name, placeholder);
        }
        out
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
}
