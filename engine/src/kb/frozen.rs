//! The knowledge base in a compact binary form, made at build time, so that a command starts
//! without parsing YAML.
//!
//! The `tokenyar` binary's build script loads `kb/` and `scripts/` with the YAML loader, runs
//! the checker's rules (a knowledge base with an error does not build), and writes
//! [`freeze`]'s bytes; at run time [`thaw`] turns them back into the same [`Kb`] in about a
//! millisecond, where parsing ≈ 600 KB of YAML took tens. A working copy (`--kb DIR`) never
//! comes this way: it is read from YAML and checked in full.
//!
//! The form is `postcard` (serde, no field names): the nodes through the mirror types below,
//! which a change of [`Node`] or [`Body`] breaks at compile time (the conversions destructure
//! every field); the small data files (systems, tokens, software, lookup, catalog, meta) as JSON
//! text inside it, since their serde attributes (`skip_serializing_if`, untyped values) need a
//! self-describing format. The token data comes first, so a token read can start from it alone
//! ([`thaw_tokens`]). The scenario tests and their files are not in it: `kb test` reads YAML.
//!
//! The nodes' user-facing texts (≈ 370 KB, mostly Persian, in about 4,000 strings) follow the
//! nodes as one string, each text a range of it. Thawing checks that string's UTF-8 once, with
//! SIMD, and the texts borrow from the program's own bytes: checking and copying them one by one
//! was half of the thaw. Scripts are frozen without their `//` comments (a quarter of their text,
//! which every process's compile would read) where that compiles to the very same program.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::load::{Kb, Script};
use crate::facts::FactReads;
use crate::model::*;

/// Changes whenever the layout below does; a blob of another format is refused, not misread.
const FORMAT: u32 = 2;

/// Why frozen bytes could not be read (a build of mismatched parts; never expected).
#[derive(Debug, thiserror::Error)]
#[error("the built-in knowledge base cannot be read: {0}")]
pub struct FrozenError(String);

fn err(what: &str, e: impl std::fmt::Display) -> FrozenError {
    FrozenError(format!("{what}: {e}"))
}

/// What a token read needs, first, so it can be read without the rest.
#[derive(Serialize, Deserialize)]
struct Head {
    format: u32,
    version: String,
    /// `kb/tokens.yaml`, as JSON.
    tokens: String,
}

#[derive(Serialize, Deserialize)]
struct Body_ {
    origin: String,
    /// The data files, each as JSON.
    meta: String,
    systems: String,
    certificate_types: String,
    catalog: String,
    software: String,
    lookup: String,
    /// The node files' paths; a node names its file by index.
    files: Vec<String>,
    /// The language codes the texts are in; a text names its languages by index.
    langs: Vec<String>,
    nodes: Vec<FNode>,
    scripts: Vec<FScript>,
}

#[derive(Serialize, Deserialize)]
struct FNode {
    id: String,
    kind: Kind,
    system: String,
    case: Option<String>,
    confidence: Confidence,
    title: FText,
    text: Option<FText>,
    body: FBody,
    file: u32,
    line: u32,
    col: u32,
}

/// [`Body`] without serde's internal tag (which needs a self-describing format).
#[derive(Serialize, Deserialize)]
enum FBody {
    Symptom {
        messages: Vec<String>,
        codes: Vec<String>,
        keywords: Vec<String>,
        check: Option<String>,
        severity: Severity,
        next: Option<String>,
    },
    Question {
        choices: Vec<FChoice>,
        auto: Option<String>,
    },
    Probe {
        script: String,
        /// The `args:` map, as JSON (values of any shape).
        args: String,
        outcomes: Outcomes,
    },
    Remedy {
        steps: Vec<FText>,
        verify: Option<String>,
        unresolved: Option<String>,
        escalate: Option<Escalate>,
        audience: Audience,
        risk: Option<Risk>,
        revert: Vec<FText>,
    },
    Info {
        next: Option<String>,
    },
}

#[derive(Serialize, Deserialize)]
struct FChoice {
    text: FText,
    next: String,
    when: Vec<Status>,
}

/// A [`Text`] in the frozen form: per language, the index of its code in `langs` and its
/// range (start, length in bytes) in the text string.
#[derive(Serialize, Deserialize)]
struct FText(Vec<(u16, u32, u32)>);

/// The texts being frozen: one string, each distinct text once.
#[derive(Default)]
struct TextsOut {
    all: String,
    at: std::collections::HashMap<String, (u32, u32)>,
    langs: Vec<String>,
}

