//! Evidence in words: what a check read, as labelled lines in the reader's language, for
//! every surface a person reads (the screen's evidence panel and its F5 list, the command line,
//! Markdown and HTML reports). Raw evidence (JSON keys and values) is for `--json` and a support
//! agent's "details" view only.
//!
//! Probe scripts return evidence as JSON maps whose shapes differ per script, and a working copy
//! of the knowledge base may add scripts. So the kinds of fact are recognised by their shape,
//! not by the probe that produced them: a certificate (holder, type as read, validity in both
//! calendars, days left or since it expired), a token (label, model, module, its PKCS#11 error
//! with the cause `kb/tokens.yaml` gives, the PIN state in plain words), a program (name from
//! `kb/software.yaml`, version, the version needed), the clock (this computer's time against a
//! trusted one, the time zone), Dastine (installed version, service, ports, answer), and anything
//! else through one generic renderer whose labels are Fluent messages `ev-<key>`
//! (`engine/i18n`). A key with no label is shown humanised and recorded, so tests can require
//! a label for every key the shipped scripts write ([`Words::unlabelled`]).

use std::cell::RefCell;

use chrono::{DateTime, NaiveDate};
use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calendar::{Stamp, date_text};
use crate::i18n::Catalog;
use crate::kb::Kb;
use crate::model::{Lang, Text};

/// One line of evidence in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 0 for a fact of the check, 1 for a part of it, and so on.
    pub depth: usize,
    /// What the value is ("Valid until"); empty for a line that is only a value (a holder's
    /// name heading the lines about that certificate, a sentence).
    pub label: String,
    /// Empty for a heading whose parts follow on deeper lines.
    pub value: String,
}

impl Line {
    /// `label: value`, `label:` (a heading) or `value`.
    pub fn text(&self) -> String {
        match (self.label.is_empty(), self.value.is_empty()) {
            (true, _) => self.value.clone(),
            (false, true) => format!("{}:", self.label),
            (false, false) => format!("{}: {}", self.label, self.value),
        }
    }
}

/// One line in every language: what reports carry (their JSON too, so a ticket system can show
/// the evidence in words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    pub depth: usize,
    pub label: Text,
    pub value: Text,
}

/// The evidence of a check in both languages, from the engine's catalog (no isolation marks).
pub fn said(kb: &Kb, evidence: &Map<String, Value>, agent: bool) -> Vec<Said> {
    let lines = |lang| {
        Words {
            catalog: crate::i18n::engine(),
            kb: Some(kb),
            lang,
            agent,
            unlabelled: RefCell::default(),
        }
        .evidence(evidence)
    };
    // The lines follow the evidence's shape, never the language: they pair up one to one.
    let by_lang: Vec<(Lang, Vec<_>)> = Lang::all().map(|l| (l, lines(l))).collect();
    let count = by_lang.first().map_or(0, |(_, v)| v.len());
    (0..count)
        .map(|i| {
            let text = |part: &dyn Fn(&Line) -> &str| {
                let mut t = Text::default();
                for (l, v) in &by_lang {
                    if let Some(line) = v.get(i) {
                        t.set(*l, part(line));
                    }
                }
                t
            };
            Said {
                depth: by_lang[0].1[i].depth,
                label: text(&|l| l.label.as_str()),
                value: text(&|l| l.value.as_str()),
            }
        })
        .collect()
}

/// A renderer of evidence in one language.
pub struct Words<'a> {
    /// Where the labels come from: the engine's catalog, or a front end's (whose isolation
    /// marks its own BiDi pass consumes).
    pub catalog: &'a Catalog,
    /// For names: programs, token models, certificate types, systems, trust anchors, and the
    /// meaning of PKCS#11 errors.
    pub kb: Option<&'a Kb>,
    pub lang: Lang,
    /// A support agent reads it: technical detail (a module's exit status, a service's own
    /// error text, full names of certificates) and national ids as the evidence keeps them.
    pub agent: bool,
    unlabelled: RefCell<Vec<String>>,
}

/// Keys whose values are lists of token labels, read as the PIN state.
const PIN_LISTS: [&str; 7] = [
    "locked",
    "final_try",
    "count_low",
    "uninitialised",
    "so_pin_locked",
    "so_pin_final_try",
    "to_be_changed",
];

