//! Running a standard command of the OS (`reg`, `tasklist`, `systemctl`, ...) under a deadline.
//!
//! A command still running at its deadline is killed and reported as such; its reader threads
//! are left to finish on their own, so a grandchild that keeps the pipes open cannot stall us.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CmdOutput {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl CmdOutput {
    pub fn ok(stdout: &str) -> CmdOutput {
        CmdOutput {
            code: Some(0),
            stdout: stdout.to_string(),
            stderr: String::new(),
        }
    }

    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    #[error("`{program}` is not available on this computer")]
    NotFound { program: String },
    #[error("`{program}` could not be started: {message}")]
    Spawn { program: String, message: String },
    #[error("`{program}` did not finish within {ms} ms and was stopped")]
    Timeout { program: String, ms: u128 },
}

/// Runs `program args…` with no input, killing it at `timeout`.
pub fn run_with_deadline(
    program: &str,
    args: &[&str],
    timeout: Duration,
) -> Result<CmdOutput, ExecError> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Parsers expect the untranslated output of Unix tools.
        .env("LC_ALL", "C")
        .env("SYSTEMD_COLORS", "0");
    hide_window(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ExecError::NotFound {
            program: program.to_string(),
        },
        _ => ExecError::Spawn {
            program: program.to_string(),
            message: e.to_string(),
        },
    })?;
    let out = reader(child.stdout.take());
    let err = reader(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ExecError::Timeout {
                    program: program.to_string(),
                    ms: timeout.as_millis(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                return Err(ExecError::Spawn {
                    program: program.to_string(),
                    message: e.to_string(),
                });
            }
        }
    };
    // The child has exited; its pipes close unless a grandchild still holds them, so wait for the
    // readers only for what is left of the deadline (plus a moment).
    let left = timeout.saturating_sub(start.elapsed()) + Duration::from_millis(100);
    let stdout = out.recv_timeout(left).unwrap_or_default();
    let stderr = err.recv_timeout(left).unwrap_or_default();
    Ok(CmdOutput {
        code: status.code(),
        stdout: decode(&stdout),
        stderr: decode(&stderr),
    })
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = std::sync::mpsc::channel();
    if let Some(mut p) = pipe {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            // Bounded: no command we run prints more than a few megabytes.
            let _ = (&mut p).take(32 * 1024 * 1024).read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    rx
}

#[cfg(windows)]
fn hide_window(cmd: &mut Command) {
    use std::os::windows::process::CommandExt;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    cmd.creation_flags(CREATE_NO_WINDOW);
}

#[cfg(not(windows))]
fn hide_window(_: &mut Command) {}

/// Command output as text: UTF-16LE when it looks like it (PowerShell and some Windows tools
/// write it), else UTF-8, else bytes kept lossily.
pub fn decode(bytes: &[u8]) -> String {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE])
        || (bytes.len() >= 4
            && bytes.len() % 2 == 0
            && bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count() * 2 > bytes.len() / 2);
    if utf16 {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let s = String::from_utf16_lossy(&units);
        return s.trim_start_matches('\u{feff}').to_string();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)] // runs `sh` and `sleep`
    fn a_command_that_hangs_is_killed_at_its_deadline() {
        let t = Instant::now();
        let r = run_with_deadline("sleep", &["30"], Duration::from_millis(300));
        assert!(
            matches!(r, Err(ExecError::Timeout { ms: 300, .. })),
            "{r:?}"
        );
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }

    #[test]
    #[cfg(unix)] // runs `sh` and `sleep`
    fn a_grandchild_holding_the_pipe_does_not_stall_us() {
        // `sh` exits at once but leaves `sleep` holding stdout open.
        let t = Instant::now();
        let r = run_with_deadline(
            "sh",
            &["-c", "echo hi; sleep 30 &"],
            Duration::from_millis(500),
        )
        .unwrap();
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(r.code, Some(0));
    }

    #[test]
    #[cfg(unix)] // runs `sh` and `sleep`
    fn output_and_exit_code_are_returned() {
        let r = run_with_deadline(
            "sh",
            &["-c", "printf 'a\\nb'; echo oops >&2; exit 3"],
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.stdout, "a\nb");
        assert_eq!(r.stderr.trim(), "oops");
        assert_eq!(r.code, Some(3));
    }

    #[test]
    #[cfg(windows)]
    fn output_and_exit_code_are_returned_by_cmd() {
        // cmd.exe is on every Windows (and in Wine), at a fixed place.
        let cmd = format!(
            r"{}\System32\cmd.exe",
            std::env::var("SystemRoot").unwrap_or_else(|_| r"C:\Windows".into())
        );
        let r =
            run_with_deadline(&cmd, &["/c", "echo a& exit 3"], Duration::from_secs(10)).unwrap();
        assert_eq!(r.stdout.trim(), "a");
        assert_eq!(r.code, Some(3));
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let r = run_with_deadline("no-such-program-tokenyar", &[], Duration::from_secs(1));
        assert!(matches!(r, Err(ExecError::NotFound { .. })), "{r:?}");
    }

    #[test]
    fn decodes_utf16_and_utf8() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Dastine دستینه".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b), "Dastine دستینه");
        assert_eq!(decode("مهر و موم".as_bytes()), "مهر و موم");
        assert_eq!(decode(b"ab\xffcd"), "ab\u{fffd}cd");
    }
}