impl TextsOut {
    fn text(&mut self, t: &Text) -> Result<FText, FrozenError> {
        let too_big = || FrozenError("its texts pass 4 GB".into());
        let mut parts = Vec::new();
        for (lang, s) in t.iter() {
            let code = lang.code();
            let l = match self.langs.iter().position(|c| c == code) {
                Some(i) => i,
                None => {
                    self.langs.push(code.to_string());
                    self.langs.len() - 1
                }
            };
            let range = match self.at.get(s) {
                Some(r) => *r,
                None => {
                    let start = u32::try_from(self.all.len()).map_err(|_| too_big())?;
                    let len = u32::try_from(s.len()).map_err(|_| too_big())?;
                    self.all.push_str(s);
                    self.at.insert(s.to_string(), (start, len));
                    (start, len)
                }
            };
            parts.push((u16::try_from(l).map_err(|_| too_big())?, range.0, range.1));
        }
        Ok(FText(parts))
    }

    fn texts(&mut self, ts: &[Text]) -> Result<Vec<FText>, FrozenError> {
        ts.iter().map(|t| self.text(t)).collect()
    }
}

/// The texts being thawed: the string they are ranges of, checked once.
struct TextsIn {
    all: &'static str,
    langs: Vec<Lang>,
}

impl TextsIn {
    fn text(&self, t: FText) -> Result<Text, FrozenError> {
        let bad = || FrozenError("a text's range or language is out of bounds".into());
        let parts =
            t.0.into_iter()
                .map(|(l, start, len)| {
                    let lang = *self.langs.get(usize::from(l)).ok_or_else(bad)?;
                    let start = start as usize;
                    let end = start.checked_add(len as usize).ok_or_else(bad)?;
                    let s = self.all.get(start..end).ok_or_else(bad)?;
                    Ok((lang, s))
                })
                .collect::<Result<Vec<_>, FrozenError>>()?;
        Ok(Text::borrowed(parts))
    }

    fn texts(&self, ts: Vec<FText>) -> Result<Vec<Text>, FrozenError> {
        ts.into_iter().map(|t| self.text(t)).collect()
    }
}

#[derive(Serialize, Deserialize)]
struct FScript {
    name: String,
    source: String,
    /// The fact keys it reads; `None` for "any".
    reads: Option<Vec<String>>,
}

/// JSON with its maps' keys sorted (through `serde_json::Value`, whose maps are ordered), so
/// the same knowledge base always freezes to the same bytes.
fn to_json<T: Serialize>(v: &T) -> Result<String, FrozenError> {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string(&v))
        .map_err(|e| err("encoding", e))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T, FrozenError> {
    serde_json::from_str(s).map_err(|e| err(what, e))
}

/// The knowledge base as bytes [`thaw`] reads. Its scenario tests are left out.
pub fn freeze(kb: &Kb) -> Result<Vec<u8>, FrozenError> {
    let head = Head {
        format: FORMAT,
        version: kb.version.clone(),
        tokens: to_json(&*kb.tokens)?,
    };
    let mut files: Vec<String> = Vec::new();
    let mut file_index: BTreeMap<Arc<str>, u32> = BTreeMap::new();
    let mut texts = TextsOut::default();
    let mut nodes = Vec::with_capacity(kb.nodes.len());
    for n in &kb.nodes {
        let Node {
            id,
            kind,
            system,
            case,
            confidence,
            title,
            text,
            body,
            pos,
            // Where each field was written: only the checker's messages use it, and a frozen
            // knowledge base was checked before it was frozen.
            field_pos: _,
        } = n;
        let file = *file_index.entry(Arc::clone(&pos.file)).or_insert_with(|| {
            files.push(pos.file.to_string());
            (files.len() - 1) as u32
        });
        nodes.push(FNode {
            id: id.clone(),
            kind: *kind,
            system: system.clone(),
            case: case.clone(),
            confidence: *confidence,
            title: texts.text(title)?,
            text: text.as_ref().map(|t| texts.text(t)).transpose()?,
            body: freeze_body(body, &mut texts)?,
            file,
            line: pos.line,
            col: pos.col,
        });
    }
    let sandbox = crate::probe::Sandbox::default();
    let scripts = kb
        .scripts
        .values()
        .map(|s| FScript {
            name: s.name.clone(),
            source: shorter_if_same(&sandbox, &s.source),
            reads: s.reads.keys().map(|k| k.iter().cloned().collect()),
        })
        .collect();
    let body = Body_ {
        origin: kb.origin.clone(),
        meta: to_json(&kb.meta)?,
        systems: to_json(&kb.systems)?,
        certificate_types: to_json(&kb.certificate_types)?,
        catalog: to_json(&kb.catalog)?,
        software: to_json(&*kb.software)?,
        lookup: to_json(&kb.lookup)?,
        files,
        langs: texts.langs,
        nodes,
        scripts,
    };
    let mut out = postcard::to_allocvec(&head).map_err(|e| err("encoding", e))?;
    out.extend(postcard::to_allocvec(&body).map_err(|e| err("encoding", e))?);
    out.extend(texts.all.as_bytes());
    Ok(out)
}

