//! The language tokenyar speaks when nobody said (`--lang`, F2, the settings file): the
//! operating system's. One rule for the screen and the command line alike.
//!
//! - Unix: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set (POSIX order). `fa_IR.UTF-8`
//!   is Persian, any other named language English (the languages tokenyar has); `C`/`POSIX`
//!   name no language and fall through.
//! - Windows: those variables are rarely set; the user's display language is read from the
//!   registry through the engine's Windows seam (`System::registry`): the language the user
//!   chose (`HKCU\Control Panel\Desktop` `PreferredUILanguages`), else the one Windows was
//!   installed with (`...\Desktop\MuiCached` `MachinePreferredUILanguages`). A Persian Windows
//!   gets Persian.
//! - Nothing known: English, as gettext does with the C locale (a machine that says nothing
//!   about its language is most often a server, a container or a script).

use tokenyar_engine::kb::Lang;

/// The language a locale or language tag names (`fa_IR.UTF-8`, `fa-IR`, `en-US`); `None` for
/// `C`, `POSIX` and empty values, which name none.
pub fn lang_of(tag: &str) -> Option<Lang> {
    let t = tag.trim();
    if t.is_empty() || t == "C" || t == "POSIX" || t.starts_with("C.") {
        return None;
    }
    Some(Lang::parse(t).unwrap_or(Lang::En))
}

/// The language of a list of Windows language tags (a REG_MULTI_SZ as `reg` prints it, tags
/// separated by `\0`): the first one.
pub fn lang_of_tags(tags: &str) -> Option<Lang> {
    tags.split("\\0")
        .flat_map(|t| t.split(['\0', ';', ',']))
        .find(|t| !t.trim().is_empty())
        .and_then(lang_of)
}

/// The environment's locale variables, in POSIX order.
pub fn env_lang_from(var: &dyn Fn(&str) -> Option<String>) -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| var(v))
        .find(|v| !v.trim().is_empty())
        .and_then(|v| lang_of(&v))
}

/// Windows' display language, through the engine's Windows seam.
pub fn windows_ui_lang(sys: &dyn tokenyar_engine::facts::os::system::System) -> Option<Lang> {
    for (key, value) in [
        (r"HKCU\Control Panel\Desktop", "PreferredUILanguages"),
        (
            r"HKCU\Control Panel\Desktop\MuiCached",
            "MachinePreferredUILanguages",
        ),
        (
            r"HKLM\SYSTEM\CurrentControlSet\Control\MUI\Settings",
            "PreferredUILanguages",
        ),
    ] {
        if let Ok(Some(keys)) = sys.registry(key, false)
            && let Some(l) = keys
                .first()
                .and_then(|k| k.string(value))
                .and_then(|t| lang_of_tags(&t))
        {
            return Some(l);
        }
    }
    None
}

/// The operating system's language, if it names one.
pub fn os_lang() -> Option<Lang> {
    env_lang_from(&|k| std::env::var(k).ok()).or_else(|| {
        if cfg!(windows) {
            let sys = tokenyar_engine::facts::os::system::RealSystem::with_budget(
                std::time::Duration::from_secs(2),
            );
            windows_ui_lang(&sys)
        } else {
            None
        }
    })
}

/// The language when nobody chose one: the operating system's, else English.
pub fn default_lang() -> Lang {
    os_lang().unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_and_windows_tags_name_a_language() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            env_lang_from(&env(&[("LANG", "fa_IR.UTF-8")])),
            Some(Lang::Fa)
        );
        // LC_ALL wins over LANG; LC_MESSAGES over LANG.
        assert_eq!(
            env_lang_from(&env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "fa_IR.UTF-8")])),
            Some(Lang::En)
        );
        assert_eq!(
            env_lang_from(&env(&[("LC_MESSAGES", "fa_IR"), ("LANG", "en_GB.UTF-8")])),
            Some(Lang::Fa)
        );
        // A language tokenyar does not have is English; C names none.
        assert_eq!(
            env_lang_from(&env(&[("LANG", "de_DE.UTF-8")])),
            Some(Lang::En)
        );
        assert_eq!(env_lang_from(&env(&[("LANG", "C.UTF-8")])), None);
        assert_eq!(env_lang_from(&env(&[])), None);
        // Windows' MULTI_SZ lists, as `reg` prints them and as the API gives them.
        assert_eq!(lang_of_tags("fa-IR\\0en-US"), Some(Lang::Fa));
        assert_eq!(lang_of_tags("en-US\0fa-IR"), Some(Lang::En));
        assert_eq!(lang_of_tags(""), None);
    }
}
