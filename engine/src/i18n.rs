//! Every sentence the engine writes for a person (report headings and labels, the "why?" of a
//! walk, status words, probe notes and reasons), from Fluent files (`engine/i18n/{fa,en}.ftl`,
//! embedded). Domain text (titles, steps, contacts) comes from the knowledge base instead.
//!
//! This is the one localisation mechanism of tokenyar: the interactive screen and the command
//! line add their own resource files to a [`Catalog`] ([`Catalog::with_resources`]), so a message
//! is looked up, formatted and tested the same way wherever it is shown.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

use crate::model::{Lang, Status, Text};

type Bundle = FluentBundle<FluentResource>;

/// The messages of every language, so switching language at run time costs nothing.
pub struct Catalog {
    bundles: Vec<(Lang, Bundle)>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalog")
    }
}

/// A bundle's language, found again from the language identifier Fluent hands a formatter
/// (a formatter is a plain `fn`, so it cannot carry the language itself).
struct Digits(Lang);

impl intl_memoizer::Memoizable for Digits {
    type Args = ();
    type Error = ();
    fn construct(id: LanguageIdentifier, _: ()) -> Result<Digits, ()> {
        Lang::from_code(id.language.as_str()).map(Digits).ok_or(())
    }
}

/// Numbers are written in the language's own digits (Persian digits and the Persian decimal
/// separator in Persian text); Fluent's plural rules still see the number.
fn native_numbers(
    v: &FluentValue,
    m: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(n) = v else {
        return None;
    };
    let s = if n.value.fract() == 0.0 && n.value.abs() < 1e15 {
        format!("{}", n.value as i64)
    } else {
        format!("{}", n.value)
    };
    m.with_try_get::<Digits, _, _>((), |d| d.0.digits(&s)).ok()
}

fn new_bundle(lang: Lang, isolating: bool) -> Bundle {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(isolating);
    if lang.digits("0") != "0" {
        b.set_formatter(Some(native_numbers));
    }
    b
}

fn add(b: &mut Bundle, ftl: &str) {
    // A syntax error or a clash in a shipped file is caught by the tests; at run time the
    // messages that did parse are still used.
    let res = match FluentResource::try_new(ftl.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = b.add_resource(res);
}

/// The engine's message file of a language (`engine/i18n/<code>.ftl`).
pub fn engine_ftl(lang: Lang) -> &'static str {
    lang.info().source
}

impl Catalog {
    /// The engine's own messages. `isolating` wraps each placeable in FSI/PDI marks: right for a
    /// screen whose BiDi pass consumes them, wrong for logical-order text written to a file or a
    /// pipe, where they are stray invisible characters.
    pub fn new(isolating: bool) -> Catalog {
        Catalog::with_resources(&[], isolating)
    }

    /// The engine's messages and a front end's own (Fluent sources by language; a language the
    /// engine has no messages for is ignored).
    pub fn with_resources(extra: &[(Lang, &str)], isolating: bool) -> Catalog {
        let bundles = Lang::all()
            .map(|lang| {
                let mut b = new_bundle(lang, isolating);
                add(&mut b, engine_ftl(lang));
                for (_, src) in extra.iter().filter(|(l, _)| *l == lang) {
                    add(&mut b, src);
                }
                (lang, b)
            })
            .collect();
        Catalog { bundles }
    }