/// The script without its comments when that compiles to the very same program (its AST,
/// positions included, or the very same error), else the script as written: what users run is
/// never a program the checker did not see.
fn shorter_if_same(sandbox: &crate::probe::Sandbox, source: &str) -> String {
    let short = without_comments(source);
    let same = short == source || {
        let program = |s: &str| format!("{:?}", sandbox.compile(s));
        program(&short) == program(source)
    };
    if same {
        short.into_owned()
    } else {
        source.to_string()
    }
}

/// A script without its `//` comments, every line and column of its code where it was: a
/// quarter of the scripts' text is comments, and Rhai's tokenizer reads them character by
/// character in every process that compiles the script. Only a script of plain strings and
/// line comments is stripped; one with a character literal, a back-quoted string or a block
/// comment is kept whole, rather than cut by rules this does not implement. (Rhai's own
/// `Engine::compact_script` would strip more, but it joins lines: a script's run-time error
/// names its line to the user and the KB editor, and that line must be the one in `scripts/`.)
fn without_comments(source: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut code_end = line.len();
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '\'' | '`' => return source.into(),
                '/' => match chars.peek() {
                    Some((_, '/')) => {
                        code_end = i;
                        break;
                    }
                    Some((_, '*')) => return source.into(),
                    _ => {}
                },
                _ => {}
            }
        }
        // A string still open at the line's end (continued with `\`) is past what this reads.
        if in_string {
            return source.into();
        }
        out.push_str(line[..code_end].trim_end());
        out.push('\n');
    }
    out.into()
}

fn freeze_body(b: &Body, texts: &mut TextsOut) -> Result<FBody, FrozenError> {
    Ok(match b {
        Body::Symptom {
            messages,
            codes,
            keywords,
            check,
            severity,
            next,
        } => FBody::Symptom {
            messages: messages.clone(),
            codes: codes.clone(),
            keywords: keywords.clone(),
            check: check.clone(),
            severity: *severity,
            next: next.clone(),
        },
        Body::Question { choices, auto } => FBody::Question {
            choices: choices
                .iter()
                .map(|Choice { text, next, when }| {
                    Ok(FChoice {
                        text: texts.text(text)?,
                        next: next.clone(),
                        when: when.clone(),
                    })
                })
                .collect::<Result<_, FrozenError>>()?,
            auto: auto.clone(),
        },
        Body::Probe {
            script,
            args,
            outcomes,
        } => FBody::Probe {
            script: script.clone(),
            args: to_json(args)?,
            outcomes: outcomes.clone(),
        },
        Body::Remedy {
            steps,
            verify,
            unresolved,
            escalate,
            audience,
            risk,
            revert,
        } => FBody::Remedy {
            steps: texts.texts(steps)?,
            verify: verify.clone(),
            unresolved: unresolved.clone(),
            escalate: escalate.clone(),
            audience: *audience,
            risk: *risk,
            revert: texts.texts(revert)?,
        },
        Body::Info { next } => FBody::Info { next: next.clone() },
    })
}

fn head(bytes: &[u8]) -> Result<(Head, &[u8]), FrozenError> {
    let (head, rest) =
        postcard::take_from_bytes::<Head>(bytes).map_err(|e| err("its header", e))?;
    if head.format != FORMAT {
        return Err(FrozenError(format!(
            "it is of format {}, this program reads format {FORMAT}",
            head.format
        )));
    }
    Ok((head, rest))
}

/// The token data alone (`kb/tokens.yaml`): what a token read started before the rest of the
/// knowledge base loads needs.
pub fn thaw_tokens(bytes: &[u8]) -> Result<TokensFile, FrozenError> {
    let (head, _) = head(bytes)?;
    from_json("kb/tokens.yaml", &head.tokens)
}

/// The knowledge base [`freeze`] wrote. Its texts borrow from `bytes`, which is why they must
/// live as long as the program (the bytes built into it do).
pub fn thaw(bytes: &'static [u8]) -> Result<Kb, FrozenError> {
    thaw_with_tokens(bytes, Arc::new(thaw_tokens(bytes)?))
}

