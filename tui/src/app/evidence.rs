//! Evidence as people read it: in user mode national ids are masked (all but the last four
//! digits) and dates are shown in both calendars; in agent mode values are raw.

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

/// Whether ten digits are a valid Iranian national id (the check digit of the national code).
pub fn is_national_id(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 10 || digits.chars().count() != 10 {
        return false;
    }
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let sum: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum();
    let r = sum % 11;
    let check = d[9];
    if r < 2 { check == r } else { check == 11 - r }
}

/// Masks all but the last four digits of every national id in a text (a run of exactly ten
/// digits with a valid check digit), and everything under keys that name one.
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if is_national_id(&run) {
                out.push_str(&mask_all_but(&run, 4));
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn mask_all_but(s: &str, keep: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i + keep < n { '•' } else { c })
        .collect()
}

/// Keys whose values are national ids whatever they look like (the X.509 subject's
/// serialNumber carries the national id on Iranian certificates).
fn id_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "serialnumber" || k == "serial_number" || k.contains("national")
}

/// Masks national ids anywhere in a JSON value.
pub fn mask_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(mask_text(s)),
        Value::Array(a) => Value::Array(a.iter().map(mask_value).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if id_key(k) => Value::String(mask_all_but(s, 4)),
                        Value::Number(n) if id_key(k) => {
                            Value::String(mask_all_but(&n.to_string(), 4))
                        }
                        other => mask_value(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
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