/// The keys that name an item of a list, best first; the name heads the item's lines.
const TITLE_KEYS: [&str; 9] = [
    "subject", "token", "name", "label", "software", "id", "path", "module", "model",
];

/// The order facts are told in; other keys follow alphabetically.
const ORDER: [&str; 38] = [
    "system",
    "now",
    "tokens",
    "token",
    "certificate",
    "model",
    "manufacturer",
    "module",
    "path",
    "source",
    "loaded",
    "initialized",
    "slot",
    "slot_id",
    "organization",
    "national_id",
    "type",
    "issuer",
    "not_before",
    "not_after",
    "days_left",
    "years",
    "lifetime_days",
    "key_usage",
    "certificates",
    "required",
    "subjects",
    "accepted_type_names",
    "accepted_years",
    "expired",
    "not_yet_valid",
    "valid",
    "unreadable",
    "modules",
    "slot_errors",
    "usb_known_devices",
    "known_devices",
    "devices",
];

/// Keys never shown in words: the unmasked copies of personal data (`personal`), raw ids a
/// person cannot use, and values another line already says.
const SKIP: [&str; 7] = [
    "personal",
    "accepted_types",
    "cause",
    "error_in",
    "type_name",
    "readable",
    "self_signed",
];

/// Keys shown to support agents only (`kb_model` repeats a token's model as the knowledge base
/// names it).
const AGENT_ONLY: [&str; 6] = [
    "detail",
    "subject_dn",
    "issuer_dn",
    "sha256",
    "path",
    "kb_model",
];

fn is_text(o: &Map<String, Value>) -> bool {
    !o.is_empty()
        && o.len() <= 2
        && o.keys().all(|k| k == "fa" || k == "en")
        && o.values().all(Value::is_string)
}

fn text_of(o: &Map<String, Value>) -> Text {
    let s = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
    Text::new(s("fa"), s("en"))
}

fn time(s: &str) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

fn str_of<'v>(m: &'v Map<String, Value>, k: &str) -> Option<&'v str> {
    m.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