/// Like [`thaw`], with the token data [`thaw_tokens`] gave already (a token read started
/// early did): it is not parsed twice.
pub fn thaw_with_tokens(bytes: &'static [u8], tokens: Arc<TokensFile>) -> Result<Kb, FrozenError> {
    let (head, rest) = head(bytes)?;
    let (body, all): (Body_, _) =
        postcard::take_from_bytes(rest).map_err(|e| err("its nodes", e))?;
    let texts = TextsIn {
        all: simdutf8::basic::from_utf8(all).map_err(|e| err("its texts", e))?,
        langs: body
            .langs
            .iter()
            .map(|c| Lang::from_code(c).ok_or_else(|| FrozenError(format!("unknown language {c}"))))
            .collect::<Result<_, _>>()?,
    };
    let files: Vec<Arc<str>> = body.files.iter().map(|f| Arc::from(f.as_str())).collect();
    let mut nodes = Vec::with_capacity(body.nodes.len());
    for n in body.nodes {
        let FNode {
            id,
            kind,
            system,
            case,
            confidence,
            title,
            text,
            body,
            file,
            line,
            col,
        } = n;
        let file = files
            .get(file as usize)
            .cloned()
            .ok_or_else(|| FrozenError(format!("the node {id} names no file")))?;
        nodes.push(Node {
            id,
            kind,
            system,
            case,
            confidence,
            title: texts.text(title)?,
            text: text.map(|t| texts.text(t)).transpose()?,
            body: thaw_body(body, &texts)?,
            pos: Pos { file, line, col },
            field_pos: BTreeMap::new(),
        });
    }
    let scripts = body
        .scripts
        .into_iter()
        .map(|s| {
            let script = Script {
                pos: Pos {
                    file: Arc::from(format!("scripts/{}", s.name)),
                    line: 1,
                    col: 1,
                },
                source: Arc::from(s.source),
                reads: match s.reads {
                    None => FactReads::All,
                    Some(keys) => FactReads::Only(keys.into_iter().collect()),
                },
                name: s.name.clone(),
            };
            (s.name, script)
        })
        .collect();
    let index = super::load::first_index(&nodes);
    Ok(Kb {
        meta: from_json("kb/kb.yaml", &body.meta)?,
        version: head.version,
        nodes,
        index,
        systems: from_json("kb/systems.yaml", &body.systems)?,
        certificate_types: from_json("kb/systems.yaml", &body.certificate_types)?,
        catalog: from_json("kb/catalog.yaml", &body.catalog)?,
        scripts,
        scenarios: Vec::new(),
        test_data: BTreeMap::new(),
        tokens,
        software: Arc::new(from_json("kb/software.yaml", &body.software)?),
        lookup: from_json("kb/lookup.yaml", &body.lookup)?,
        data: OnceLock::new(),
        origin: body.origin,
    })
}