    fn bundle(&self, lang: Lang) -> Option<&Bundle> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
    }

    /// The message `id` (falling back to English, then to the id itself so a gap is visible).
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, None)
    }

    /// The message `id` with arguments.
    pub fn ta(&self, lang: Lang, id: &str, args: &[(&str, FluentValue)]) -> String {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        self.format(lang, id, Some(&a))
    }

    /// The message in both languages (for data that carries a [`Text`]).
    pub fn text(&self, id: &str, args: &[(&str, FluentValue)]) -> Text {
        Text::from_fn(|lang| self.ta(lang, id, args))
    }

    /// A [`Message`] in `lang`: a known id formatted with its arguments; anything else (a
    /// sentence saved by an older tokenyar, an id this build does not know) shown as it is.
    pub fn message(&self, lang: Lang, m: &Message) -> String {
        if !self.has(Lang::En, &m.id) {
            return m.id.clone();
        }
        let mut a = FluentArgs::new();
        for (k, v) in &m.args {
            a.set(k.as_str(), json_value(self, lang, v));
        }
        self.format(lang, &m.id, Some(&a))
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        for b in [lang, Lang::En].into_iter().filter_map(|l| self.bundle(l)) {
            if let Some(p) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(p, args, &mut errors).into_owned();
            }
        }
        id.to_string()
    }

    /// Whether a message exists in a language.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).is_some_and(|b| b.has_message(id))
    }
}

/// A script's or the engine's argument as a Fluent value: numbers stay numbers (so Persian
/// text gets Persian digits), a nested message (`{id, args}`) is formatted first, a `{fa, en}`
/// pair picks the language, anything else is its JSON text.
fn json_value(c: &Catalog, lang: Lang, v: &serde_json::Value) -> FluentValue<'static> {
    match v {
        serde_json::Value::String(s) => FluentValue::from(s.clone()),
        serde_json::Value::Number(n) => n
            .as_f64()
            .map(FluentValue::from)
            .unwrap_or_else(|| FluentValue::from(n.to_string())),
        // `#{date: "2026-10-28T..."}`: a date in both calendars, in the reader's language (the
        // date as written, so a certificate's end date is the day its issuer wrote).
        serde_json::Value::Object(o) if o.len() == 1 && o.contains_key("date") => {
            let raw = o.get("date").and_then(|d| d.as_str()).unwrap_or_default();
            let day = chrono::DateTime::parse_from_rfc3339(raw)
                .map(|t| t.date_naive())
                .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d"));
            match day {
                Ok(d) => FluentValue::from(crate::calendar::date_text(d, lang)),
                Err(_) => FluentValue::from(raw.to_string()),
            }
        }
        serde_json::Value::Object(o) if o.contains_key("id") => {
            match serde_json::from_value::<Message>(v.clone()) {
                Ok(m) => FluentValue::from(c.message(lang, &m)),
                Err(_) => FluentValue::from(v.to_string()),
            }
        }
        serde_json::Value::Object(o) if o.keys().any(|k| Lang::from_code(k).is_some()) => {
            match serde_json::from_value::<Text>(v.clone()) {
                Ok(t) => FluentValue::from(t.get(lang).to_string()),
                Err(_) => FluentValue::from(v.to_string()),
            }
        }
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|x| match json_value(c, lang, x) {
                    FluentValue::String(s) => s.into_owned(),
                    FluentValue::Number(n) => n.as_string().into_owned(),
                    _ => x.to_string(),
                })
                .collect();
            FluentValue::from(parts.join(&c.t(lang, "list-separator")))
        }
        other => FluentValue::from(other.to_string()),
    }
}

/// The engine's catalog for text written in logical order (reports, plain output, JSON): no
/// isolation marks.
pub fn engine() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::new(false))
}

/// [`Catalog::t`] on the engine's catalog.
pub fn t(lang: Lang, id: &str) -> String {
    engine().t(lang, id)
}

/// [`Catalog::ta`] on the engine's catalog.
pub fn ta(lang: Lang, id: &str, args: &[(&str, FluentValue)]) -> String {
    engine().ta(lang, id, args)
}

/// [`Catalog::text`] on the engine's catalog.
pub fn text(id: &str, args: &[(&str, FluentValue)]) -> Text {
    engine().text(id, args)
}

/// The Fluent id of a status word.
pub fn status_id(s: Status) -> &'static str {
    match s {
        Status::Ok => "status-ok",
        Status::Warn => "status-warn",
        Status::Fail => "status-fail",
        Status::Unknown => "status-unknown",
    }
}

