//! The one place YAML is parsed. Everything else sees typed values and source positions.
//!
//! `serde_yaml` deserializes, but its values carry no positions; an editor needs `file:line:col`
//! for every node and field. So a second, event-level pass (`yaml-rust2`) records where every
//! value and key starts, keyed by a path such as `[3].choices[1].next`. Items are then
//! deserialized one by one, so a mistake in one node never hides the mistakes in the others.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

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
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| YamlError {
        at: e
            .location()
            .map(|l| LineCol {
                line: l.line() as u32,
                col: l.column() as u32,
            })
            .unwrap_or(LineCol { line: 1, col: 1 }),
        message: clean_serde_message(&e.to_string()),
    })?;
    let mut rec = PositionRecorder::default();
    let mut parser = Parser::new_from_str(text);
    // serde_yaml accepted the text, so the event parser can only disagree on exotic input;
    // positions are then merely less precise, never wrong.
    let _ = parser.load(&mut rec, false);
    Ok(Document {
        value,
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

/// Joins a base path and a serde path (`choices[1].next`) into the recorder's form.
pub fn join(base: &str, rel: &str) -> String {
    if rel.is_empty() {
        base.to_string()
    } else if rel.starts_with('[') {
        format!("{base}{rel}")
    } else {
        format!("{base}.{rel}")
    }
}

/// serde_yaml appends " at line L column C" to its messages; positions are reported separately.
fn clean_serde_message(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

enum Frame {
    Seq {
        path: String,
        next_index: usize,
    },
    /// `fresh` until the first key: the parser marks a block mapping's start after that key,
    /// so the mapping's position is corrected to its first key's.
    Map {
        path: String,
        key: Option<String>,
        fresh: bool,
    },
}

#[derive(Default)]
struct PositionRecorder {
    stack: Vec<Frame>,
    positions: HashMap<String, LineCol>,
}

impl PositionRecorder {
    /// Works out the path of a value that starts now; `None` when it is a mapping key.
    fn place(&mut self, key_text: Option<&str>, at: LineCol) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next_index }) => {
                let p = format!("{path}[{next_index}]");
                *next_index += 1;
                Some(p)
            }
            Some(Frame::Map { path, key, fresh }) => match key.take() {
                Some(k) => Some(join(path, &k)),
                None => {
                    let k = key_text.unwrap_or("?").to_string();
                    let key_path = join(path, &k);
                    if std::mem::take(fresh) {
                        let map_at = self.positions.entry(path.clone()).or_insert(at);
                        *map_at = (*map_at).min(at);
                    }
                    self.positions.insert(format!("{key_path}#key"), at);
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for PositionRecorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = LineCol {
            line: mark.line() as u32,
            col: mark.col() as u32 + 1,
        };
        match ev {
            Event::Scalar(text, ..) => {
                if let Some(p) = self.place(Some(&text), at) {
                    self.positions.insert(p, at);
                }
            }
            Event::Alias(_) => {
                if let Some(p) = self.place(None, at) {
                    self.positions.insert(p, at);
                }
            }
            Event::SequenceStart(..) => {
                let path = self.place(None, at).unwrap_or_default();
                self.positions.insert(path.clone(), at);
                self.stack.push(Frame::Seq {
                    path,
                    next_index: 0,
                });
            }
            Event::MappingStart(..) => {
                let path = self.place(None, at).unwrap_or_default();
                self.positions.insert(path.clone(), at);
                self.stack.push(Frame::Map {
                    path,
                    key: None,
                    fresh: true,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
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
