//! JSON Schemas of every kind of knowledge-base file, generated from the very types the loader
//! deserializes into, so an editor's completion and red squiggles (yaml-language-server, mapped
//! in `.vscode/settings.json`) agree with `kb check`. `tokenyar kb schemas DIR` writes them; a
//! test keeps `schemas/` equal to what the types say and validates every shipped file.

use schemars::{JsonSchema, Schema, schema_for};

use super::scenario::Scenario;
use crate::model::{
    CatalogFile, KbMeta, LookupData, RawNode, SoftwareCatalog, SystemsFile, TokensFile,
};

/// One kind of knowledge-base file.
#[derive(Debug, Clone, Copy)]
pub struct FileKind {
    /// The schema's file name under `schemas/`: `<name>.schema.json`.
    pub name: &'static str,
    /// Which files of a KB folder are of this kind (yaml-language-server globs, relative to the
    /// repository root).
    pub globs: &'static [&'static str],
    schema: fn() -> Schema,
}

impl FileKind {
    /// The schema as the JSON text checked into `schemas/` (pretty, one final newline).
    pub fn render(&self) -> String {
        let mut v = serde_json::to_value((self.schema)()).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "$id".into(),
                format!("https://tokenyar.invalid/schemas/{}.schema.json", self.name).into(),
            );
        }
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The schema as a value, for validating.
    pub fn schema(&self) -> serde_json::Value {
        serde_json::to_value((self.schema)()).unwrap_or_default()
    }

    pub fn file_name(&self) -> String {
        format!("{}.schema.json", self.name)
    }
}

fn of<T: JsonSchema>() -> Schema {
    schema_for!(T)
}

/// Every kind, most specific globs first.
pub fn kinds() -> Vec<FileKind> {
    vec![
        FileKind {
            name: "kb-scenario",
            globs: &["kb/*/tests/*.yaml"],
            schema: of::<Scenario>,
        },
        FileKind {
            name: "kb-meta",
            globs: &["kb/kb.yaml"],
            schema: of::<KbMeta>,
        },
        FileKind {
            name: "kb-systems",
            globs: &["kb/systems.yaml"],
            schema: of::<SystemsFile>,
        },
        FileKind {
            name: "kb-tokens",
            globs: &["kb/tokens.yaml"],
            schema: of::<TokensFile>,
        },
        FileKind {
            name: "kb-software",
            globs: &["kb/software.yaml"],
            schema: of::<SoftwareCatalog>,
        },
        FileKind {
            name: "kb-lookup",
            globs: &["kb/lookup.yaml"],
            schema: of::<LookupData>,
        },
        FileKind {
            name: "kb-catalog",
            globs: &["kb/catalog.yaml"],
            schema: of::<CatalogFile>,
        },
        FileKind {
            name: "kb-nodes",
            globs: &["kb/*/*.yaml"],
            schema: of::<Vec<RawNode>>,
        },
    ]
}

/// The kind of a file of a KB source (`kb/setad/root.yaml`), if it is a KB YAML file.
pub fn kind_of(path: &str) -> Option<FileKind> {
    kinds()
        .into_iter()
        .find(|k| k.globs.iter().any(|g| crate::text::wildcard_path(g, path)))
}
