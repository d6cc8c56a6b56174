//! The one place YAML is parsed. Everything else sees typed values and source positions.
//!
//! `serde_yaml` deserializes, but its values carry no positions; an editor needs `file:line:col`
//! for every node and field. So the text is parsed once, at the event level (`yaml-rust2`): the
//! events build the `serde_yaml::Value` (plain scalars resolved by the YAML 1.2 core schema, as
//! serde_yaml does) and record where every value and key starts, keyed by a path such as
//! `[3].choices[1].next`. Items are then deserialized one by one with serde, so a mistake in one
//! node never hides the mistakes in the others.
//!
//! `serde_yaml` is deprecated and archived upstream (0.9.34+deprecated: no fixes, no advisories
//! either). It lives here and nowhere else: other modules use the re-exports below ([`Value`],
//! [`Mapping`], [`to_string`]), so replacing it (by `serde_norway` or `serde_yml`, or by values
//! built from the `yaml-rust2` events alone) is a change to this one file. Parsing does not
//! depend on it: the text is read by `yaml-rust2`, with the alias budget and depth limit below.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
pub use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

pub(crate) use crate::model::nodes::LineCol;

/// A parsed YAML document and where each of its values and keys starts.
#[derive(Debug)]
pub struct Document {
    pub value: serde_yaml::Value,
    positions: HashMap<String, LineCol>,
}

/// A syntax or type error with the position it refers to, when known.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub at: LineCol,
    pub message: String,
}

impl Document {
    /// Where the value at `path` starts (`[2].next`), or where its key starts with `path#key`.
    pub fn position(&self, path: &str) -> Option<LineCol> {
        self.positions.get(path).copied()
    }

    /// The closest known position for `path`: the path itself, else its nearest ancestor.
    pub fn nearest(&self, path: &str) -> LineCol {
        let mut p = path.to_string();
        loop {
            if let Some(at) = self
                .position(&format!("{p}#key"))
                .or_else(|| self.position(&p))
            {
                return at;
            }
            match p.rfind(['.', '[']) {
                Some(i) if i > 0 => p.truncate(i),
                _ => return self.position("").unwrap_or(LineCol { line: 1, col: 1 }),
            }
        }
    }
}

/// Parses one YAML text. An empty file is an empty document (`null`).
pub fn parse(text: &str) -> Result<Document, YamlError> {
    parse_with(text, true)
}

/// Like [`parse`]; without `positions` no path or position is recorded (every lookup then falls
/// back to line 1), which halves the work: for a knowledge base that was checked before it was
/// embedded, where no message will ever point into it.
pub(crate) fn parse_with(text: &str, positions: bool) -> Result<Document, YamlError> {
    if !positions {
        // Without positions there is nothing the event pass adds, and libyaml's reader (serde_yaml
        // resolves scalars by the same YAML 1.2 core schema) is about twice as fast.
        return serde_yaml::from_str::<Value>(text)
            .map(|value| Document {
                value,
                positions: HashMap::new(),
            })
            .map_err(|e| YamlError {
                at: e
                    .location()
                    .map_or(LineCol { line: 1, col: 1 }, |l| LineCol {
                        line: l.line() as u32,
                        col: l.column() as u32,
                    }),
                message: clean_serde_message(&e.to_string()),
            });
    }
    let mut rec = Builder {
        positions_off: !positions,
        ..Builder::default()
    };
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut rec, true).map_err(|e| YamlError {
        at: LineCol {
            line: e.marker().line() as u32,
            col: e.marker().col() as u32 + 1,
        },
        message: e.info().to_string(),
    })?;
    if let Some(e) = rec.error {
        return Err(e);
    }
    Ok(Document {
        value: rec.root.unwrap_or(Value::Null),
        positions: rec.positions,
    })
}

/// Deserializes one value, reporting the path inside it that failed. The path is tracked only
/// when the fast attempt fails: tracking it costs as much as the deserialization itself.
pub fn from_value<T: DeserializeOwned>(value: serde_yaml::Value) -> Result<T, (String, String)> {
    if let Ok(v) = T::deserialize(&value) {
        return Ok(v);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        (path, clean_serde_message(&e.into_inner().to_string()))
    })
}

/// A value written as YAML text (scenario tests that `kb add-test` writes).
pub fn to_string(v: &Value) -> String {
    serde_yaml::to_string(v).unwrap_or_default()
}

/// Joins a base path and a serde path (`choices[1].next`) into the recorder's form.
pub fn join(base: &str, rel: &str) -> String {
    // Built by hand, not with `format!`: it runs for every value of every file `kb check` reads.
    let mut out = String::with_capacity(base.len() + rel.len() + 1);
    out.push_str(base);
    if !rel.is_empty() && !rel.starts_with('[') {
        out.push('.');
    }
    out.push_str(rel);
    out
}

