//! The parent's side of reading one module: start the child, collect its lines, enforce the
//! deadline, and turn a hang or a crash into an error on that module (keeping what was read).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Event, Library, Module, ReaderSettings, Slot};

/// Everything one child said, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub loaded: bool,
    pub library: Option<Library>,
    pub error: Option<String>,
    pub error_in: Option<String>,
    pub detail: Option<String>,
    pub slots: Vec<Slot>,
    pub elapsed_ms: u64,
}

impl Outcome {
    /// Writes the module's part into `m` and returns its slots.
    pub fn apply(self, m: &mut Module) -> Vec<Slot> {
        m.loaded = self.loaded;
        m.library = self.library;
        m.error = self.error;
        m.error_in = self.error_in;
        m.detail = self.detail;
        m.elapsed_ms = self.elapsed_ms;
        let path = m.path.clone();
        self.slots
            .into_iter()
            .map(|mut s| {
                s.module = path.clone();
                s
            })
            .collect()
    }
}

/// How often the parent looks at a child that has said nothing for a while.
const POLL: Duration = Duration::from_millis(10);
/// How much of the child's standard error is kept for the report.
const STDERR_KEEP: usize = 2048;
/// How much of the child's standard output the parent reads at most: 64 certificates of the
/// largest size a slot may carry fit many times over. A module that floods the pipe past it is
/// cut off (the child then dies of the closed pipe, and is reported as crashed).
pub(crate) const STDOUT_CAP: u64 = 16 * 1024 * 1024;

/// A vendor module outside System32 (SafeNet's under Program Files, say) loads DLLs of its own
/// from its folder, which `LoadLibraryExW(path, NULL, 0)` does not search; it then fails with
/// error 126 although nothing is wrong with it. The child is started in the module's folder with
/// that folder first on its PATH, both of which Windows searches for dependencies.
fn dll_search_path(cmd: &mut Command, module: &Path) {
    let Some(dir) = module.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return;
    };
    let mut path = std::ffi::OsString::from(dir.as_os_str());
    if let Some(old) = std::env::var_os("PATH") {
        path.push(";");
        path.push(old);
    }
    cmd.env("PATH", path).current_dir(dir);
}

/// Reads one module in a child process; never takes much longer than the deadline.
#[cfg(all(test, unix))]
pub(crate) fn read_module(settings: &ReaderSettings, module: &Path) -> Outcome {
    start(settings, module).finish()
}

/// A reader started on one module, or what became of it at once (a missing file, a program
/// that would not start).
pub(crate) enum Started {
    Running(Box<Reading>),
    Ended(Outcome),
}

/// A running reader: its process and the channels its output arrives on (threads drain the
/// pipes, so the child never blocks on them).
pub(crate) struct Reading {
    child: std::process::Child,
    events: mpsc::Receiver<Event>,
    stderr: mpsc::Receiver<String>,
    started: Instant,
    limit: Duration,
}

/// Starts the child that reads `module` and returns at once: the read goes on while the caller
/// does other work, and [`Started::finish`] collects it. Starting costs the caller a process
/// spawn and two threads' creation, well under a millisecond.
pub(crate) fn start(settings: &ReaderSettings, module: &Path) -> Started {
    let started = Instant::now();
    let mut out = Outcome::default();
    // Said plainly rather than left to the loader's words ("The specified module could not be
    // found" on Windows, which also means a missing dependency).
    if !module.exists() {
        out.error = Some("load_failed".into());
        out.detail = Some(format!("file not found: {}", module.display()));
        return Started::Ended(out);
    }
    let mut cmd = Command::new(&settings.program);
    let mut module_arg = module.to_path_buf();
    if cfg!(windows) {
        // The child runs in another folder, so a relative path would no longer name the module.
        module_arg = std::path::absolute(module).unwrap_or(module_arg);
        dll_search_path(&mut cmd, &module_arg);
    }
    let spawned = cmd
        .arg("probe-token")
        .arg("--module")
        .arg(&module_arg)
        // The child also stops itself a little later, should this parent be gone by then.
        .arg("--deadline")
        .arg(format!("{:.3}", settings.deadline.as_secs_f64() + 1.0))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            out.error = Some("crashed".into());
            out.detail = Some(format!(
                "the token reader {} could not be started: {e}",
                settings.program.display()
            ));
            return Started::Ended(out);
        }
    };
    let (tx, rx) = mpsc::channel::<Event>();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout.take(STDOUT_CAP));
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let Ok(text) = std::str::from_utf8(&line) else {
                    continue;
                };
                if let Some(ev) = Event::from_line(text.trim_end())
                    && tx.send(ev).is_err()
                {
                    break;
                }
            }
        });
    }
    let (etx, erx) = mpsc::channel::<String>();
    if let Some(mut stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            // Only the tail is kept, however much the module writes: the pipe is drained (so
            // the child never blocks on it) into a window of a few kilobytes.
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                if buf.len() > 4 * STDERR_KEEP + chunk.len() {
                    buf.drain(..buf.len() - 4 * STDERR_KEEP);
                }
            }
            let text = String::from_utf8_lossy(&buf);
            let tail: String = text
                .chars()
                .rev()
                .take(STDERR_KEEP)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let _ = etx.send(tail.trim().to_string());
        });
    }
    Started::Running(Box::new(Reading {
        child,
        events: rx,
        stderr: erx,
        started,
        limit: settings.deadline,
    }))
}

