//! Loading a knowledge base: YAML files to checked types, with a position for everything.
//!
//! Loading never stops at the first mistake: every file and every node is read on its own and
//! each problem becomes a [`Diagnostic`]; what could be read is kept, so `kb check` reports all
//! mistakes in one run and the tool still works around a broken node.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;

use super::diag::{Code, Diagnostic};
use super::source::Source;
use super::yaml::{self, Document, LineCol};
use crate::model::*;
use crate::probe::{FactReads, KbData, fact_reads};

/// A probe script, as text: the knowledge base is plain data. The probe layer compiles a script
/// when a run first needs it (`probe::Programs`), so loading compiles nothing.
#[derive(Debug, Clone)]
pub struct Script {
    /// Relative to `scripts/`: `cert/expired.rhai`.
    pub name: String,
    pub source: Arc<str>,
    pub pos: Pos,
    /// The facts it reads (found by scanning its text), so a live diagnosis gathers only those.
    pub reads: FactReads,
}

/// A scenario test file, kept as text; `scenario` parses and runs it.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub path: String,
    pub system: String,
    pub text: String,
}

/// A loaded knowledge base.
pub struct Kb {
    pub meta: KbMeta,
    /// The declared version plus a digest of the content, so two different KBs never share one.
    pub version: String,
    pub nodes: Vec<Node>,
    pub(super) index: HashMap<String, usize>,
    pub systems: Vec<System>,
    pub catalog: Vec<CatalogCase>,
    pub scripts: BTreeMap<String, Script>,
    pub scenarios: Vec<ScenarioFile>,
    /// Other files under `kb/*/tests/` (bundles that scenarios name), by path.
    pub test_data: BTreeMap<String, String>,
    pub certificate_types: Vec<CertificateType>,
    /// `kb/tokens.yaml`: token models, module locations, error causes, trust anchors.
    pub tokens: Arc<TokensFile>,
    /// `kb/software.yaml`: how programs, Dastine, time servers and VPNs are recognised.
    pub software: Arc<SoftwareCatalog>,
    /// `kb/lookup.yaml`: the lookup's language data.
    pub lookup: LookupData,
    /// The typed data above as one JSON view for scripts (`kb_data`), built when a script
    /// first asks (see [`Kb::data`]).
    pub(crate) data: OnceLock<KbData>,
    pub origin: String,
}

impl std::fmt::Debug for Kb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kb")
            .field("version", &self.version)
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

