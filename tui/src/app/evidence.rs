//! Evidence as people read it: in words (labels and values in the UI language, dates in both
//! calendars), national ids masked in user mode; the raw `key: value` tree only for a support
//! agent who asks for the details.

use serde_json::Value;
use tokenyar_engine::kb::Body;
use tokenyar_engine::model::Audience;

use super::state::Model;
use crate::dates;

/// Whether the remedy `node` is for support agents only and the app is in user mode.
pub fn hidden_remedy(m: &Model, node: &str) -> bool {
    !m.settings.agent
        && matches!(
            m.kb.node(node).map(|n| &n.body),
            Some(Body::Remedy {
                audience: Audience::Agent,
                ..
            })
        )
}

pub use tokenyar_engine::text::{
    is_national_id, mask_national_ids as mask_text, mask_national_ids_in as mask_value,
};

/// Evidence in words (the engine's renderer, `report::words`), in the UI language, as lines
/// with their depth. In user mode national ids are masked first; a support agent sees them as
/// the evidence keeps them, and the technical detail too. Each value is isolated (FSI … PDI)
/// so a Latin name or a date keeps its place in a Persian line; the BiDi pass strips the marks.
pub fn words(m: &Model, evidence: &serde_json::Map<String, Value>) -> Vec<(usize, String)> {
    let agent = m.settings.agent;
    let masked;
    let ev = if agent {
        evidence
    } else {
        masked = match mask_value(&Value::Object(evidence.clone())) {
            Value::Object(o) => o,
            _ => evidence.clone(),
        };
        &masked
    };
    let w =
        tokenyar_engine::report::words::Words::new(m.i18n.catalog(), Some(&m.kb), m.lang(), agent);
    w.evidence(ev)
        .into_iter()
        .map(|l| {
            let text = match (l.label.is_empty(), l.value.is_empty()) {
                (true, _) => format!("\u{2068}{}\u{2069}", l.value),
                (false, true) => format!("{}:", l.label),
                (false, false) => format!("{}: \u{2068}{}\u{2069}", l.label, l.value),
            };
            (l.depth, text)
        })
        .collect()
}

/// Evidence as `key: value` lines with their nesting depth. Timestamps get both calendars,
/// national ids are masked unless `raw`.
pub fn lines(
    m: &Model,
    evidence: &serde_json::Map<String, Value>,
    raw: bool,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let v = Value::Object(evidence.clone());
    let v = if raw { v } else { mask_value(&v) };
    if let Value::Object(o) = &v {
        for (k, v) in o {
            push_value(m, &mut out, 0, k, v);
        }
    }
    out
}

fn push_value(m: &Model, out: &mut Vec<(usize, String)>, depth: usize, key: &str, v: &Value) {
    match v {
        Value::Object(o) if !o.is_empty() => {
            out.push((depth, format!("{key}:")));
            for (k, v) in o {
                push_value(m, out, depth + 1, k, v);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            out.push((depth, format!("{key}:")));
            for (i, v) in a.iter().enumerate() {
                push_value(m, out, depth + 1, &format!("[{}]", i + 1), v);
            }
        }
        Value::Array(_) => out.push((depth, format!("{key}: —"))),
        Value::String(s) => out.push((depth, format!("{key}: {}", value_text(m, s)))),
        other => out.push((depth, format!("{key}: {other}"))),
    }
}

/// A string value, with a timestamp shown as a date in both calendars.
pub fn value_text(m: &Model, s: &str) -> String {
    match dates::parse_timestamp(s) {
        Some(t) => format!("{} — {s}", dates::both(m.lang(), t.date_naive())),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn national_id_check_digit() {
        // Valid: 0499370899 (a common test example), invalid: its last digit changed.
        assert!(is_national_id("0499370899"));
        assert!(!is_national_id("0499370898"));
        assert!(!is_national_id("1111111111"));
        assert!(!is_national_id("049937089"));
    }

    #[test]
    fn masks_ids_in_text_and_under_id_keys() {
        assert_eq!(mask_text("id 0499370899 ok"), "id ••••••0899 ok");
        // A serial number that is not a national id stays.
        assert_eq!(mask_text("2A0B11C2D3E4F506"), "2A0B11C2D3E4F506");
        assert_eq!(mask_text("12345678901"), "12345678901");
        let v = mask_value(&json!({"subject": {"serialNumber": "0076543210", "CN": "Sara"}}));
        assert_eq!(v["subject"]["serialNumber"], json!("••••••3210"));
        assert_eq!(v["subject"]["CN"], json!("Sara"));
    }
}