/// A status as a word, from the engine's catalog.
pub fn status_word(s: Status, lang: Lang) -> String {
    t(lang, status_id(s))
}

/// A sentence by message id with its arguments: what a probe returns as its `note` or `reason`,
/// so the words are chosen when it is shown, in the reader's language. Saved as a plain string
/// when there are no arguments (the form older files hold: a sentence, shown as it is).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub id: String,
    pub args: serde_json::Map<String, serde_json::Value>,
}

impl Message {
    pub fn new(id: impl Into<String>) -> Message {
        Message {
            id: id.into(),
            args: Default::default(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, key: &str, value: impl Into<serde_json::Value>) -> Message {
        self.args.insert(key.to_string(), value.into());
        self
    }

    /// The message as an argument of another: always a map, so it is formatted, not quoted.
    pub fn nested(&self) -> serde_json::Value {
        serde_json::json!({"id": self.id, "args": self.args})
    }

    /// The same message with `f` applied to its free text (the id when it is a saved sentence,
    /// and every string argument): for redaction.
    pub(crate) fn map_text(&self, mut f: impl FnMut(&str) -> String) -> Message {
        fn walk(v: &serde_json::Value, f: &mut dyn FnMut(&str) -> String) -> serde_json::Value {
            match v {
                serde_json::Value::String(s) => serde_json::Value::String(f(s)),
                serde_json::Value::Array(a) => a.iter().map(|x| walk(x, f)).collect(),
                serde_json::Value::Object(o) => o
                    .iter()
                    .map(|(k, x)| {
                        let x = if k == "id" { x.clone() } else { walk(x, f) };
                        (k.clone(), x)
                    })
                    .collect(),
                other => other.clone(),
            }
        }
        let id = if engine().has(Lang::En, &self.id) {
            self.id.clone()
        } else {
            f(&self.id)
        };
        let args = self
            .args
            .iter()
            .map(|(k, v)| (k.clone(), walk(v, &mut f)))
            .collect();
        Message { id, args }
    }

    /// The message in `lang`, from the engine's catalog.
    pub fn text(&self, lang: Lang) -> String {
        engine().message(lang, self)
    }

    /// From a script's `note`/`reason` value: a message id (`"probe-x"`), a map
    /// `#{id: "probe-x", args: #{..}}`, or any other value shown as its text.
    pub(crate) fn from_json(v: serde_json::Value) -> Option<Message> {
        match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(Message::new(s)),
            serde_json::Value::Object(mut o) if o.get("id").is_some_and(|i| i.is_string()) => {
                let id = o
                    .remove("id")
                    .and_then(|i| i.as_str().map(str::to_string))
                    .unwrap_or_default();
                let args = match o.remove("args") {
                    Some(serde_json::Value::Object(a)) => a,
                    _ => Default::default(),
                };
                Some(Message { id, args })
            }
            other => Some(Message::new(other.to_string())),
        }
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::new(s)
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::new(s)
    }
}

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum MessageRepr {
    Plain(String),
    Full {
        id: String,
        #[serde(default)]
        args: serde_json::Map<String, serde_json::Value>,
    },
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.args.is_empty() {
            s.serialize_str(&self.id)
        } else {
            MessageRepr::Full {
                id: self.id.clone(),
                args: self.args.clone(),
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        Ok(match MessageRepr::deserialize(d)? {
            MessageRepr::Plain(id) => Message::new(id),
            MessageRepr::Full { id, args } => Message { id, args },
        })
    }
}

impl schemars::JsonSchema for Message {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Message".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        MessageRepr::json_schema(g)
    }
}

/// The message ids a Fluent source defines, in order.
pub fn message_ids(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|l| !l.starts_with(['#', ' ', '\t', '.', '-', '[', '*', '}']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next())
        .map(|s| s.trim().to_string())
        .collect()
}
