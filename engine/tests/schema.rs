//! The JSON Schemas under `schemas/` are what the loader's types say (no drift), the editor
//! mapping in `.vscode/settings.json` names each of them, and every file of the shipped knowledge
//! base validates against the schema of its kind; a misspelt field does not.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tokenyar_engine::authoring::schema::{FileKind, kind_of, kinds};
use tokenyar_engine::kb::{Source, yaml};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn as_json(text: &str) -> Value {
    let doc = yaml::parse(text).unwrap();
    serde_json::to_value(&doc.value).unwrap()
}

fn validator(kind: &FileKind) -> jsonschema::Validator {
    jsonschema::validator_for(&kind.schema()).unwrap()
}

#[test]
fn checked_in_schemas_are_what_the_types_say() {
    let mut stale = Vec::new();
    for kind in kinds() {
        let path = root().join("schemas").join(kind.file_name());
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != kind.render() {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "these schemas differ from the KB types; regenerate them with \
         `cargo run -p tokenyar -- kb schemas schemas`: {stale:?}"
    );
}

#[test]
fn the_editor_mapping_names_every_schema_with_its_globs() {
    let text = std::fs::read_to_string(root().join(".vscode/settings.json")).unwrap();
    let settings: Value = serde_json::from_str(&text).unwrap();
    let map = settings["yaml.schemas"].as_object().unwrap();
    assert_eq!(map.len(), kinds().len());
    for kind in kinds() {
        let globs = &map[&format!("./schemas/{}", kind.file_name())];
        let globs: Vec<&str> = globs
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert_eq!(globs, kind.globs, "{}", kind.name);
    }
}

#[test]
fn every_shipped_kb_file_validates_against_its_schema() {
    let source = Source::from_dir(&root().join("kb")).unwrap();
    let mut checked = 0;
    let mut errors = Vec::new();
    for (path, text) in &source.files {
        if !path.ends_with(".yaml") {
            continue;
        }
        let kind = kind_of(path).unwrap_or_else(|| panic!("{path} has no schema"));
        let v = validator(&kind);
        let value = as_json(text);
        for e in v.iter_errors(&value) {
            errors.push(format!("{path}: {} at {}", e, e.instance_path()));
        }
        checked += 1;
    }
    assert!(errors.is_empty(), "{errors:#?}");
    // Every kind is exercised: the shipped KB has node files, scenarios and each data file.
    assert!(checked > 100, "only {checked} files checked");
}

#[test]
fn a_misspelt_field_or_a_wrong_value_fails_validation() {
    let nodes = kind_of("kb/setad/root.yaml").unwrap();
    assert_eq!(nodes.name, "kb-nodes");
    let v = validator(&nodes);
    let good = as_json("- id: a/b\n  kind: info\n  title: {fa: x, en: y}\n");
    assert!(v.is_valid(&good));
    assert!(!v.is_valid(&as_json(
        "- id: a/b\n  kind: info\n  titel: {fa: x, en: y}\n"
    )));
    assert!(!v.is_valid(&as_json("- id: a/b\n  kind: infoo\n")));
    let tokens = validator(&kind_of("kb/tokens.yaml").unwrap());
    assert!(!tokens.is_valid(&as_json(
        "models:\n  - id: x\n    name: X\n    modules:\n      - {os: windows, dirs: [a], files: [b], couse: c}\n"
    )));
    let scenario = validator(&kind_of("kb/setad/tests/x.yaml").unwrap());
    assert!(!scenario.is_valid(&as_json("name: n\nexpect: {cases: [a]}\nanswer: {}\n")));
}
