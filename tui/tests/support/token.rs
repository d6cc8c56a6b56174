//! What the token tests share: running the real binary, reading its JSON, making certificates.

#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokenyar_engine::facts::cert::{Synth, SynthIssuer, synthesise};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// The cases of the findings, worst first.
    pub fn cases(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["case"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn finding(&self, case: &str) -> Value {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["case"] == case)
            .cloned()
            .unwrap_or_else(|| panic!("no finding {case} in {}", self.stdout))
    }

    /// The finding a check probe raised, whichever symptom speaks for it: a system's own symptom
    /// (bank-mellat/single-certificate) takes the place of the general one with the same check.
    pub fn finding_by_probe(&self, probe: &str) -> Option<Value> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["trace"]["check"] == probe)
            .cloned()
    }

    /// The check of one symptom.
    pub fn check(&self, id: &str) -> Value {
        self.json()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no check {id} in {}", self.stdout))
    }
}

/// Runs tokenyar with `args` and extra environment, from a neutral folder.
pub fn tokenyar(args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenyar"));
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .env("LANG", "C")
        // The machine under test plays an Iranian user's computer: the live clock check warns
        // about any other time zone.
        .env("TZ", "Asia/Tehran")
        .env_remove("TOKENYAR_MOCK_SCENARIO")
        .env_remove("TOKENYAR_MOCK_LOG");
    // ... at its own keyboard: a CI runner reached over SSH would otherwise be a remote session
    // (os.session), which the remote-desktop check reports.
    for k in ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = cmd.output().expect("tokenyar runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "tokenyar panicked:\n{}",
        run.stderr
    );
    run
}

/// The national root as an issuer: its name and key id (kb/tokens.yaml `trust`).
pub fn iran_root() -> SynthIssuer {
    SynthIssuer {
        c: Some("IR".into()),
        o: Some("I.R.Government".into()),
        ou: Some("Root CA".into()),
        cn: Some("Islamic Republic of Iran Root CA-G3".into()),
        key_id: Some("7711d9975428bc7af77ad9d3828ec07144442418".into()),
    }
}

/// A user certificate valid from `from_days` to `to_days` days from now (negative: past),
/// issued under the national root.
pub fn user_cert(cn: &str, o: &str, national_id: &str, from_days: i64, to_days: i64) -> Vec<u8> {
    let at = |d: i64| (Utc::now() + chrono::Duration::days(d)).to_rfc3339();
    synthesise(&Synth {
        c: Some("IR".into()),
        o: Some(o.into()),
        cn: Some(cn.into()),
        serial_number: Some(national_id.into()),
        not_before: Some(at(from_days)),
        not_after: Some(at(to_days)),
        issuer: Some(iran_root()),
        ..Synth::default()
    })
    .unwrap()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whole days from now to an RFC 3339 time.
pub fn days_until(t: &str) -> i64 {
    (DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc) - Utc::now()).num_days()
}

// ---------------------------------------------------------------- SoftHSM2 token stores

pub const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
pub const PIN: &str = "1234";
pub const SO_PIN: &str = "12345678";

/// A SoftHSM2 token store of its own.
pub struct Hsm {
    pub dir: tempfile::TempDir,
    pub conf: PathBuf,
}

pub fn tool(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{what}: cannot run it ({e}); SoftHSM2 and OpenSC must be installed (apt-get install softhsm2 opensc, as .ci/run does)")
    });
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Hsm {
    pub fn new() -> Hsm {
        assert!(
            Path::new(MODULE).exists(),
            "{MODULE} is missing: SoftHSM2 must be installed (apt-get install softhsm2, as .ci/run does); these tests are never skipped"
        );
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                tokens.display()
            ),
        )
        .unwrap();
        Hsm { dir, conf }
    }

    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("SOFTHSM2_CONF", &self.conf);
        c
    }

    pub fn token(&self, label: &str) -> &Self {
        tool(
            self.cmd("softhsm2-util").args([
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ]),
            "softhsm2-util --init-token",
        );
        self
    }

    /// Writes a certificate onto the token (the test logs in for that; tokenyar never does).
    pub fn import(&self, token: &str, id: &str, label: &str, der: &[u8]) -> &Self {
        let file = self.dir.path().join(format!("{id}.der"));
        std::fs::write(&file, der).unwrap();
        tool(
            self.cmd("pkcs11-tool").args([
                "--module",
                MODULE,
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
                "--write-object",
                file.to_str().unwrap(),
                "--type",
                "cert",
                "--id",
                id,
                "--label",
                label,
            ]),
            "pkcs11-tool --write-object",
        );
        self
    }

    pub fn diagnose(&self, extra: &[&str]) -> Run {
        // Unredacted: the tests compare what tokenyar read with what the token holds.
        let mut args = vec![
            "diagnose",
            "--json",
            "--no-redact",
            "--offline",
            "--pkcs11-module",
            MODULE,
        ];
        args.extend_from_slice(extra);
        tokenyar(&args, &[("SOFTHSM2_CONF", &self.conf)])
    }

    pub fn pkcs11_tool(&self, args: &[&str]) -> String {
        let mut c = self.cmd("pkcs11-tool");
        c.args(["--module", MODULE]).args(args);
        tool(&mut c, "pkcs11-tool")
    }
}
