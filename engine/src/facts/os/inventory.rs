//! What a platform collector found on the machine (uninstall entries, processes, services), in
//! one shape for every OS, so the software matcher never depends on a platform's collector.

use serde::Serialize;

/// One entry of Windows' uninstall lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct UninstallEntry {
    pub name: String,
    pub version: Option<String>,
    pub publisher: Option<String>,
    pub install_date: Option<String>,
    pub location: Option<String>,
    pub arch: Option<String>,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub state: String,
}

/// What a platform collector found, for matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inventory {
    pub uninstall: Vec<UninstallEntry>,
    /// `None` when the list could not be read.
    pub processes: Option<Vec<String>>,
    pub services: Option<Vec<Service>>,
    /// Why parts of the inventory are missing.
    pub problems: Vec<String>,
}