impl Started {
    /// Waits for the reader to finish, or kills it at its deadline (counted from its start);
    /// never takes much longer than that.
    pub(crate) fn finish(self) -> Outcome {
        match self {
            Started::Ended(out) => out,
            Started::Running(r) => r.finish(),
        }
    }

    /// Gives up on the read without waiting (the command ended first): the reader is reaped
    /// when it exits and killed at its deadline, never left behind.
    pub(crate) fn abandon(self) {
        if let Started::Running(r) = self {
            let deadline = r.started + r.limit;
            reap_later(r.child, deadline);
        }
    }
}

impl Reading {
    fn finish(self) -> Outcome {
        let Reading {
            mut child,
            events: rx,
            stderr: erx,
            started,
            limit,
        } = self;
        let deadline = started + limit;
        let mut out = Outcome::default();
        let mut slots: BTreeMap<u64, Slot> = BTreeMap::new();
        let mut last_step: Option<(String, Option<u64>)> = None;
        let mut done = false;
        let mut take = |ev: Event, out: &mut Outcome| match ev {
            Event::Step { step, slot_id } => last_step = Some((step, slot_id)),
            Event::Loaded => out.loaded = true,
            Event::Library { library } => out.library = Some(library),
            Event::Slot { slot } => {
                slots.insert(slot.slot_id, slot);
            }
            Event::Error {
                step,
                error,
                detail,
            } => {
                out.error = Some(error);
                out.error_in = Some(step);
                out.detail = detail;
            }
            Event::Done => done = true,
        };

        let mut closed = false;
        let status = loop {
            if closed {
                // Its output is closed, so it is exiting: look again soon.
                std::thread::sleep(Duration::from_millis(1));
            } else {
                match rx.recv_timeout(POLL) {
                    Ok(ev) => {
                        let finished = matches!(ev, Event::Done);
                        take(ev, &mut out);
                        if finished {
                            // All the reader had to say is said; what is left is the module's
                            // C_Finalize and the process's exit, which the diagnosis need not wait
                            // for (a millisecond or two on SoftHSM2, more on some drivers).
                            reap_later(child, deadline);
                            break End::Finished;
                        }
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => closed = true,
                }
            }
            match child.try_wait() {
                Ok(Some(status)) => {
                    // The child is gone; its last lines may still be in the pipe.
                    while let Ok(ev) = rx.recv_timeout(Duration::from_millis(50)) {
                        take(ev, &mut out);
                    }
                    break End::Exited(status);
                }
                Ok(None) if Instant::now() < deadline => {}
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    while let Ok(ev) = rx.try_recv() {
                        take(ev, &mut out);
                    }
                    break End::Stopped;
                }
            }
        };
        // The module's last words matter only when the reader died; its stream ends when it exits.
        let stderr = matches!(status, End::Exited(_))
            .then(|| erx.recv_timeout(Duration::from_millis(100)).ok())
            .flatten();
        let stuck_at = last_step.clone();
        match status {
            End::Stopped => {
                out.error = Some("timeout".into());
                out.error_in = stuck_at.as_ref().map(|(s, _)| s.clone());
                out.detail = Some(format!(
                    "the module did not finish within {} ms and was stopped",
                    limit.as_millis()
                ));
                mark_slot(&mut slots, stuck_at.as_ref(), "timeout");
            }
            End::Exited(st) if !done => {
                out.error = Some("crashed".into());
                out.error_in = stuck_at.as_ref().map(|(s, _)| s.clone());
                let mut d = format!("the token reader ended early ({st})");
                if let Some(e) = stderr.filter(|e| !e.is_empty()) {
                    d.push_str(": ");
                    // The module's own words: whatever bytes it chose to write.
                    d.push_str(&crate::text::terminal_safe(&e));
                }
                out.detail = Some(d);
                mark_slot(&mut slots, stuck_at.as_ref(), "crashed");
            }
            End::Exited(_) | End::Finished => {}
        }
        out.slots = slots.into_values().collect();
        out.elapsed_ms = started.elapsed().as_millis() as u64;
        out
    }
}