impl Kb {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.position(id).map(|i| &self.nodes[i])
    }

    /// Where the node `id` is in `nodes`.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn system(&self, id: &str) -> Option<&System> {
        self.systems.iter().find(|s| s.id == id)
    }

    pub fn script(&self, name: &str) -> Option<&Script> {
        self.scripts.get(name)
    }

    /// The typed data files as one JSON view, which scripts read (`kb_data("systems")`); built
    /// the first time a script asks, then shared by every run.
    pub(crate) fn data(&self) -> &KbData {
        self.data.get_or_init(|| {
            // Serializing our own types cannot fail, and a default would hide a bug, hence
            // `json` below.
            let mut data = serde_json::Map::new();
            data.insert("systems".into(), json(&self.systems));
            data.insert("certificate_types".into(), json(&self.certificate_types));
            data.insert("tokens".into(), json(&*self.tokens));
            data.insert("lookup".into(), json(&self.lookup));
            data.insert("software".into(), json(&*self.software));
            data.insert("kb".into(), json(&self.meta));
            Arc::new(crate::probe::KbTables::new(data))
        })
    }

    /// Loads and reports every problem found while reading. Graph rules (and whether scripts
    /// compile) are in `check`.
    pub fn load(source: &Source) -> (Kb, Vec<Diagnostic>) {
        let mut l = Loader {
            diags: Vec::new(),
            trusted: source.trusted,
        };
        let meta = l.single::<KbMeta>(source, "kb/kb.yaml").unwrap_or(KbMeta {
            version: "0".into(),
            support: None,
            risk_words: Default::default(),
            wording: Vec::new(),
            it_helped: Vec::new(),
        });
        let systems_file = l.single::<SystemsFile>(source, "kb/systems.yaml");
        let tokens = l.tokens(source).unwrap_or_default();
        // The lookup's language data (stop words, spellings, synonyms); optional.
        let lookup: LookupData = source
            .get("kb/lookup.yaml")
            .and_then(|_| l.single::<LookupData>(source, "kb/lookup.yaml"))
            .unwrap_or_default();
        let software = l.software(source).unwrap_or_default();
        let catalog: Vec<CatalogCase> = l
            .single::<CatalogFile>(source, "kb/catalog.yaml")
            .map(|c| c.cases)
            .unwrap_or_default();

        let mut systems = Vec::new();
        let mut certificate_types = Vec::new();
        if let Some(sf) = systems_file {
            if l.trusted {
                // Positions are for the checker's messages; a trusted source gets none.
                systems = sf.systems;
            } else if let Some(doc) = source
                .get("kb/systems.yaml")
                .and_then(|t| yaml::parse(t).ok())
            {
                let file: Arc<str> = Arc::from("kb/systems.yaml");
                systems = sf
                    .systems
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut s)| {
                        s.pos = Some(Pos::new(&file, doc.nearest(&format!(".systems[{i}]"))));
                        s
                    })
                    .collect();
            }
            certificate_types = sf.certificate_types;
        }

        let mut nodes: Vec<Node> = Vec::new();
        let mut scenarios = Vec::new();
        let mut scripts = BTreeMap::new();
        let mut test_data = BTreeMap::new();
        for (path, text) in &source.files {
            let parts: Vec<&str> = path.split('/').collect();
            match parts.as_slice() {
                ["kb", system, "tests", ..] if is_yaml(path) => scenarios.push(ScenarioFile {
                    path: path.clone(),
                    system: system.to_string(),
                    text: text.clone(),
                }),
                ["kb", _, "tests", ..] => {
                    test_data.insert(path.clone(), text.clone());
                }
                ["kb", _system, file] if is_yaml(file) => l.node_file(path, text, &mut nodes),
                ["scripts", rest @ ..] if path.ends_with(".rhai") => {
                    let name = rest.join("/");
                    let script = Script {
                        pos: Pos {
                            file: Arc::from(path.as_str()),
                            line: 1,
                            col: 1,
                        },
                        reads: fact_reads(text),
                        source: Arc::from(text.as_str()),
                        name: name.clone(),
                    };
                    scripts.insert(name, script);
                }
                _ => {}
            }
        }

        let mut index = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Some(&first) = index.get(&n.id) {
                let first: &Node = &nodes[first];
                l.diags.push(Diagnostic::new(
                    Code::E003Duplicate,
                    &n.pos,
                    Some(&n.id),
                    format!(
                        "the id `{}` is used twice; it was first defined at {}",
                        n.id, first.pos
                    ),
                ));
            } else {
                index.insert(n.id.clone(), i);
            }
        }

        let digest = source.digest.clone().unwrap_or_else(|| {
            super::source::content_digest(
                source.files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
            )
        });
        let version = format!("{}+{digest}", meta.version);
        let kb = Kb {
            meta,
            version,
            nodes,
            index,
            systems,
            certificate_types,
            tokens: Arc::new(tokens),
            software: Arc::new(software),
            lookup,
            catalog,
            scripts,
            scenarios,
            test_data,
            data: OnceLock::new(),
            origin: source.origin.clone(),
        };
        (kb, l.diags)
    }
}

/// Each node id's position in `nodes` (the first node, when an id is used twice).
pub(super) fn first_index(nodes: &[Node]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        index.entry(n.id.clone()).or_insert(i);
    }
    index
}

/// `kb/tokens.yaml` alone, without loading the rest: what a token read started before the
/// knowledge base loads needs. Empty when it is missing or broken (loading the whole base
/// reports why).
pub fn tokens_only(source: &Source) -> TokensFile {
    let mut l = Loader {
        diags: Vec::new(),
        trusted: source.trusted,
    };
    l.tokens(source).unwrap_or_default()
}

/// Our own data as JSON; it has no maps with non-string keys, so this cannot fail.
fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn is_yaml(p: &str) -> bool {
    p.ends_with(".yaml") || p.ends_with(".yml")
}

struct Loader {
    diags: Vec<Diagnostic>,
    /// The source was checked before it was embedded: no positions, no data-file rules.
    trusted: bool,
}

impl Loader {
    fn err(&mut self, code: Code, file: &Arc<str>, at: LineCol, node: Option<&str>, msg: String) {
        self.diags
            .push(Diagnostic::new(code, &Pos::new(file, at), node, msg));
    }

    fn parse_doc(&mut self, path: &str, text: &str) -> Option<Document> {
        match yaml::parse_with(text, !self.trusted) {
            Ok(d) => Some(d),
            Err(e) => {
                let file: Arc<str> = Arc::from(path);
                self.err(
                    Code::E001Syntax,
                    &file,
                    e.at,
                    None,
                    format!("this is not valid YAML: {}", e.message),
                );
                None
            }
        }
    }

