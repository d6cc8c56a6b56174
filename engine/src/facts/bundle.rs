//! Diagnosis bundles: every fact a run read, recorded on one machine and replayed on another.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Fact;

/// The `format` field every bundle carries, so a stray JSON file is told apart from a bundle.
pub const FORMAT: &str = "tokenyar-bundle";
/// The newest bundle version this build reads and the one it writes. Older ones still load.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub tool_version: Option<String>,
    #[serde(default)]
    pub kb_version: Option<String>,
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    /// Whether personal data (national ids, user and host names) was replaced by placeholders.
    #[serde(default)]
    pub redacted: bool,
    pub facts: BTreeMap<String, Fact>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    #[error("{path}:{line}:{col}: not a valid bundle: {message}")]
    Json {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: not a tokenyar bundle (its `format` is {found:?}, expected {FORMAT:?})")]
    NotBundle { path: String, found: String },
    #[error(
        "{path}: this bundle is version {found}, newer than this tokenyar understands (up to {VERSION}); update tokenyar to read it"
    )]
    FromTheFuture { path: String, found: u32 },
}

impl Bundle {
    pub fn new(facts: BTreeMap<String, Fact>, kb_version: &str, redacted: bool) -> Bundle {
        Bundle {
            format: FORMAT.into(),
            version: VERSION,
            tool_version: Some(crate::VERSION.into()),
            kb_version: Some(kb_version.into()),
            created: Some(Utc::now()),
            redacted,
            facts,
        }
    }

    pub fn read(path: &Path) -> Result<Bundle, BundleError> {
        let name = path.display().to_string();
        let text = crate::files::read_text(path, crate::files::MAX_BUNDLE_BYTES, "bundle")?;
        Bundle::parse(&text, &name)
    }

    /// Parses a bundle, checking format and version before the rest so that a bundle from a
    /// newer tokenyar is refused with that reason, not with a confusing field error.
    pub fn parse(text: &str, name: &str) -> Result<Bundle, BundleError> {
        use crate::versioned::{Refusal, parse};
        parse(text, FORMAT, VERSION).map_err(|r| match r {
            Refusal::Json { line, col, message } => BundleError::Json {
                path: name.into(),
                line,
                col,
                message,
            },
            Refusal::WrongFormat { found } => BundleError::NotBundle {
                path: name.into(),
                found,
            },
            Refusal::FromTheFuture { found } => BundleError::FromTheFuture {
                path: name.into(),
                found,
            },
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_bundle_from_the_future() {
        let e = Bundle::parse(
            r#"{"format":"tokenyar-bundle","version":99,"facts":{},"new_thing":1}"#,
            "b.json",
        )
        .unwrap_err();
        assert!(
            matches!(e, BundleError::FromTheFuture { found: 99, .. }),
            "{e}"
        );
    }

    #[test]
    fn reports_line_of_a_broken_bundle() {
        let e = Bundle::parse("{\"format\":\"tokenyar-bundle\",\n\"version\":1,\n\"facts\": {\"clock\": {\"value\": }}}", "b.json")
            .unwrap_err();
        match e {
            BundleError::Json { line, .. } => assert_eq!(line, 3),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn unknown_fields_are_errors_with_position() {
        let e = Bundle::parse(
            "{\"format\":\"tokenyar-bundle\",\"version\":1,\n\"facts\":{},\"extra\":1}",
            "b.json",
        )
        .unwrap_err();
        assert!(matches!(e, BundleError::Json { line: 2, .. }), "{e}");
    }

    #[test]
    fn round_trips() {
        let mut facts = BTreeMap::new();
        facts.insert(
            "clock".to_string(),
            Fact::Value(serde_json::json!({"now": "2025-01-01T00:00:00Z"})),
        );
        facts.insert(
            "os.registry".to_string(),
            Fact::NotApplicable("not Windows".into()),
        );
        let b = Bundle::new(facts, "test", true);
        let back = Bundle::parse(&b.to_json(), "x").unwrap();
        assert_eq!(back.facts, b.facts);
    }
}
