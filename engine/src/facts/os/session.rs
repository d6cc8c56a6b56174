//! `os.session`: whether the person is working on this computer through a remote session. A
//! USB token is read by the computer it is plugged into; in a Remote Desktop session it reaches
//! the remote computer only through smart-card redirection (kb/general/situations.yaml).
//!
//! Read from the session's environment, which Windows sets for every logon (`SESSIONNAME`:
//! `Console` at the keyboard, `RDP-Tcp#N` over Remote Desktop, `ICA-…` under Citrix) and an SSH
//! server sets on Unix. Screen-sharing tools (AnyDesk, TeamViewer) show the remote person the
//! console session, so they are not seen here. Addresses in `SSH_CONNECTION` are not kept.

use serde_json::json;

use super::system::{Family, System};
use crate::facts::Fact;

pub fn session(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows(sys),
        Family::Linux | Family::Macos => unix(sys),
        Family::Other => {
            Fact::NotApplicable(format!("sessions are not read on {}", sys.family().name()))
        }
    }
}

fn windows(sys: &dyn System) -> Fact {
    let Some(name) = sys.env("SESSIONNAME") else {
        // Services and scheduled tasks run without one: no evidence either way.
        return Fact::Unknown("SESSIONNAME is not set".into());
    };
    let upper = name.to_ascii_uppercase();
    let kind = if upper == "CONSOLE" {
        "console"
    } else if upper.starts_with("RDP-") {
        "rdp"
    } else if upper.starts_with("ICA-") {
        "citrix"
    } else {
        return Fact::Unknown(format!(
            "SESSIONNAME is {name:?}, not a kind of session tokenyar knows"
        ));
    };
    Fact::Value(json!({ "remote": kind != "console", "kind": kind, "name": name }))
}

fn unix(sys: &dyn System) -> Fact {
    let ssh = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
        .iter()
        .any(|v| sys.env(v).is_some());
    let kind = if ssh { "ssh" } else { "local" };
    Fact::Value(json!({ "remote": ssh, "kind": kind }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::os::system::FakeSystem;

    fn with_env(family: Family, vars: &[(&str, &str)]) -> Fact {
        let mut s = FakeSystem::new(family);
        for (k, v) in vars {
            s.env.insert((*k).into(), (*v).into());
        }
        session(&s)
    }

    #[test]
    fn windows_sessions_by_name() {
        let v = |f: Fact| match f {
            Fact::Value(v) => (
                v["remote"].as_bool(),
                v["kind"].as_str().map(str::to_string),
            ),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            v(with_env(Family::Windows, &[("SESSIONNAME", "Console")])),
            (Some(false), Some("console".into()))
        );
        assert_eq!(
            v(with_env(Family::Windows, &[("SESSIONNAME", "RDP-Tcp#12")])),
            (Some(true), Some("rdp".into()))
        );
        assert_eq!(
            v(with_env(Family::Windows, &[("SESSIONNAME", "ICA-tcp#3")])),
            (Some(true), Some("citrix".into()))
        );
    }

    #[test]
    fn no_session_name_is_cannot_tell_not_local() {
        assert!(matches!(with_env(Family::Windows, &[]), Fact::Unknown(_)));
        assert!(matches!(
            with_env(
                Family::Windows,
                &[("SESSIONNAME", "31C5CE94259D4006A9E4#0")]
            ),
            Fact::Unknown(_)
        ));
    }

    #[test]
    fn ssh_on_unix_and_no_address_kept() {
        let f = with_env(
            Family::Linux,
            &[("SSH_CONNECTION", "10.0.0.7 51234 10.0.0.2 22")],
        );
        let Fact::Value(v) = f else { panic!() };
        assert_eq!(v["remote"], true);
        assert!(!v.to_string().contains("10.0.0.7"));
        let Fact::Value(v) = with_env(Family::Linux, &[]) else {
            panic!()
        };
        assert_eq!(v["kind"], "local");
    }
}