    /// A whole-file document (`systems.yaml` and the like).
    fn single<T: DeserializeOwned>(&mut self, source: &Source, path: &str) -> Option<T> {
        let file: Arc<str> = Arc::from(path);
        let Some(text) = source.get(path) else {
            self.err(
                Code::E002Schema,
                &file,
                LineCol { line: 1, col: 1 },
                None,
                format!("the file {path} is missing"),
            );
            return None;
        };
        let doc = self.parse_doc(path, text)?;
        match yaml::from_value::<T>(doc.value.clone()) {
            Ok(v) => Some(v),
            Err((p, msg)) => {
                let at = doc.nearest(&yaml::join("", &p));
                self.err(Code::E002Schema, &file, at, None, describe(&p, &msg));
                None
            }
        }
    }

    /// `kb/software.yaml` (optional).
    fn software(&mut self, source: &Source) -> Option<SoftwareCatalog> {
        const PATH: &str = "kb/software.yaml";
        source.get(PATH)?;
        let cat = self.single::<SoftwareCatalog>(source, PATH)?;
        if !self.trusted {
            self.problems(source, PATH, cat.problems());
        }
        Some(cat)
    }

    /// `kb/tokens.yaml`.
    fn tokens(&mut self, source: &Source) -> Option<TokensFile> {
        const PATH: &str = "kb/tokens.yaml";
        let t = self.single::<TokensFile>(source, PATH)?;
        if !self.trusted {
            self.problems(source, PATH, t.problems());
        }
        Some(t)
    }

    /// Reports a data file's own problems (what serde cannot see) at the values they are about.
    fn problems(&mut self, source: &Source, path: &str, problems: Vec<(String, String)>) {
        if problems.is_empty() {
            return;
        }
        let file: Arc<str> = Arc::from(path);
        if let Some(doc) = source.get(path).and_then(|t| yaml::parse(t).ok()) {
            for (path, msg) in problems {
                let at = doc.nearest(&path);
                self.err(
                    Code::E002Schema,
                    &file,
                    at,
                    None,
                    format!("{msg} (at `{path}`)"),
                );
            }
        }
    }

