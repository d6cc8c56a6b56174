//! Text arguments: words of a node's text that depend on the machine. A remedy writes
//! `{token_software}` where it names the token's software, and the walk fills in the software of
//! the token model the probes found (`kb/tokens.yaml`: each model's `texts`, and the top-level
//! `texts` for a model not known). Knowledge stays data: the names and sites are in tokens.yaml,
//! the model comes from the evidence (`token_model`, which the token probes report).

use std::collections::BTreeMap;

use serde_json::Value;

use super::session::Evidence;
use crate::kb::Kb;
use crate::model::{Lang, Text};

/// The evidence key token probes report the model under (a `kb/tokens.yaml` id).
pub(crate) const MODEL_KEY: &str = "token_model";

/// The values of the text arguments for one walk or diagnosis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextArgs {
    /// The token model they were chosen for, when known.
    pub model: Option<String>,
    values: BTreeMap<String, Text>,
}

impl TextArgs {
    /// The arguments for a token model (`None`: not known).
    pub(crate) fn for_model(kb: &Kb, model: Option<&str>) -> TextArgs {
        let mut values = kb.tokens.texts.clone();
        let found = model.and_then(|m| kb.tokens.models.iter().find(|t| t.id == m));
        if let Some(m) = found {
            values.extend(m.texts.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        TextArgs {
            model: found.map(|m| m.id.clone()),
            values,
        }
    }

    /// The arguments for the token model the latest probe result names (`token_model` in its
    /// evidence), or for an unknown model.
    pub fn from_evidence(kb: &Kb, evidence: &[Evidence]) -> TextArgs {
        let model = evidence
            .iter()
            .rev()
            .find_map(|e| model_in(&e.result.evidence));
        TextArgs::for_model(kb, model)
    }

    /// The same, from plain probe evidence maps (a diagnosis's checks).
    pub(crate) fn from_maps<'a>(
        kb: &Kb,
        maps: impl DoubleEndedIterator<Item = &'a serde_json::Map<String, Value>>,
    ) -> TextArgs {
        let model = maps.rev().find_map(model_in);
        TextArgs::for_model(kb, model)
    }

    /// `t` with every `{name}` of a known argument replaced, in each language.
    pub fn fill(&self, t: &Text) -> Text {
        if t.iter().all(|(_, s)| !s.contains('{')) {
            return t.clone();
        }
        let one = |lang: Lang, s: &str| {
            let mut out = s.to_string();
            for (k, v) in &self.values {
                let key = format!("{{{k}}}");
                if out.contains(&key) {
                    out = out.replace(&key, v.get(lang));
                }
            }
            out
        };
        t.map_lang(one)
    }

    /// [`TextArgs::fill`] over a list.
    pub(crate) fn fill_all(&self, ts: &[Text]) -> Vec<Text> {
        ts.iter().map(|t| self.fill(t)).collect()
    }
}

fn model_in(ev: &serde_json::Map<String, Value>) -> Option<&str> {
    ev.get(MODEL_KEY).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::kb::Source;

    fn evidence(model: Option<&str>) -> Evidence {
        let mut ev = serde_json::Map::new();
        if let Some(m) = model {
            ev.insert(MODEL_KEY.into(), Value::String(m.into()));
        }
        Evidence {
            probe: "general/probe/token-detected".into(),
            for_node: "x".into(),
            result: crate::probe::ProbeResult {
                status: crate::model::Status::Ok,
                evidence: ev,
                note: None,
                reason: None,
                not_applicable: false,
                facts_read: Vec::new(),
                at: chrono::Utc::now(),
                elapsed_ms: 0,
            },
            step: None,
        }
    }

    #[test]
    fn each_model_names_its_own_software_and_an_unknown_one_a_generic_name() {
        let (kb, _) = Kb::load(&Source::embedded());
        let t = Text::new(
            "{token_software} را حذف کنید",
            "Uninstall {token_software} from {token_software_site}.",
        );
        let filled = |m: Option<&str>| TextArgs::from_evidence(&kb, &[evidence(m)]).fill(&t);
        let e3 = filled(Some("epass3003"));
        assert!(
            e3.get(Lang::En).contains("epass3003 Token Manager")
                && e3.get(Lang::En).contains("rsa.ir"),
            "{e3:?}"
        );
        let e2 = filled(Some("epass2003"));
        assert!(
            e2.get(Lang::En).contains("ePass2003 Token Manager"),
            "{e2:?}"
        );
        assert!(
            !e2.get(Lang::En).contains("rsa.ir") && !e2.get(Lang::Fa).contains('{'),
            "{e2:?}"
        );
        let sn = filled(Some("safenet-etoken"));
        assert!(
            sn.get(Lang::En).contains("SafeNet Authentication Client"),
            "{sn:?}"
        );
        for unknown in [None, Some("no-such-model")] {
            let u = filled(unknown);
            assert!(
                u.get(Lang::En)
                    .starts_with("Uninstall the token's management software"),
                "{u:?}"
            );
            assert!(
                !u.get(Lang::En).contains('{') && !u.get(Lang::Fa).contains('{'),
                "{u:?}"
            );
        }
        // The latest probe that names a model wins.
        let later = TextArgs::from_evidence(
            &kb,
            &[
                evidence(Some("epass3003")),
                evidence(None),
                evidence(Some("epass2003")),
            ],
        );
        assert_eq!(later.model.as_deref(), Some("epass2003"));
        // A text with no argument is left alone.
        let plain = Text::new("الف", "a {b");
        assert_eq!(later.fill(&plain), plain);
    }
}