impl<'a> Words<'a> {
    pub fn new(catalog: &'a Catalog, kb: Option<&'a Kb>, lang: Lang, agent: bool) -> Words<'a> {
        Words {
            catalog,
            kb,
            lang,
            agent,
            unlabelled: RefCell::default(),
        }
    }

    /// The evidence of one check, line by line.
    pub fn evidence(&self, ev: &Map<String, Value>) -> Vec<Line> {
        let mut out = Vec::new();
        self.object(ev, 0, &mut out, None);
        out
    }

    /// The keys the last renderings had no label for (shown humanised, in English).
    pub fn unlabelled(&self) -> Vec<String> {
        self.unlabelled.borrow().clone()
    }

    fn t(&self, id: &str) -> String {
        self.catalog.t(self.lang, id)
    }

    fn ta(&self, id: &str, args: &[(&str, FluentValue)]) -> String {
        self.catalog.ta(self.lang, id, args)
    }

    fn num(&self, n: f64) -> String {
        self.ta("ev-number", &[("n", FluentValue::from(n))])
    }

    fn label(&self, key: &str) -> String {
        let id = format!("ev-{}", key.replace('_', "-"));
        if self.catalog.has(crate::model::Lang::En, &id) {
            return self.t(&id);
        }
        self.unlabelled.borrow_mut().push(key.to_string());
        key.replace('_', " ")
    }

    fn line(&self, out: &mut Vec<Line>, depth: usize, label: String, value: String) {
        out.push(Line {
            depth,
            label,
            value,
        });
    }

    fn list_sep(&self) -> String {
        self.t("list-separator")
    }

    fn join(&self, items: impl IntoIterator<Item = String>) -> String {
        items
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(&self.list_sep())
    }

    // ---------------------------------------------------------------- names from the KB

    fn software_name(&self, id: &str) -> String {
        self.kb
            .and_then(|kb| kb.software.programs.iter().find(|p| p.id == id))
            .map(|p| p.name.get(self.lang).to_string())
            .or_else(|| (id == "dastine").then(|| self.t("ev-dastine")))
            .unwrap_or_else(|| id.to_string())
    }

    fn model_name(&self, id: &str) -> String {
        self.kb
            .and_then(|kb| kb.tokens.models.iter().find(|m| m.id == id))
            .map(|m| m.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    fn type_name(&self, id: &str) -> String {
        self.kb
            .and_then(|kb| kb.certificate_types.iter().find(|t| t.id == id))
            .map(|t| t.name.get(self.lang).to_string())
            .unwrap_or_else(|| id.to_string())
    }

    fn system_name(&self, id: &str) -> String {
        self.kb
            .and_then(|kb| kb.system(id))
            .map(|s| s.name.get(self.lang).to_string())
            .unwrap_or_else(|| id.to_string())
    }

    fn anchor_name(&self, id: &str) -> String {
        self.kb
            .and_then(|kb| kb.tokens.trust.get(id))
            .map(|a| a.name.get(self.lang).to_string())
            .unwrap_or_else(|| id.to_string())
    }

    /// What a PKCS#11 or reader error means, from the evidence or `kb/tokens.yaml`.
    fn cause(&self, m: &Map<String, Value>, error: &str) -> Option<String> {
        if let Some(Value::Object(c)) = m.get("cause")
            && is_text(c)
        {
            return Some(text_of(c).get(self.lang).to_string());
        }
        let kb = self.kb?;
        kb.tokens
            .pkcs11_errors
            .get(error)
            .map(|e| &e.cause)
            .or_else(|| kb.tokens.reader_errors.get(error).map(|e| &e.cause))
            .map(|c| c.get(self.lang).to_string())
    }

    // ---------------------------------------------------------------- values

    fn date(&self, s: &str) -> String {
        let day = time(s)
            .map(|t| t.date_naive())
            .or_else(|| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok());
        match day {
            Some(d) => date_text(d, self.lang),
            None => s.to_string(),
        }
    }

    /// A moment at the offset it was written with (the computer's own, for its clock).
    fn stamp(&self, s: &str) -> String {
        match time(s) {
            Some(t) => Stamp::new(t.to_utc(), t.offset().local_minus_utc() / 60).text(self.lang),
            None => s.to_string(),
        }
    }

    fn offset(&self, minutes: i64) -> String {
        let sign = if minutes < 0 { '-' } else { '+' };
        let m = minutes.unsigned_abs();
        let s = format!("UTC{sign}{:02}:{:02}", m / 60, m % 60);
        self.lang.digits(&s)
    }

    fn duration(&self, seconds: i64) -> String {
        let s = seconds.unsigned_abs();
        if s >= 90 {
            self.ta("ev-minutes", &[("n", ((s + 30) / 60).into())])
        } else {
            self.ta("ev-seconds", &[("n", s.into())])
        }
    }

    fn yes_no(&self, b: bool) -> String {
        self.t(if b { "ev-yes" } else { "ev-no" })
    }

    /// A word for a value the scripts write as an id (`gregorian`, `running`, `x64`), else the
    /// value itself.
    fn word(&self, prefix: &str, v: &str) -> String {
        let id = format!("ev-{prefix}-{}", v.to_ascii_lowercase().replace('_', "-"));
        if self.catalog.has(crate::model::Lang::En, &id) {
            self.t(&id)
        } else {
            v.to_string()
        }
    }

    fn scalar(&self, key: &str, v: &Value) -> String {
        match v {
            Value::Bool(b) => match key {
                "loaded" => self.t(if *b {
                    "ev-module-loaded"
                } else {
                    "ev-module-not-loaded"
                }),
                "initialized" => self.t(if *b {
                    "ev-token-set-up"
                } else {
                    "ev-token-blank"
                }),
                _ => self.yes_no(*b),
            },
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or_default();
                match key {
                    "lifetime_days" | "fresh_days" | "days_until" => {
                        self.ta("ev-days", &[("n", f.into())])
                    }
                    "warn_days" => self.ta("ev-days-before-expiry", &[("n", f.into())]),
                    "utc_offset_minutes" => self.offset(f as i64),
                    "enable_lua" | "filter_administrator_token" => {
                        self.t(if f != 0.0 { "ev-on" } else { "ev-off" })
                    }
                    "years" => self.ta("ev-years", &[("n", f.into())]),
                    _ => self.num(f),
                }
            }
            Value::String(s) => match key {
                "not_before" | "not_after" | "newest_certificate_from" | "install_date" => {
                    self.date(s)
                }
                "now" | "checked_at" => self.stamp(s),
                "software" => self.software_name(s),
                "model" | "token_model" | "kb_model" => self.model_name(s),
                "system" => self.system_name(s),
                "type" => self.type_name(s),
                "anchor" => self.anchor_name(s),
                "source" => self.word("source", s),
                "calendar" => self.word("calendar", s),
                "service_state" => self.word("state", s),
                "arch" => self.word("arch", s),
                _ => s.clone(),
            },
            Value::Object(o) if is_text(o) => text_of(o).get(self.lang).to_string(),
            Value::Array(a) => self.scalars(key, a),
            other => other.to_string(),
        }
    }

    /// A list of plain values on one line.
    fn scalars(&self, key: &str, a: &[Value]) -> String {
        let each = |v: &Value| -> String {
            match (key, v) {
                ("accepted_years", Value::Number(n)) => self.num(n.as_f64().unwrap_or_default()),
                ("missing" | "not_checked", Value::String(s)) => self.software_name(s),
                ("token_models", Value::String(s)) => self.model_name(s),
                ("anchors", Value::String(s)) => self.anchor_name(s),
                ("accepted_types", Value::String(s)) => self.type_name(s),
                ("key_usage", Value::String(s)) => self.word("ku", s),
                _ => self.scalar(key, v),
            }
        };
        let items: Vec<String> = a.iter().map(each).collect();
        match key {
            "accepted_years" => self.ta(
                "ev-years-list",
                &[("list", self.join(items).into()), ("n", a.len().into())],
            ),
            "path" => items.join(" › "),
            _ => self.join(items),
        }
    }

    // ---------------------------------------------------------------- shapes

    /// The name that heads an item of a list, and the key it came from.
    fn title(&self, o: &Map<String, Value>) -> Option<(String, &'static str)> {
        for k in TITLE_KEYS {
            if let Some(v) = o.get(k).filter(|v| !v.is_null()) {
                let s = match (k, v) {
                    ("software" | "id", Value::String(s)) => self.software_name(s),
                    ("model", Value::String(s)) => self.model_name(s),
                    (_, Value::String(s)) if !s.is_empty() => s.clone(),
                    _ => continue,
                };
                return Some((s, k));
            }
        }
        None
    }

    /// The heading of a list under `key` (by what its items are, where one key holds different
    /// things in different scripts).
    fn list_label(&self, key: &str, items: &[Value]) -> String {
        let has = |k: &str| {
            items
                .first()
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key(k))
        };
        match key {
            "unreadable" if has("module") => self.t("ev-unreadable-slots"),
            "unreadable" => self.t("ev-unreadable-certs"),
            "installed" => self.t("ev-installed-list"),
            "list" | "certificates" => self.t("ev-certificate-list"),
            _ => self.label(key),
        }
    }

    fn object(
        &self,
        m: &Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        title_key: Option<&str>,
    ) {
        let mut done: Vec<&str> = title_key.into_iter().collect();
        if m.contains_key("utc_offset_minutes") || m.contains_key("offset_seconds") {
            self.clock(m, depth, out, &mut done);
        }
        if m.contains_key("ports") || m.contains_key("installed_version") {
            self.dastine(m, depth, out, &mut done);
        }
        if m.get("software").is_some_and(Value::is_string) && !m.contains_key("slot") {
            self.software(m, depth, out, &mut done);
        }
        if PIN_LISTS.iter().any(|k| m.contains_key(*k)) {
            self.pins(m, depth, out, &mut done);
        }
        if m.contains_key("result") {
            self.chain(m, depth, out, &mut done);
        }
        self.certificate(m, depth, out, &mut done);
        if let Some(e) = str_of(m, "error") {
            let value = match str_of(m, "error_in") {
                Some(f) => self.ta(
                    "ev-error-in",
                    &[("error", e.into()), ("function", f.into())],
                ),
                None => e.to_string(),
            };
            // A service's or a parser's own sentence (English) is technical detail; an error
            // name (CKR_…, timeout) is what support asks for, with its meaning beside it.
            let named = !e.contains(' ');
            if named || self.agent {
                self.line(out, depth, self.t("ev-error"), value);
            }
            if let Some(c) = self.cause(m, e) {
                self.line(out, depth, self.t("ev-cause"), c);
            }
            done.push("error");
        }
        if m.get("usb_read") == Some(&Value::Bool(false)) {
            self.line(out, depth, String::new(), self.t("ev-usb-unread"));
        }
        done.push("usb_read");
        let mut keys: Vec<&String> = m
            .keys()
            .filter(|k| !done.contains(&k.as_str()) && !SKIP.contains(&k.as_str()))
            .filter(|k| self.agent || !AGENT_ONLY.contains(&k.as_str()))
            .collect();
        keys.sort_by_key(|k| {
            (
                ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()),
                k.as_str(),
            )
        });
        for k in keys {
            self.entry(k, &m[k.as_str()], depth, out);
        }
    }

    fn entry(&self, key: &str, v: &Value, depth: usize, out: &mut Vec<Line>) {
        match v {
            Value::Null => {}
            Value::Array(a) if a.is_empty() => {
                let none = match key {
                    "tokens" => "ev-no-token",
                    "usb_known_devices" | "known_devices" => "ev-usb-none",
                    "vpn" | "virtual_drive_software" | "missing" => "ev-none",
                    _ => return,
                };
                self.line(out, depth, self.label(key), self.t(none));
            }
            Value::Array(a)
                if a.iter().all(|x| match x {
                    Value::Object(o) => is_text(o),
                    Value::Array(_) => false,
                    _ => true,
                }) =>
            {
                self.line(out, depth, self.label(key), self.scalars(key, a));
            }
            Value::Array(a) => {
                self.line(out, depth, self.list_label(key, a), String::new());
                for item in a {
                    match item {
                        Value::Object(o) => self.item(o, depth + 1, out),
                        other => self.line(out, depth + 1, String::new(), self.scalar(key, other)),
                    }
                }
            }
            Value::Object(o) if is_text(o) => {
                self.line(
                    out,
                    depth,
                    self.label(key),
                    text_of(o).get(self.lang).to_string(),
                );
            }
            Value::Object(o) if key == "ports" => {
                let ports = o
                    .iter()
                    .map(|(p, s)| {
                        let state = s.as_str().map(|s| self.word("port", s)).unwrap_or_default();
                        format!("{p} {state}")
                    })
                    .collect::<Vec<_>>();
                self.line(out, depth, self.label(key), self.join(ports));
            }
            Value::Object(o) => {
                let title = self.title(o);
                let (t, k) = match &title {
                    Some((t, k)) => (t.clone(), Some(*k)),
                    None => (String::new(), None),
                };
                self.line(out, depth, self.label(key), t);
                self.object(o, depth + 1, out, k);
            }
            _ if key == "days_left" => {
                let d = v.as_i64().unwrap_or_default();
                let id = if d < 0 {
                    "ev-expired-ago"
                } else {
                    "ev-expires-in"
                };
                self.line(
                    out,
                    depth,
                    String::new(),
                    self.ta(id, &[("days", d.abs().into())]),
                );
            }
            _ => {
                let value = self.scalar(key, v);
                self.line(out, depth, self.label(key), value);
            }
        }
    }

    /// An item of a list: its name, then its other facts one level deeper.
    fn item(&self, o: &Map<String, Value>, depth: usize, out: &mut Vec<Line>) {
        match self.title(o) {
            Some((t, k)) => {
                self.line(out, depth, String::new(), t);
                self.object(o, depth + 1, out, Some(k));
            }
            None => {
                self.line(out, depth, String::new(), "•".into());
                self.object(o, depth + 1, out, None);
            }
        }
    }

    // ---------------------------------------------------------------- kinds

    /// The clock: this computer's time, the time zone, and how far it is from a trusted time.
    fn clock<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        if let Some(now) = str_of(m, "now") {
            self.line(out, depth, self.t("ev-now"), self.stamp(now));
        }
        let offset = m.get("utc_offset_minutes").and_then(Value::as_i64);
        match (str_of(m, "tz"), offset) {
            (Some(tz), Some(o)) => self.line(
                out,
                depth,
                self.t("ev-time-zone"),
                format!("{tz} ({})", self.offset(o)),
            ),
            (Some(tz), None) => self.line(out, depth, self.t("ev-time-zone"), tz.to_string()),
            (None, Some(o)) => self.line(out, depth, self.t("ev-time-zone"), self.offset(o)),
            (None, None) => {}
        }
        if let Some(skew) = m.get("offset_seconds").and_then(Value::as_f64) {
            let skew = skew.round() as i64;
            let source = str_of(m, "source")
                .map(|s| self.word("source", s))
                .unwrap_or_default();
            if let Some(now) = str_of(m, "now").and_then(time) {
                let right = now - chrono::Duration::seconds(skew);
                let right = Stamp::new(right.to_utc(), now.offset().local_minus_utc() / 60);
                self.line(
                    out,
                    depth,
                    self.ta("ev-clock-right", &[("source", source.into())]),
                    right.text(self.lang),
                );
            }
            let diff = match skew {
                0 => self.t("ev-clock-same"),
                s if s > 0 => self.ta("ev-clock-ahead", &[("amount", self.duration(s).into())]),
                s => self.ta("ev-clock-behind", &[("amount", self.duration(s).into())]),
            };
            self.line(out, depth, self.t("ev-clock-diff"), diff);
        }
        if m.get("daylight_saving") == Some(&Value::Bool(true)) {
            self.line(out, depth, String::new(), self.t("ev-daylight-saving"));
        }
        done.extend([
            "now",
            "utc_offset_minutes",
            "tz",
            "offset_seconds",
            "source",
            "daylight_saving",
        ]);
    }

    /// Dastine: installed or not, its version against the one needed, its service, its ports,
    /// and what its local service answered.
    fn dastine<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        self.line(out, depth, self.t("ev-software"), self.t("ev-dastine"));
        match m.get("installed").and_then(Value::as_bool) {
            Some(true) => {
                let v = match str_of(m, "installed_version") {
                    Some(v) => self.ta("ev-installed-version", &[("version", v.into())]),
                    None => self.t("ev-yes"),
                };
                self.line(out, depth + 1, self.t("ev-installed"), v);
            }
            Some(false) => self.line(out, depth + 1, self.t("ev-installed"), self.t("ev-no")),
            None => {}
        }
        if let Some(min) = str_of(m, "min_version") {
            self.line(out, depth + 1, self.t("ev-min-version"), min.to_string());
        }
        if let Some(s) = str_of(m, "service_state") {
            self.line(out, depth + 1, self.t("ev-service"), self.word("state", s));
        } else if let Some(r) = m.get("running").and_then(Value::as_bool) {
            self.line(out, depth + 1, self.t("ev-running"), self.yes_no(r));
        }
        if let Some(Value::Object(p)) = m.get("ports") {
            self.entry("ports", &Value::Object(p.clone()), depth + 1, out);
        }
        if m.contains_key("ports") || m.contains_key("version") {
            let answer = match str_of(m, "version") {
                Some(v) => self.ta("ev-answered-version", &[("version", v.into())]),
                None => self.t("ev-no-answer"),
            };
            self.line(out, depth + 1, self.t("ev-answer"), answer);
        }
        if self.agent
            && let Some(e) = str_of(m, "error")
        {
            self.line(out, depth + 1, self.t("ev-detail"), e.to_string());
        }
        done.extend([
            "installed",
            "installed_version",
            "min_version",
            "service_state",
            "running",
            "ports",
            "version",
            "error",
        ]);
    }

    /// A program: its name, whether and which version is installed, and the version needed.
    fn software<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        let id = str_of(m, "software").unwrap_or_default();
        if !done.contains(&"software") {
            self.line(out, depth, self.t("ev-software"), self.software_name(id));
        }
        let d = if done.contains(&"software") {
            depth
        } else {
            depth + 1
        };
        match m.get("installed").and_then(Value::as_bool) {
            Some(true) => {
                let mut v = match str_of(m, "version") {
                    Some(v) => self.ta("ev-installed-version", &[("version", v.into())]),
                    None => self.t("ev-yes"),
                };
                if let Some(a) = str_of(m, "arch") {
                    v = format!("{v} ({})", self.word("arch", a));
                }
                self.line(out, d, self.t("ev-installed"), v);
            }
            Some(false) => self.line(out, d, self.t("ev-installed"), self.t("ev-no")),
            None => {
                if let Some(v) = str_of(m, "version") {
                    self.line(out, d, self.t("ev-version"), v.to_string());
                }
            }
        }
        let min = str_of(m, "min_version").map(str::to_string).or_else(|| {
            self.kb
                .and_then(|kb| kb.software.programs.iter().find(|p| p.id == id))
                .and_then(|p| p.min_version.clone())
        });
        if let Some(min) = min {
            self.line(out, d, self.t("ev-min-version"), min);
        }
        for k in ["install_date", "newest_certificate_from", "token_models"] {
            if let Some(v) = m.get(k).filter(|v| !v.is_null()) {
                self.entry(k, v, d, out);
            }
        }
        done.extend([
            "software",
            "installed",
            "version",
            "arch",
            "min_version",
            "install_date",
            "newest_certificate_from",
            "token_models",
        ]);
    }

    /// The PIN state of the tokens, in plain words.
    fn pins<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        let mut any = false;
        for k in PIN_LISTS {
            if let Some(Value::Array(a)) = m.get(k)
                && !a.is_empty()
            {
                any = true;
                self.line(out, depth, self.label(k), self.scalars(k, a));
            }
        }
        if !any {
            for (k, id) in [
                ("locked", "ev-pin-fine"),
                ("so_pin_locked", "ev-so-pin-fine"),
                ("to_be_changed", "ev-pin-change-none"),
            ] {
                if m.contains_key(k) {
                    self.line(out, depth, String::new(), self.t(id));
                }
            }
        }
        done.extend(PIN_LISTS);
    }

    /// Where a certificate's chain leads.
    fn chain<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        let s = |k: &str| str_of(m, k).unwrap_or_default().to_string();
        let value = match str_of(m, "result").unwrap_or_default() {
            "trusted" => self.ta(
                "ev-chain-trusted",
                &[("anchor", self.anchor_name(&s("anchor")).into())],
            ),
            "other_root" => self.ta("ev-chain-other-root", &[("root", s("root").into())]),
            "issuer_not_on_token" => {
                self.ta("ev-chain-issuer-missing", &[("issuer", s("issuer").into())])
            }
            other => self.word("chain", other),
        };
        self.line(out, depth, self.t("ev-chain"), value);
        done.extend(["result", "anchor", "root", "issuer", "issuer_dn"]);
    }

    /// The parts of a certificate no generic line says well: its type as read, how long it is
    /// valid for, and whether it could be read at all.
    fn certificate<'k>(
        &self,
        m: &'k Map<String, Value>,
        depth: usize,
        out: &mut Vec<Line>,
        done: &mut Vec<&'k str>,
    ) {
        if m.get("readable") == Some(&Value::Bool(false)) {
            self.line(out, depth, String::new(), self.t("ev-cert-unreadable"));
        }
        if m.contains_key("type") && (m.contains_key("subject") || m.contains_key("organization")) {
            let value = match (m.get("type_name"), str_of(m, "type")) {
                (Some(Value::Object(n)), _) if is_text(n) => text_of(n).get(self.lang).to_string(),
                (_, Some(id)) => self.type_name(id),
                _ => self.t("ev-type-unread"),
            };
            self.line(out, depth, self.t("ev-type"), value);
            done.push("type");
        }
        if let Some(y) = m.get("years").and_then(Value::as_f64) {
            let days = m
                .get("lifetime_days")
                .and_then(Value::as_f64)
                .unwrap_or_default();
            self.line(
                out,
                depth,
                self.t("ev-lifetime"),
                self.ta(
                    "ev-years-days",
                    &[("years", y.into()), ("days", days.into())],
                ),
            );
            done.extend(["years", "lifetime_days"]);
        }
        if self.agent
            && let Some(Value::Object(p)) = m.get("personal")
            && let Some(id) = str_of(p, "national_id")
        {
            self.line(out, depth, self.t("ev-national-id"), id.to_string());
            done.push("national_id");
        }
        if m.get("is_ca") == Some(&Value::Bool(true)) {
            self.line(out, depth, String::new(), self.t("ev-is-ca"));
        }
        done.push("is_ca");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(lang: Lang, ev: Value) -> Vec<String> {
        let w = Words::new(crate::i18n::engine(), None, lang, false);
        let lines = w.evidence(ev.as_object().unwrap());
        assert!(w.unlabelled().is_empty(), "{:?}", w.unlabelled());
        lines
            .iter()
            .map(|l| format!("{}{}", "  ".repeat(l.depth), l.text()))
            .collect()
    }

    #[test]
    fn an_expired_certificate_in_words() {
        let ev = json!({
            "now": "2025-03-01T09:00:00+03:30", "valid": [], "not_yet_valid": [], "unreadable": [],
            "expired": [{"subject": "Sara Ahmadi [Sign]", "national_id": "••••••0899",
                "not_before": "2024-01-01T00:00:00+00:00", "not_after": "2025-01-01T00:00:00+00:00",
                "days_left": -59, "personal": {"national_id": "0499370899"}}]
        });
        let en = words(Lang::En, ev.clone());
        assert_eq!(
            en,
            [
                "Time on this computer: 2025-03-01 09:00 +03:30 (1403/12/11 09:00)",
                "Expired certificates:",
                "  Sara Ahmadi [Sign]",
                "    National id: ••••••0899",
                "    Valid from: 2024-01-01 (1402/10/11)",
                "    Valid until: 2025-01-01 (1403/10/12)",
                "    expired 59 days ago",
            ]
        );
        let fa = words(Lang::Fa, ev).join("\n");
        assert!(fa.contains("۱۴۰۳/۱۰/۱۲ (2025-01-01)"), "{fa}");
        assert!(fa.contains("۵۹"), "{fa}");
        assert!(!fa.contains("0499370899") && !fa.contains("days"), "{fa}");
    }

    #[test]
    fn the_agent_sees_the_full_national_id() {
        let ev = json!({"certificate": {"subject": "Sara", "national_id": "••••••0899",
            "personal": {"national_id": "0499370899"}}});
        let w = Words::new(crate::i18n::engine(), None, Lang::En, true);
        let text: Vec<String> = w
            .evidence(ev.as_object().unwrap())
            .iter()
            .map(Line::text)
            .collect();
        assert_eq!(text, ["Certificate: Sara", "National id: 0499370899"]);
    }

    #[test]
    fn pin_state_clock_and_dastine_in_words() {
        let pins = words(
            Lang::En,
            json!({"locked": ["sara"], "final_try": [], "count_low": [], "uninitialised": []}),
        );
        assert_eq!(pins, ["User PIN locked on: sara"]);
        let fine = words(
            Lang::En,
            json!({"locked": [], "final_try": [], "count_low": [], "uninitialised": []}),
        );
        assert_eq!(fine.len(), 1, "{fine:?}");
        let clock = words(
            Lang::En,
            json!({"now": "2025-03-01T09:00:00+03:30", "utc_offset_minutes": 210, "tz": "Asia/Tehran",
                "offset_seconds": 600, "source": "ntp"}),
        );
        assert_eq!(
            clock,
            [
                "Time on this computer: 2025-03-01 09:00 +03:30 (1403/12/11 09:00)",
                "Time zone: Asia/Tehran (UTC+03:30)",
                "Right time (from a time server): 2025-03-01 08:50 +03:30 (1403/12/11 08:50)",
                "Difference: 10 minutes ahead",
            ]
        );
        let dastine = words(
            Lang::En,
            json!({"min_version": "5,0,4,5", "installed": true, "installed_version": "5.0.4.7",
                "running": null, "service_state": null, "ports": {"51356": "closed", "51357": "open"},
                "version": null, "error": "nothing listens on port 51356"}),
        );
        assert_eq!(
            dastine,
            [
                "Program: Dastine",
                "  Installed: yes, version 5.0.4.7",
                "  Needs at least version: 5,0,4,5",
                "  Ports: 51356 closed, 51357 open",
                "  Answer: did not answer",
            ]
        );
    }
}