/// serde_yaml appends " at line L column C" to its messages; positions are reported separately.
fn clean_serde_message(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// How many values aliases may copy in one file. YAML aliases let a few lines stand for billions
/// of values (the "billion laughs"); the shipped knowledge base uses none, so a small budget
/// costs nothing and stops a hostile `--kb` folder at once.
pub(crate) const ALIAS_BUDGET: usize = 10_000;
/// How deeply collections may nest; the knowledge base needs fewer than ten levels.
pub(crate) const MAX_DEPTH: usize = 64;

enum Frame {
    Seq {
        path: String,
        items: Vec<Value>,
        anchor: usize,
    },
    /// `fresh` until the first key: the parser marks a block mapping's start after that key,
    /// so the mapping's position is corrected to its first key's.
    Map {
        path: String,
        map: Mapping,
        key: Option<(String, Value, LineCol)>,
        fresh: bool,
        anchor: usize,
    },
}

/// Builds the value and records positions from the parser's events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<String, LineCol>,
    /// Anchored values with the number of values each holds.
    anchors: HashMap<usize, (Value, usize)>,
    /// Values copied by aliases so far (see [`ALIAS_BUDGET`]).
    aliased: usize,
    root: Option<Value>,
    documents: usize,
    error: Option<YamlError>,
    positions_off: bool,
}

impl Builder {
    /// The path of a value that starts now, or `None` when it is a mapping key.
    fn place(&mut self, key_text: Option<&str>, at: LineCol) -> Option<String> {
        if self.positions_off {
            return None;
        }
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, items, .. }) => Some(format!("{path}[{}]", items.len())),
            Some(Frame::Map {
                path, key, fresh, ..
            }) => match key {
                Some((k, _, _)) => Some(join(path, k)),
                None => {
                    let k = key_text.unwrap_or("?");
                    let key_path = join(path, k);
                    if std::mem::take(fresh) {
                        let map_at = self.positions.entry(path.clone()).or_insert(at);
                        *map_at = (*map_at).min(at);
                    }
                    self.positions.insert(format!("{key_path}#key"), at);
                    None
                }
            },
        }
    }

    /// Adds a finished value to its container (or makes it the document).
    fn finish(&mut self, v: Value, anchor: usize, at: LineCol) {
        if anchor > 0 {
            self.anchors.insert(anchor, (v.clone(), count_values(&v)));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(v);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(v),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => {
                    let text = match &v {
                        Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    *key = Some((text, v, at));
                }
                Some((text, k, key_at)) => {
                    if map.contains_key(&k) && self.error.is_none() {
                        self.error = Some(YamlError {
                            at: key_at,
                            message: format!("the key `{text}` appears twice in this mapping"),
                        });
                    }
                    map.insert(k, v);
                }
            },
        }
    }
}

/// The number of values in `v`, itself included.
fn count_values(v: &Value) -> usize {
    match v {
        Value::Sequence(s) => 1 + s.iter().map(count_values).sum::<usize>(),
        Value::Mapping(m) => {
            1 + m
                .iter()
                .map(|(k, v)| count_values(k) + count_values(v))
                .sum::<usize>()
        }
        Value::Tagged(t) => 1 + count_values(&t.value),
        _ => 1,
    }
}