fn thaw_body(b: FBody, texts: &TextsIn) -> Result<Body, FrozenError> {
    Ok(match b {
        FBody::Symptom {
            messages,
            codes,
            keywords,
            check,
            severity,
            next,
        } => Body::Symptom {
            messages,
            codes,
            keywords,
            check,
            severity,
            next,
        },
        FBody::Question { choices, auto } => Body::Question {
            choices: choices
                .into_iter()
                .map(|FChoice { text, next, when }| {
                    Ok(Choice {
                        text: texts.text(text)?,
                        next,
                        when,
                    })
                })
                .collect::<Result<_, FrozenError>>()?,
            auto,
        },
        FBody::Probe {
            script,
            args,
            outcomes,
        } => Body::Probe {
            script,
            args: from_json("a probe's args", &args)?,
            outcomes,
        },
        FBody::Remedy {
            steps,
            verify,
            unresolved,
            escalate,
            audience,
            risk,
            revert,
        } => Body::Remedy {
            steps: texts.texts(steps)?,
            verify,
            unresolved,
            escalate,
            audience,
            risk,
            revert: texts.texts(revert)?,
        },
        FBody::Info { next } => Body::Info { next },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::kb::Source;

    /// Everything a command reads of a knowledge base, as one JSON value.
    fn view(kb: &Kb) -> serde_json::Value {
        let scripts: Vec<_> = kb
            .scripts
            .iter()
            .map(|(k, s)| {
                serde_json::json!({
                    "key": k, "name": s.name, "source": &*s.source, "pos": s.pos,
                    "reads": s.reads.keys(),
                })
            })
            .collect();
        let found: Vec<bool> = kb.nodes.iter().map(|n| kb.node(&n.id).is_some()).collect();
        serde_json::json!({
            "version": kb.version,
            "nodes": kb.nodes,
            "found": found,
            "scripts": scripts,
            "data": kb.data().json_all(),
            "catalog": kb.catalog,
        })
    }

    #[test]
    fn thawing_gives_back_the_knowledge_base_that_was_frozen() {
        let (mut kb, diags) = Kb::load(&Source::embedded_parts(super::super::Parts::RUN));
        assert!(diags.is_empty(), "{diags:?}");
        let bytes: &'static [u8] = freeze(&kb).unwrap().leak();
        let back = thaw(bytes).unwrap();
        // The scripts come back without their comments (see the next test).
        for s in kb.scripts.values_mut() {
            s.source = Arc::from(without_comments(&s.source).as_ref());
        }
        assert_eq!(view(&back), view(&kb));
        assert_eq!(back.origin, kb.origin);
        assert!(back.scenarios.is_empty() && back.test_data.is_empty());
        // The same knowledge base always gives the same bytes (the build is reproducible).
        assert_eq!(freeze(&back).unwrap(), bytes);
        let tokens = thaw_tokens(bytes).unwrap();
        assert_eq!(
            serde_json::to_value(&tokens).unwrap(),
            serde_json::to_value(&*kb.tokens).unwrap()
        );
    }

    #[test]
    fn bytes_of_another_format_are_refused_not_misread() {
        let (kb, _) = Kb::load(&Source::embedded_parts(super::super::Parts::RUN));
        let bytes: &'static mut [u8] = freeze(&kb).unwrap().leak();
        bytes[0] = bytes[0].wrapping_add(1);
        let bytes: &'static [u8] = bytes;
        assert!(thaw(bytes).is_err());
        assert!(thaw(&[]).is_err());
        assert!(thaw(&bytes[..bytes.len() / 2]).is_err());
        // The texts come last: one byte short, the last text's range runs past the end.
        let good: &'static [u8] = freeze(&kb).unwrap().leak();
        assert!(thaw(good).is_ok());
        assert!(thaw(&good[..good.len() - 1]).is_err());
    }

    #[test]
    fn scripts_lose_their_comments_and_nothing_else() {
        assert_eq!(
            without_comments("// about\nlet a = \"http://x\"; // note\n  a // \"q\"\n"),
            "\nlet a = \"http://x\";\n  a\n"
        );
        assert_eq!(
            without_comments("let s = \"a \\\" // b\";"),
            "let s = \"a \\\" // b\";\n"
        );
        for kept in [
            "let c = '/'; // x",
            "let s = `// ${1}`;",
            "/* a */ let a = 1;",
            "let s = \"a\\\n// b\";",
        ] {
            assert_eq!(without_comments(kept), kept, "{kept}");
        }
        // Every script of the knowledge base compiles to the same program, positions included.
        let (kb, _) = Kb::load(&Source::embedded_parts(super::super::Parts::RUN));
        let sandbox = crate::probe::Sandbox::new(crate::probe::Limits::default());
        let mut stripped = 0;
        for s in kb.scripts.values() {
            let short = without_comments(&s.source);
            stripped += s.source.len() - short.len();
            let (a, b) = (sandbox.compile(&s.source), sandbox.compile(&short));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", s.name);
            assert_eq!(shorter_if_same(&sandbox, &s.source), short, "{}", s.name);
        }
        assert!(stripped > 10_000, "{stripped}");
        // Where stripping would change the program, the script is frozen as written. Rhai reads
        // `//` in a raw string as text; this reader does not know raw strings.
        let raw = "let u = #\"a\"b//c\"#;\nu\n";
        assert_ne!(without_comments(raw), raw);
        assert_eq!(shorter_if_same(&sandbox, raw), raw);
    }

    #[test]
    fn thawed_texts_are_borrowed_from_the_bytes_not_copied() {
        let (kb, _) = Kb::load(&Source::embedded_parts(super::super::Parts::RUN));
        let bytes: &'static [u8] = freeze(&kb).unwrap().leak();
        let back = thaw(bytes).unwrap();
        let within = |s: &str| bytes.as_ptr_range().contains(&s.as_ptr());
        let mut n = 0;
        for node in &back.nodes {
            for (_, s) in node.title.iter() {
                assert!(within(s), "{}: {s}", node.id);
                n += 1;
            }
        }
        assert!(n > 1000, "{n}");
    }
}