/// How a reader's run ended.
enum End {
    /// It said it was done; it is still finalising and exiting (see [`reap_later`]).
    Finished,
    /// It exited (having said it was done or not).
    Exited(std::process::ExitStatus),
    /// It passed its deadline and was killed.
    Stopped,
}

/// Waits for a reader that is done to exit, on a thread of its own, and kills it should it
/// still be there at `deadline` (a module hung in C_Finalize): the child is never left behind
/// by a parent that lives on (the screen), and a command that ends first does not wait for it.
fn reap_later(mut child: std::process::Child, deadline: Instant) {
    let _ = std::thread::Builder::new()
        .name("token-reader-exit".into())
        .spawn(move || {
            loop {
                match child.try_wait() {
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Ok(None) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        return;
                    }
                    Ok(Some(_)) | Err(_) => return,
                }
            }
        });
}

/// Marks the slot the child was busy with when it hung or died.
fn mark_slot(slots: &mut BTreeMap<u64, Slot>, at: Option<&(String, Option<u64>)>, error: &str) {
    let Some((step, Some(id))) = at else { return };
    let s = slots.entry(*id).or_insert_with(|| Slot {
        slot_id: *id,
        ..Slot::default()
    });
    if s.error.is_none() {
        s.error = Some(error.to_string());
        s.error_in = Some(step.clone());
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in for the token reader: a shell script that prints `lines`, then runs `then`.
    fn fake_reader(dir: &Path, lines: &[Event], then: &str) -> ReaderSettings {
        let mut script = String::from("#!/bin/sh\n");
        script.push_str("echo 'some module chatter on stdout'\n");
        for l in lines {
            script.push_str(&format!("echo '{}'\n", l.to_line()));
        }
        script.push_str(then);
        script.push('\n');
        let p = dir.join("reader.sh");
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        ReaderSettings {
            program: p,
            program32: None,
            deadline: Duration::from_millis(700),
        }
    }

    fn slot(id: u64) -> Slot {
        Slot {
            slot_id: id,
            description: format!("slot {id}"),
            token_present: true,
            ..Slot::default()
        }
    }

    #[test]
    fn a_reader_that_is_done_is_not_waited_for_and_is_stopped_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("finalised");
        // Done, then a C_Finalize that never returns in time.
        let s = fake_reader(
            dir.path(),
            &[Event::Loaded, Event::Slot { slot: slot(1) }, Event::Done],
            &format!("sleep 2; touch '{}'", marker.display()),
        );
        let t = Instant::now();
        let o = read_module(&s, &module_file(dir.path()));
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(o.error, None, "{o:?}");
        assert_eq!(o.slots.len(), 1);
        // The reaper killed it at the 700 ms deadline, before it could go on.
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!marker.exists(), "the reader ran past its deadline");
    }

    #[test]
    fn starting_a_reader_returns_at_once_and_the_read_goes_on_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        // The module takes 300 ms before it says anything, then is done.
        let mut s = fake_reader(dir.path(), &[Event::Done], "exit 0");
        let script = std::fs::read_to_string(&s.program).unwrap();
        std::fs::write(&s.program, script.replacen("echo", "sleep 0.3; echo", 1)).unwrap();
        s.deadline = Duration::from_secs(5);
        let t = Instant::now();
        let started = start(&s, &module_file(dir.path()));
        assert!(
            t.elapsed() < Duration::from_millis(200),
            "{:?}",
            t.elapsed()
        );
        assert!(matches!(started, Started::Running(_)));
        let o = started.finish();
        assert!(
            t.elapsed() >= Duration::from_millis(300),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(o.error, None, "{o:?}");
        assert!(o.elapsed_ms >= 300, "{o:?}");
    }

    #[test]
    fn an_abandoned_reader_is_killed_at_its_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("went-on");
        let s = fake_reader(
            dir.path(),
            &[Event::Loaded],
            &format!("sleep 2; touch '{}'", marker.display()),
        );
        let t = Instant::now();
        start(&s, &module_file(dir.path())).abandon();
        assert!(
            t.elapsed() < Duration::from_millis(200),
            "{:?}",
            t.elapsed()
        );
        // Killed at the 700 ms deadline, before it could go on.
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!marker.exists(), "the reader ran past its deadline");
    }

    #[test]
    fn a_clean_run_is_read_through_the_chatter() {
        let dir = tempfile::tempdir().unwrap();
        let s = fake_reader(
            dir.path(),
            &[Event::Loaded, Event::Slot { slot: slot(1) }, Event::Done],
            "exit 0",
        );
        let o = read_module(&s, &module_file(dir.path()));
        assert_eq!(o.error, None, "{o:?}");
        assert!(o.loaded);
        assert_eq!(o.slots.len(), 1);
    }

    #[test]
    fn a_hung_child_is_killed_at_the_deadline_and_keeps_what_it_said() {
        let dir = tempfile::tempdir().unwrap();
        let s = fake_reader(
            dir.path(),
            &[
                Event::Loaded,
                Event::Slot { slot: slot(3) },
                Event::Step {
                    step: "C_GetTokenInfo".into(),
                    slot_id: Some(3),
                },
            ],
            "exec sleep 30",
        );
        let t = Instant::now();
        let o = read_module(&s, &module_file(dir.path()));
        assert!(
            t.elapsed() < Duration::from_millis(1500),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(o.error.as_deref(), Some("timeout"));
        assert_eq!(o.error_in.as_deref(), Some("C_GetTokenInfo"));
        assert_eq!(o.slots[0].error.as_deref(), Some("timeout"));
        assert_eq!(o.slots[0].description, "slot 3");
    }

    #[test]
    fn a_child_that_dies_midway_is_a_crash_with_its_last_words() {
        let dir = tempfile::tempdir().unwrap();
        let s = fake_reader(
            dir.path(),
            &[
                Event::Loaded,
                Event::Step {
                    step: "C_GetSlotList".into(),
                    slot_id: None,
                },
            ],
            "echo 'module exploded' >&2; kill -ABRT $$",
        );
        let o = read_module(&s, &module_file(dir.path()));
        assert_eq!(o.error.as_deref(), Some("crashed"), "{o:?}");
        assert_eq!(o.error_in.as_deref(), Some("C_GetSlotList"));
        assert!(o.detail.unwrap().contains("module exploded"));
    }

    /// This process's resident memory, in MB (Linux).
    fn rss_mb() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    }

    /// Runs `read_module` on a reader that runs `then`, sampling memory all the while; returns
    /// the outcome and the highest growth seen.
    fn growth_while(then: &str, deadline_ms: u64) -> (Outcome, u64) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = fake_reader(dir.path(), &[Event::Loaded], then);
        s.deadline = Duration::from_millis(deadline_ms);
        let before = rss_mb();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = {
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut peak = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    peak = peak.max(rss_mb());
                    std::thread::sleep(Duration::from_millis(5));
                }
                peak
            })
        };
        let o = read_module(&s, &module_file(dir.path()));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let peak = sampler.join().unwrap();
        (o, peak.saturating_sub(before))
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_module_flooding_stderr_keeps_the_parent_small() {
        let t = Instant::now();
        let (o, grew) = growth_while("exec yes 'stderr flood from the module' >&2", 2000);
        assert!(grew < 100, "the parent grew by {grew} MB");
        assert_eq!(o.error.as_deref(), Some("timeout"), "{o:?}");
        assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_module_flooding_stdout_without_newlines_keeps_the_parent_small() {
        let (o, grew) = growth_while("exec tr '\\000' x < /dev/zero", 2000);
        assert!(grew < 100, "the parent grew by {grew} MB");
        // Cut off at the cap: the reader dies of the closed pipe, or is stopped at the deadline.
        assert!(o.error.is_some(), "{o:?}");
    }

    /// A module file for the fake reader to be given (its content is never read by the parent).
    fn module_file(dir: &Path) -> std::path::PathBuf {
        let m = dir.join("m.so");
        std::fs::write(&m, b"").unwrap();
        m
    }

    #[test]
    fn a_module_file_that_does_not_exist_is_said_so_without_a_child() {
        let s = ReaderSettings {
            program: "/nonexistent/tokenyar".into(),
            program32: None,
            deadline: Duration::from_millis(200),
        };
        let o = read_module(&s, Path::new("/nonexistent/libnothing.so"));
        assert_eq!(o.error.as_deref(), Some("load_failed"));
        assert!(o.detail.unwrap().starts_with("file not found"));
    }

    #[test]
    fn a_reader_that_cannot_start_is_reported_not_panicked() {
        let dir = tempfile::tempdir().unwrap();
        let s = ReaderSettings {
            program: "/nonexistent/tokenyar".into(),
            program32: None,
            deadline: Duration::from_millis(200),
        };
        let o = read_module(&s, &module_file(dir.path()));
        assert_eq!(o.error.as_deref(), Some("crashed"));
    }
}