/// A plain (unquoted) scalar by the YAML 1.2 core schema: null, booleans, numbers, or a string.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(f64::INFINITY.into());
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(f64::NEG_INFINITY.into()),
        ".nan" | ".NaN" | ".NAN" => return Value::Number(f64::NAN.into()),
        _ => {}
    }
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => (-1i64, d),
        None => (1, s.strip_prefix('+').unwrap_or(s)),
    };
    let radix = |p: &str, r: u32| p.chars().all(|c| c.is_digit(r)) && !p.is_empty();
    if let Some(h) = s.strip_prefix("0x").filter(|h| radix(h, 16)) {
        if let Ok(n) = u64::from_str_radix(h, 16) {
            return Value::Number(n.into());
        }
    }
    if let Some(o) = s.strip_prefix("0o").filter(|o| radix(o, 8)) {
        if let Ok(n) = u64::from_str_radix(o, 8) {
            return Value::Number(n.into());
        }
    }
    if radix(digits, 10) {
        if let Ok(n) = digits.parse::<i64>() {
            return Value::Number((sign * n).into());
        }
        if sign > 0 {
            if let Ok(n) = digits.parse::<u64>() {
                return Value::Number(n.into());
            }
        }
    }
    let looks_float = {
        let body = digits.replacen('.', "", 1);
        let (mantissa, exp) = match body.split_once(['e', 'E']) {
            Some((m, e)) => (
                m.to_string(),
                Some(e.trim_start_matches(['+', '-']).to_string()),
            ),
            None => (body.clone(), None),
        };
        digits.contains(['.', 'e', 'E'])
            && radix(&mantissa, 10)
            && exp.as_deref().is_none_or(|e| radix(e, 10))
    };
    if looks_float {
        if let Ok(f) = s.parse::<f64>() {
            return Value::Number(f.into());
        }
    }
    Value::String(s.to_string())
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = LineCol {
            line: mark.line() as u32,
            col: mark.col() as u32 + 1,
        };
        // After the first error the rest of the file is only scanned, never built: an alias
        // bomb past its budget must not go on copying.
        if self.error.is_some() {
            return;
        }
        if matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..))
            && self.stack.len() >= MAX_DEPTH
        {
            self.error = Some(YamlError {
                at,
                message: format!("collections nest deeper than {MAX_DEPTH} levels"),
            });
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 && self.error.is_none() {
                    self.error = Some(YamlError {
                        at,
                        message: "a file holds one YAML document; remove the second `---`".into(),
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = match (&style, &tag) {
                    (_, Some(t)) if t.suffix == "str" => Value::String(text.clone()),
                    (TScalarStyle::Plain, _) => resolve_plain(&text),
                    _ => Value::String(text.clone()),
                };
                if let Some(p) = self.place(Some(&text), at) {
                    self.positions.insert(p, at);
                }
                self.finish(value, anchor, at);
            }
            Event::Alias(id) => {
                if let Some(p) = self.place(None, at) {
                    self.positions.insert(p, at);
                }
                let size = self.anchors.get(&id).map_or(1, |(_, n)| *n);
                self.aliased = self.aliased.saturating_add(size);
                if self.aliased > ALIAS_BUDGET {
                    self.error = Some(YamlError {
                        at,
                        message: format!(
                            "aliases here would copy more than {ALIAS_BUDGET} values; write the values out instead"
                        ),
                    });
                    return;
                }
                let v = self
                    .anchors
                    .get(&id)
                    .map_or(Value::Null, |(v, _)| v.clone());
                self.finish(v, 0, at);
            }
            Event::SequenceStart(anchor, _) => {
                let path = self.place(None, at).unwrap_or_default();
                if !self.positions_off {
                    self.positions.insert(path.clone(), at);
                }
                self.stack.push(Frame::Seq {
                    path,
                    items: Vec::new(),
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                let path = self.place(None, at).unwrap_or_default();
                if !self.positions_off {
                    self.positions.insert(path.clone(), at);
                }
                self.stack.push(Frame::Map {
                    path,
                    map: Mapping::new(),
                    key: None,
                    fresh: true,
                    anchor,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { items, anchor, .. }) = self.stack.pop() {
                    self.finish(Value::Sequence(items), anchor, at);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { map, anchor, .. }) = self.stack.pop() {
                    self.finish(Value::Mapping(map), anchor, at);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_positions_of_items_fields_and_keys() {
        let text = "- id: a\n  next: b\n- id: c\n  choices:\n    - text: x\n      next: d\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.position("[0]"), Some(LineCol { line: 1, col: 3 }));
        assert_eq!(doc.position("[0].next"), Some(LineCol { line: 2, col: 9 }));
        assert_eq!(
            doc.position("[1].choices[0].next"),
            Some(LineCol { line: 6, col: 13 })
        );
        assert_eq!(
            doc.position("[1].choices#key"),
            Some(LineCol { line: 4, col: 3 })
        );
        assert_eq!(
            doc.nearest("[1].choices[0].missing"),
            LineCol { line: 5, col: 7 }
        );
    }

    #[test]
    fn without_positions_the_value_is_the_same() {
        let text = "- id: a\n  next: b\n- id: c\n  choices:\n    - {text: x, next: d}\n";
        let (with, without) = (parse(text).unwrap(), parse_with(text, false).unwrap());
        assert_eq!(with.value, without.value);
        assert!(without.positions.is_empty());
        assert_eq!(without.nearest("[1].choices"), LineCol { line: 1, col: 1 });
        assert!(parse_with("a: 1\na: 2\n", false).is_err());
        for empty in ["", "# only a comment\n"] {
            assert_eq!(parse_with(empty, false).unwrap().value, Value::Null);
        }
    }

    #[test]
    fn scalars_resolve_like_yaml_1_2() {
        let doc = parse("a: [1, -2, 0x1F, 1.5, 2e3, true, ~, '7', \"x\", 1.2.3, yes, 00, .inf]\n")
            .unwrap();
        let want: Value = serde_yaml::from_str(
            "a: [1, -2, 31, 1.5, 2000.0, true, null, '7', x, '1.2.3', 'yes', 0, .inf]",
        )
        .unwrap();
        assert_eq!(doc.value, want);
    }

    #[test]
    fn anchors_and_aliases_are_resolved() {
        let doc = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(doc.value["b"]["k"], Value::Number(1.into()));
    }

    #[test]
    fn duplicate_keys_and_second_documents_are_errors() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.at.line, 3, "{e:?}");
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.at.line >= 1, "{err:?}");
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn type_error_names_the_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            list: Vec<u32>,
        }
        let doc = parse("list: [1, x]\n").unwrap();
        let (path, msg) = from_value::<T>(doc.value).unwrap_err();
        assert_eq!(path, "list[1]");
        assert!(msg.contains("invalid"), "{msg}");
    }
}