    /// A file of nodes: a YAML sequence, each item one node.
    fn node_file(&mut self, path: &str, text: &str, out: &mut Vec<Node>) {
        let file: Arc<str> = Arc::from(path);
        let Some(mut doc) = self.parse_doc(path, text) else {
            return;
        };
        let items = match std::mem::take(&mut doc.value) {
            yaml::Value::Sequence(s) => s,
            yaml::Value::Null => return,
            _ => {
                self.err(
                    Code::E002Schema,
                    &file,
                    LineCol { line: 1, col: 1 },
                    None,
                    "a node file must be a list of nodes (each item starting with `- id:`)".into(),
                );
                return;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let base = format!("[{i}]");
            let id_hint = item.get("id").and_then(|v| v.as_str()).map(str::to_string);
            let raw: RawNode = match yaml::from_value(item) {
                Ok(r) => r,
                Err((p, msg)) => {
                    let at = doc.nearest(&yaml::join(&base, &p));
                    self.err(
                        Code::E002Schema,
                        &file,
                        at,
                        id_hint.as_deref(),
                        describe(&p, &msg),
                    );
                    continue;
                }
            };
            if let Some(node) = self.convert(raw, &file, &doc, &base) {
                out.push(node);
            }
        }
    }

    /// Checks which fields this kind allows and builds the typed node.
    fn convert(&mut self, r: RawNode, file: &Arc<str>, doc: &Document, base: &str) -> Option<Node> {
        let pos = Pos::new(file, doc.nearest(base));
        let mut field_pos = BTreeMap::new();
        // A trusted source has no positions to record.
        let fields: &[&str] = if self.trusted {
            &[]
        } else {
            &[
                "id",
                "case",
                "title",
                "text",
                "check",
                "next",
                "auto",
                "script",
                "args",
                "verify",
                "unresolved",
                "escalate",
                "steps",
                "choices",
                "messages",
                "codes",
                "outcomes.ok",
                "outcomes.warn",
                "outcomes.fail",
                "outcomes.unknown",
            ]
        };
        for field in fields {
            if let Some(at) = doc.position(&yaml::join(base, field)) {
                field_pos.insert(field.to_string(), Pos::new(file, at));
            }
        }
        for (i, _) in r
            .choices
            .iter()
            .flatten()
            .enumerate()
            .filter(|_| !self.trusted)
        {
            let f = format!("choices[{i}].next");
            if let Some(at) = doc.position(&yaml::join(base, &f)) {
                field_pos.insert(f, Pos::new(file, at));
            }
        }
        // Each argument's own line, so E020 points at the misspelt key.
        for key in r
            .args
            .iter()
            .flatten()
            .map(|(k, _)| k)
            .filter(|_| !self.trusted)
        {
            let f = format!("args.{key}");
            if let Some(at) = doc.position(&yaml::join(base, &f)) {
                field_pos.insert(f, Pos::new(file, at));
            }
        }
        let kind = r.kind;
        let id = r.id.clone();
        let bad = |this: &mut Loader, field: &str| {
            let at = doc.nearest(&format!("{}#key", yaml::join(base, field)));
            this.err(
                Code::E002Schema,
                file,
                at,
                Some(&id),
                format!(
                    "the field `{field}` does not belong on a {} node",
                    kind.name()
                ),
            );
        };
        let present = |name: &str| -> bool {
            match name {
                "messages" => r.messages.is_some(),
                "codes" => r.codes.is_some(),
                "keywords" => r.keywords.is_some(),
                "check" => r.check.is_some(),
                "severity" => r.severity.is_some(),
                "next" => r.next.is_some(),
                "choices" => r.choices.is_some(),
                "auto" => r.auto.is_some(),
                "script" => r.script.is_some(),
                "args" => r.args.is_some(),
                "outcomes" => r.outcomes.is_some(),
                "steps" => r.steps.is_some(),
                "verify" => r.verify.is_some(),
                "unresolved" => r.unresolved.is_some(),
                "escalate" => r.escalate.is_some(),
                "audience" => r.audience.is_some(),
                "risk" => r.risk.is_some(),
                "revert" => r.revert.is_some(),
                _ => false,
            }
        };
        let allowed: &[&str] = match kind {
            Kind::Symptom => &["messages", "codes", "keywords", "check", "severity", "next"],
            Kind::Question => &["choices", "auto"],
            Kind::Probe => &["script", "args", "outcomes"],
            Kind::Remedy => &[
                "steps",
                "verify",
                "unresolved",
                "escalate",
                "audience",
                "risk",
                "revert",
            ],
            Kind::Info | Kind::Guide => &["next"],
        };
        let all = [
            "messages",
            "codes",
            "keywords",
            "check",
            "severity",
            "next",
            "choices",
            "auto",
            "script",
            "args",
            "outcomes",
            "steps",
            "verify",
            "unresolved",
            "escalate",
            "audience",
            "risk",
            "revert",
        ];
        for f in all {
            if present(f) && !allowed.contains(&f) {
                bad(self, f);
            }
        }
        let require = |this: &mut Loader, ok: bool, field: &str| {
            if !ok {
                this.err(
                    Code::E002Schema,
                    file,
                    pos_at(doc, base),
                    Some(&r.id),
                    format!("a {} node needs the field `{field}`", kind.name()),
                );
            }
        };
        if kind != Kind::Probe {
            require(self, r.title.is_some(), "title");
        }
        let body = match kind {
            Kind::Symptom => Body::Symptom {
                messages: r.messages.unwrap_or_default(),
                codes: r.codes.unwrap_or_default(),
                keywords: r.keywords.unwrap_or_default(),
                check: r.check,
                severity: r.severity.unwrap_or_default(),
                next: r.next,
            },
            Kind::Question => {
                require(self, r.text.is_some() || r.title.is_some(), "text");
                require(
                    self,
                    r.choices.as_ref().is_some_and(|c| !c.is_empty()),
                    "choices",
                );
                Body::Question {
                    choices: r
                        .choices
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| Choice {
                            text: c.text,
                            next: c.next,
                            when: c.when,
                        })
                        .collect(),
                    auto: r.auto,
                }
            }
            Kind::Probe => {
                require(self, r.script.is_some(), "script");
                require(self, r.outcomes.is_some() || r.title.is_some(), "outcomes");
                Body::Probe {
                    script: r.script.unwrap_or_default(),
                    args: r.args.unwrap_or_default(),
                    outcomes: r.outcomes.unwrap_or_default(),
                }
            }
            Kind::Remedy => {
                require(
                    self,
                    r.steps.as_ref().is_some_and(|s| !s.is_empty()),
                    "steps",
                );
                // A remedy's way back is shown as its last steps.
                let mut steps = r.steps.unwrap_or_default();
                steps.extend(r.revert.iter().flatten().cloned());
                Body::Remedy {
                    steps,
                    verify: r.verify,
                    unresolved: r.unresolved,
                    escalate: r.escalate,
                    audience: r.audience.unwrap_or_default(),
                    risk: r.risk,
                    revert: r.revert.unwrap_or_default(),
                }
            }
            Kind::Info | Kind::Guide => Body::Info { next: r.next },
        };
        let system = r.id.split('/').next().unwrap_or_default().to_string();
        Some(Node {
            id: r.id,
            kind,
            system,
            case: r.case,
            confidence: r.confidence,
            title: r.title.unwrap_or_default(),
            text: r.text,
            body,
            pos,
            field_pos,
        })
    }
}

fn pos_at(doc: &Document, base: &str) -> LineCol {
    doc.nearest(base)
}

fn describe(path: &str, msg: &str) -> String {
    if path.is_empty() {
        msg.to_string()
    } else {
        format!("{msg} (at `{path}`)")
    }
}
