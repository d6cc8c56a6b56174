//! `kb/tokens.yaml`: token models and where their PKCS#11 modules live on each OS, what each
//! PKCS#11 error means, the errors tokenyar reports itself while reading a module, and the trust
//! anchors certificates must chain to. Deserialized once at load; token discovery and the
//! probe scripts (`kb_data("tokens")`) read this, never the YAML again.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::nodes::{Confidence, Lang, Text};

/// The whole file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokensFile {
    /// Token models, in the order discovery tries them.
    #[serde(default)]
    pub models: Vec<TokenModel>,
    /// What each PKCS#11 return code means to a user, by its `CKR_*` name.
    #[serde(default)]
    pub pkcs11_errors: BTreeMap<String, Pkcs11Error>,
    /// Errors tokenyar reports itself while reading a module (`timeout`, `crashed`, ...).
    #[serde(default)]
    pub reader_errors: BTreeMap<String, ReaderError>,
    /// Trust anchors, by id.
    #[serde(default)]
    pub trust: BTreeMap<String, TrustAnchor>,
    /// Text arguments of node texts (`{token_software}` in a remedy's steps), for a token whose
    /// model is not known; each model's own `texts` replace them for that model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, Text>,
}

/// One token model.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenModel {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// USB `vendor:product` ids in lower-case hex (`096e:0702`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usb: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_certificates: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pin_tries: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_pin_tries: Option<u32>,
    /// The vendor software this model needs: a `kb/software.yaml` program id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    /// `software` for modules that emulate tokens (their empty slots are not tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ModelKind>,
    #[serde(default)]
    pub modules: Vec<ModuleLocation>,
    /// This model's values of the text arguments (`token_software`, `token_software_site`):
    /// remedies name the software of the model the machine found.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    Hardware,
    Software,
}

/// The operating systems a module list can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Windows,
    Linux,
    Macos,
}

impl Os {
    pub fn name(self) -> &'static str {
        match self {
            Os::Windows => "windows",
            Os::Linux => "linux",
            Os::Macos => "macos",
        }
    }
}

/// Where one set of module files may be on one OS.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleLocation {
    pub os: Os,
    /// Folders; `%VAR%`, `$VAR` and `${VAR}` are expanded, either slash separates.
    pub dirs: Vec<String>,
    /// File names; `*` and `?` match any text, case-insensitively.
    pub files: Vec<String>,
    /// 32 for 32-bit modules (which a 64-bit tokenyar reports but cannot load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
    #[serde(default)]
    pub confidence: Confidence,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Error {
    /// The numeric `CK_RV`.
    pub value: u64,
    pub cause: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReaderError {
    pub cause: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustAnchor {
    pub name: Text,
    pub subject: String,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    pub subject_key_id: String,
    /// The certificate, relative to `kb/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pem: Option<String>,
    #[serde(default)]
    pub confidence: Confidence,
}

impl TokensFile {
    /// Problems serde cannot see, each with the path of the value it is about.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, m) in self.models.iter().enumerate() {
            if !seen.insert(m.id.as_str()) {
                out.push((
                    format!(".models[{i}].id"),
                    format!("the model id `{}` is used twice", m.id),
                ));
            }
            for (j, u) in m.usb.iter().enumerate() {
                let ok = u.len() == 9
                    && u.as_bytes()[4] == b':'
                    && u.chars()
                        .enumerate()
                        .all(|(k, c)| k == 4 || matches!(c, '0'..='9' | 'a'..='f'));
                if !ok {
                    out.push((
                        format!(".models[{i}].usb[{j}]"),
                        format!("`{u}` is not a USB id written `vvvv:pppp` in lower-case hex"),
                    ));
                }
            }
            for (j, l) in m.modules.iter().enumerate() {
                if l.dirs.is_empty() || l.files.is_empty() {
                    out.push((
                        format!(".models[{i}].modules[{j}]"),
                        "a module location needs at least one folder and one file name".into(),
                    ));
                }
                if let Some(b) = l.bits
                    && b != 32
                    && b != 64
                {
                    out.push((
                        format!(".models[{i}].modules[{j}].bits"),
                        format!("`bits` is 32 or 64, not {b}"),
                    ));
                }
            }
        }
        for (name, e) in &self.pkcs11_errors {
            if !name.starts_with("CKR_") {
                out.push((
                    format!(".pkcs11_errors.{name}"),
                    format!("`{name}` is not a PKCS#11 return code name (CKR_...)"),
                ));
            }
            if Lang::BASE.iter().any(|l| e.cause.exact(*l).is_none()) {
                out.push((
                    format!(".pkcs11_errors.{name}.cause"),
                    "the cause needs both `fa` and `en`".into(),
                ));
            }
        }
        for (name, e) in &self.reader_errors {
            if Lang::BASE.iter().any(|l| e.cause.exact(*l).is_none()) {
                out.push((
                    format!(".reader_errors.{name}.cause"),
                    "the cause needs both `fa` and `en`".into(),
                ));
            }
        }
        out
    }
}
