//! tokenyar's own JSON files (bundles, saved sessions) carry `format` and `version`. Reading one
//! checks those two first, so a stray JSON file or one from a newer tokenyar is refused with that
//! reason rather than with a confusing field error; field errors keep their line and column.

use serde::de::DeserializeOwned;

/// Why a versioned file was refused, before the caller names the file.
#[derive(Debug)]
pub enum Refusal {
    Json {
        line: usize,
        col: usize,
        message: String,
    },
    WrongFormat {
        found: String,
    },
    FromTheFuture {
        found: u32,
    },
}

pub fn parse<T: DeserializeOwned>(text: &str, format: &str, version: u32) -> Result<T, Refusal> {
    let json = |e: serde_json::Error| {
        let msg = e.to_string();
        Refusal::Json {
            line: e.line(),
            col: e.column(),
            message: msg
                .find(" at line ")
                .map_or(msg.clone(), |i| msg[..i].to_string()),
        }
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(json)?;
    let found = value
        .get("format")
        .and_then(|f| f.as_str())
        .unwrap_or_default();
    if found != format {
        return Err(Refusal::WrongFormat {
            found: found.into(),
        });
    }
    if let Some(v) = value.get("version").and_then(|v| v.as_u64())
        && v > u64::from(version)
    {
        return Err(Refusal::FromTheFuture {
            found: v.min(u64::from(u32::MAX)) as u32,
        });
    }
    // Parse the text again (not the value) so field errors keep their line and column.
    serde_json::from_str(text).map_err(json)
}
