//! Windows facts read through the Windows API instead of by running a program and parsing its
//! text. `reg.exe` writes its output in the console's OEM code page when piped (720 or 437, never
//! UTF-8), so Persian uninstall names such as «مهر و موم ستاد» arrived as `??? ? ???` and the
//! programs read as not installed; the API returns UTF-16 and loses nothing. It also starts no
//! process, which is faster than three `reg query /s`.
//!
//! Only [`RealSystem`](super::system::RealSystem) on Windows calls the API parts; everything is
//! returned in the shapes `reg query` parsing gives ([`RegKey`], [`RegValue`]), so the collectors
//! in `windows.rs` do not care which path read it, and the tests on Linux keep using recorded
//! `reg query` outputs. The conversion of raw values is plain code, tested everywhere.

#[cfg(windows)]
use super::registry::{RegKey, RegValue};

/// `reg.exe`'s names of the value types it prints, by the type's number (winnt.h).
pub(crate) fn type_name(kind: u32) -> &'static str {
    match kind {
        0 => "REG_NONE",
        1 => "REG_SZ",
        2 => "REG_EXPAND_SZ",
        3 => "REG_BINARY",
        4 => "REG_DWORD",
        5 => "REG_DWORD_BIG_ENDIAN",
        6 => "REG_LINK",
        7 => "REG_MULTI_SZ",
        8 => "REG_RESOURCE_LIST",
        9 => "REG_FULL_RESOURCE_DESCRIPTOR",
        10 => "REG_RESOURCE_REQUIREMENTS_LIST",
        11 => "REG_QWORD",
        _ => "REG_UNKNOWN",
    }
}

/// A raw value as `reg query` would print it: strings as they are (an expandable string is not
/// expanded), numbers as `0x…`, a multi-string joined by `\0`, anything else as hex.
pub fn value_text(kind: u32, bytes: &[u8]) -> String {
    let utf16 = || -> String {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    };
    match kind {
        1 | 2 | 6 => utf16().trim_end_matches('\0').to_string(),
        7 => utf16()
            .trim_end_matches('\0')
            .split('\0')
            .collect::<Vec<_>>()
            .join("\\0"),
        4 if bytes.len() >= 4 => {
            format!(
                "0x{:x}",
                u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
            )
        }
        5 if bytes.len() >= 4 => {
            format!(
                "0x{:x}",
                u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
            )
        }
        11 if bytes.len() >= 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[..8]);
            format!("0x{:x}", u64::from_le_bytes(b))
        }
        _ => bytes.iter().map(|b| format!("{b:02X}")).collect(),
    }
}

/// `HKLM\X`, `HKEY_LOCAL_MACHINE\X`, ... split into the hive's long name and the path below it.
pub(crate) fn split_hive(key: &str) -> Option<(&'static str, &str)> {
    let key = key.trim().trim_end_matches('\\');
    let (hive, rest) = key.split_once('\\').unwrap_or((key, ""));
    let long = match hive.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => "HKEY_LOCAL_MACHINE",
        "HKCU" | "HKEY_CURRENT_USER" => "HKEY_CURRENT_USER",
        "HKCR" | "HKEY_CLASSES_ROOT" => "HKEY_CLASSES_ROOT",
        "HKU" | "HKEY_USERS" => "HKEY_USERS",
        "HKCC" | "HKEY_CURRENT_CONFIG" => "HKEY_CURRENT_CONFIG",
        _ => return None,
    };
    Some((long, rest))
}

/// A key's values and, with `recursive`, those of every key below it (as `reg query KEY /s`
/// lists them: each key once, in depth-first order). `Ok(None)`: the key does not exist.
#[cfg(windows)]
pub fn registry(key: &str, recursive: bool) -> Result<Option<Vec<RegKey>>, String> {
    use winreg::RegKey as WinKey;
    use winreg::enums::*;

    let (hive, path) = split_hive(key).ok_or_else(|| format!("not a registry key: {key}"))?;
    let root = match hive {
        "HKEY_LOCAL_MACHINE" => HKEY_LOCAL_MACHINE,
        "HKEY_CURRENT_USER" => HKEY_CURRENT_USER,
        "HKEY_CLASSES_ROOT" => HKEY_CLASSES_ROOT,
        "HKEY_USERS" => HKEY_USERS,
        _ => HKEY_CURRENT_CONFIG,
    };
    let opened = if path.is_empty() {
        Ok(WinKey::predef(root))
    } else {
        WinKey::predef(root).open_subkey_with_flags(path, KEY_READ)
    };
    let top = match opened {
        Ok(k) => k,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot open {key}: {e}")),
    };
    let mut out = Vec::new();
    // Depth-first with an explicit stack; a key that vanishes or is denied while we walk is
    // skipped, as `reg query /s` does.
    let mut stack = vec![(
        top,
        format!("{hive}\\{path}").trim_end_matches('\\').to_string(),
    )];
    while let Some((k, name)) = stack.pop() {
        let mut values = Vec::new();
        for v in k.enum_values() {
            let Ok((vname, raw)) = v else { continue };
            let kind = raw.vtype.clone() as u32;
            values.push(RegValue {
                name: vname,
                kind: type_name(kind).to_string(),
                data: value_text(kind, &raw.bytes),
            });
        }
        out.push(RegKey {
            path: name.clone(),
            values,
        });
        if recursive {
            let mut subs: Vec<String> = k.enum_keys().filter_map(Result::ok).collect();
            subs.sort_by_key(|s| std::cmp::Reverse(s.to_lowercase()));
            for s in subs {
                if let Ok(sk) = k.open_subkey_with_flags(&s, KEY_READ) {
                    stack.push((sk, format!("{name}\\{s}")));
                }
            }
        }
    }
    Ok(Some(out))
}

/// The time zone Windows is set to, by its registry name ("Iran Standard Time"): the name the
/// clock probe needs to tell Tehran's zone with an outdated daylight-saving rule from another
/// zone. Windows has no TZ variable or /etc/localtime to read it from.
#[cfg(windows)]
pub(crate) fn time_zone_name() -> Option<String> {
    let keys = registry(
        r"HKLM\SYSTEM\CurrentControlSet\Control\TimeZoneInformation",
        false,
    )
    .ok()??;
    keys.first()?.string("TimeZoneKeyName")
}

/// The running processes' file names, from the process snapshot API (what Task Manager reads).
#[cfg(windows)]
pub(crate) fn process_names() -> Result<Vec<String>, String> {
    ffi::process_names()
}

/// Every Win32 service with its display name and state, from the Service Control Manager.
/// One read at a time in this process, shared by every caller that asks while it runs; a
/// transient failure (`TRANSIENT_RPC_ERRORS`) is read again until `until` (five seconds from
/// now when there is none); any other failure is reported at once.
#[cfg(windows)]
pub fn services(
    until: Option<std::time::Instant>,
) -> Result<Vec<super::inventory::Service>, String> {
    // Wine's RPC client can carry one thread's fresh handle over another thread's new
    // connection, where services.exe does not know it (ERROR_INVALID_HANDLE); shared, the facts
    // read together also agree.
    static SCM_READ: SharedRead<Result<Vec<(String, String, u32)>, String>> = SharedRead::new();
    let until =
        until.unwrap_or_else(|| std::time::Instant::now() + std::time::Duration::from_secs(5));
    Ok(SCM_READ
        .get(until, || retry_transient(until, ffi::services))
        .unwrap_or_else(|| {
            Err(
                "the Service Control Manager was still busy with another read at the deadline"
                    .into(),
            )
        })?
        .into_iter()
        .map(|(name, display, state)| super::inventory::Service {
            name,
            display_name: Some(display).filter(|d| !d.is_empty()),
            state: service_state(state).to_string(),
        })
        .collect())
}

/// The network adapters, from `GetAdaptersAddresses` (what `ipconfig` reads).
#[cfg(windows)]
pub fn adapters() -> Result<Vec<super::system::Adapter>, String> {
    Ok(ffi::adapters()?
        .into_iter()
        .map(
            |(description, name, if_type, oper)| super::system::Adapter {
                description,
                name,
                // IfOperStatusUp; IF_TYPE_SOFTWARE_LOOPBACK.
                up: oper == 1,
                loopback: if_type == 24,
            },
        )
        .collect())
}

/// RPC_S_SERVER_UNAVAILABLE and RPC_S_SERVER_TOO_BUSY: the Service Control Manager answers
/// through RPC, and these say it is not listening yet (a machine still booting, a Wine session
/// whose services.exe is starting) or has no free connection, not that the list is unreadable.
/// ERROR_INVALID_HANDLE (which is also RPC_X_SS_CONTEXT_MISMATCH) for a handle opened a moment
/// before: the server did not find it on the connection that carried it (a lost connection;
/// under Wine, two threads reading at once). Each attempt opens a fresh handle, which works.
const TRANSIENT_RPC_ERRORS: [u32; 3] = [6, 1722, 1723];

/// One read at a time of something slow and shared (the Service Control Manager's list): a
/// caller that asks while a read runs waits for that read and takes its result; one that asks
/// after it ended reads again, so nothing is older than the question.
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) struct SharedRead<T> {
    state: std::sync::Mutex<ReadState<T>>,
    ended: std::sync::Condvar,
}

struct ReadState<T> {
    reading: bool,
    /// The last read's result and when it ended.
    last: Option<(std::time::Instant, T)>,
    /// Callers waiting for a running read (the tests watch it).
    waiting: usize,
}

#[cfg_attr(not(windows), allow(dead_code))]
impl<T: Clone> SharedRead<T> {
    pub(crate) const fn new() -> Self {
        SharedRead {
            state: std::sync::Mutex::new(ReadState {
                reading: false,
                last: None,
                waiting: 0,
            }),
            ended: std::sync::Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReadState<T>> {
        // A read that panicked left nothing half-written: the state is set only after it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `read`'s result, or that of a read that was running when this was asked; `None` when
    /// `until` passes while another caller's read runs.
    pub(crate) fn get(&self, until: std::time::Instant, read: impl FnOnce() -> T) -> Option<T> {
        let asked = std::time::Instant::now();
        let mut st = self.lock();
        loop {
            if let Some((ended, v)) = &st.last {
                if *ended >= asked {
                    return Some(v.clone());
                }
            }
            if !st.reading {
                st.reading = true;
                drop(st);
                // Clears `reading` even when `read` panics, so the others read for themselves.
                struct Done<'a, T>(&'a SharedRead<T>);
                impl<T> Drop for Done<'_, T> {
                    fn drop(&mut self) {
                        let mut st = self
                            .0
                            .state
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        st.reading = false;
                        self.0.ended.notify_all();
                    }
                }
                let done = Done(self);
                let v = read();
                self.lock().last = Some((std::time::Instant::now(), v.clone()));
                drop(done);
                return Some(v);
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return None;
            }
            st.waiting += 1;
            st = self
                .ended
                .wait_timeout(st, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
            st.waiting -= 1;
        }
    }

    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.lock().waiting
    }
}

/// Runs `attempt` until it succeeds, fails for a reason that is not transient, or the next
/// pause (50 ms, doubling, at most 400 ms) would end after `until`. The last error is returned
/// as text.
#[cfg_attr(not(windows), allow(dead_code))]
fn retry_transient<T>(
    until: std::time::Instant,
    mut attempt: impl FnMut() -> Result<T, (u32, String)>,
) -> Result<T, String> {
    let mut pause = std::time::Duration::from_millis(50);
    loop {
        match attempt() {
            Ok(v) => return Ok(v),
            Err((code, why)) => {
                let now = std::time::Instant::now();
                if !TRANSIENT_RPC_ERRORS.contains(&code) || now + pause >= until {
                    return Err(why);
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(400));
            }
        }
    }
}

/// A service's `dwCurrentState` as the names `sc query` parsing gives.
pub fn service_state(code: u32) -> &'static str {
    match code {
        1 => "stopped",
        2 => "start-pending",
        3 => "stop-pending",
        4 => "running",
        5 => "continue-pending",
        6 => "pause-pending",
        7 => "paused",
        _ => "unknown",
    }
}

/// The Windows calls with no safe wrapper in the crates tokenyar uses (winreg covers only the
/// registry): the process snapshot, the service list and the network adapters. Both only read, into buffers this
/// module owns; every handle opened here is closed here.
#[cfg(windows)]
#[allow(unsafe_code)]
mod ffi {
    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_BUFFER_OVERFLOW, ERROR_MORE_DATA, ERROR_NO_DATA, GetLastError,
        INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::NetworkManagement::IpHelper::{
        GAA_FLAG_SKIP_ANYCAST, GAA_FLAG_SKIP_DNS_SERVER, GAA_FLAG_SKIP_MULTICAST,
        GAA_FLAG_SKIP_UNICAST, GetAdaptersAddresses, IP_ADAPTER_ADDRESSES_LH,
    };
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, PROCESSENTRY32W, Process32FirstW, Process32NextW,
        TH32CS_SNAPPROCESS,
    };
    use windows_sys::Win32::System::Services::{
        CloseServiceHandle, ENUM_SERVICE_STATUS_PROCESSW, EnumServicesStatusExW, OpenSCManagerW,
        SC_ENUM_PROCESS_INFO, SC_MANAGER_ENUMERATE_SERVICE, SERVICE_STATE_ALL, SERVICE_WIN32,
    };

    fn until_nul(units: &[u16]) -> String {
        let n = units.iter().position(|&c| c == 0).unwrap_or(units.len());
        String::from_utf16_lossy(&units[..n])
    }

    /// SAFETY (caller): `p` is null or points at a NUL-terminated UTF-16 string.
    unsafe fn wide(p: *const u16) -> String {
        if p.is_null() {
            return String::new();
        }
        let mut n = 0;
        // SAFETY: the string is NUL-terminated, so every unit up to the NUL is readable.
        while unsafe { *p.add(n) } != 0 {
            n += 1;
        }
        // SAFETY: `n` units from `p` were just read one by one.
        String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, n) })
    }

    pub(crate) fn process_names() -> Result<Vec<String>, String> {
        // SAFETY: no pointer arguments; the handle is checked and closed below.
        let snap = unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) };
        if snap == INVALID_HANDLE_VALUE || snap.is_null() {
            return Err(format!(
                "the process list could not be read: {}",
                std::io::Error::last_os_error()
            ));
        }
        // SAFETY: PROCESSENTRY32W is plain data, valid when zeroed.
        let mut e: PROCESSENTRY32W = unsafe { std::mem::zeroed() };
        e.dwSize = std::mem::size_of::<PROCESSENTRY32W>() as u32;
        let mut names = Vec::new();
        // SAFETY: `e` is ours, its dwSize set as the API requires.
        let mut more = unsafe { Process32FirstW(snap, &mut e) } != 0;
        while more {
            names.push(until_nul(&e.szExeFile));
            // SAFETY: as above.
            more = unsafe { Process32NextW(snap, &mut e) } != 0;
        }
        // SAFETY: `snap` is a valid handle opened above and closed once.
        unsafe { CloseHandle(snap) };
        Ok(names)
    }

    /// Each adapter's description, friendly name, interface type and operational status.
    pub fn adapters() -> Result<Vec<(String, String, u32, i32)>, String> {
        let flags = GAA_FLAG_SKIP_UNICAST
            | GAA_FLAG_SKIP_ANYCAST
            | GAA_FLAG_SKIP_MULTICAST
            | GAA_FLAG_SKIP_DNS_SERVER;
        // u64 units: the list holds pointers, so the buffer must be 8-byte aligned.
        let mut buf: Vec<u64> = vec![0; 32 * 1024 / 8];
        for _ in 0..4 {
            let mut size = (buf.len() * 8) as u32;
            // SAFETY: the buffer and its byte length match; AF_UNSPEC (0) lists every family.
            let rc = unsafe {
                GetAdaptersAddresses(
                    0,
                    flags,
                    std::ptr::null(),
                    buf.as_mut_ptr().cast::<IP_ADAPTER_ADDRESSES_LH>(),
                    &mut size,
                )
            };
            match rc {
                0 => {}
                ERROR_NO_DATA => return Ok(Vec::new()),
                ERROR_BUFFER_OVERFLOW => {
                    buf.resize((size as usize).div_ceil(8) + 1024, 0);
                    continue;
                }
                e => {
                    return Err(format!(
                        "the network adapters could not be listed: {}",
                        std::io::Error::from_raw_os_error(e as i32)
                    ));
                }
            }
            let mut out = Vec::new();
            let mut p = buf.as_ptr().cast::<IP_ADAPTER_ADDRESSES_LH>();
            while !p.is_null() {
                // SAFETY: the API wrote a linked list of entries inside the buffer, which lives
                // until this function returns; `Next` is null at its end.
                let a = unsafe { &*p };
                // SAFETY: the names are NUL-terminated strings in the buffer (or null).
                let (description, name) = unsafe { (wide(a.Description), wide(a.FriendlyName)) };
                out.push((description, name, a.IfType, a.OperStatus));
                p = a.Next;
            }
            return Ok(out);
        }
        Err("the network adapter list kept growing while it was read".into())
    }

    /// Errors carry the Windows error code, so the caller can tell a transient one.
    pub fn services() -> Result<Vec<(String, String, u32)>, (u32, String)> {
        // SAFETY: null machine and database names mean this computer's active database.
        let scm = unsafe {
            OpenSCManagerW(
                std::ptr::null(),
                std::ptr::null(),
                SC_MANAGER_ENUMERATE_SERVICE,
            )
        };
        if scm.is_null() {
            // SAFETY: no arguments.
            let err = unsafe { GetLastError() };
            return Err((
                err,
                format!(
                    "the Service Control Manager could not be opened: {}",
                    std::io::Error::from_raw_os_error(err as i32)
                ),
            ));
        }
        let mut out = Vec::new();
        let mut resume: u32 = 0;
        // u64 units: the entries hold pointers, so the buffer must be 8-byte aligned.
        let mut buf: Vec<u64> = vec![0; 64 * 1024 / 8];
        let mut rounds = 0;
        let result = loop {
            rounds += 1;
            if rounds > 64 {
                break Err((0, "the service list kept growing while it was read".into()));
            }
            let mut needed: u32 = 0;
            let mut count: u32 = 0;
            // SAFETY: the buffer and its byte length match; the out-parameters are ours.
            let ok = unsafe {
                EnumServicesStatusExW(
                    scm,
                    SC_ENUM_PROCESS_INFO,
                    SERVICE_WIN32,
                    SERVICE_STATE_ALL,
                    buf.as_mut_ptr().cast::<u8>(),
                    (buf.len() * 8) as u32,
                    &mut needed,
                    &mut count,
                    &mut resume,
                    std::ptr::null(),
                )
            } != 0;
            // SAFETY: no arguments.
            let err = if ok { 0 } else { unsafe { GetLastError() } };
            if !ok && err != ERROR_MORE_DATA {
                break Err((
                    err,
                    format!(
                        "the services could not be listed: {}",
                        std::io::Error::from_raw_os_error(err as i32)
                    ),
                ));
            }
            let entries = buf.as_ptr().cast::<ENUM_SERVICE_STATUS_PROCESSW>();
            for i in 0..count as usize {
                // SAFETY: the API wrote `count` entries at the start of the buffer, and their
                // strings inside it; the buffer lives until the loop's next call.
                let e = unsafe { &*entries.add(i) };
                // SAFETY: the names are NUL-terminated strings in the buffer.
                let (name, display) = unsafe { (wide(e.lpServiceName), wide(e.lpDisplayName)) };
                out.push((name, display, e.ServiceStatusProcess.dwCurrentState));
            }
            if ok {
                break Ok(out);
            }
            // With nothing returned, the buffer must grow even where `needed` says it is big
            // enough, or the same call would be repeated for ever.
            let want = (needed as usize).div_ceil(8);
            if want > buf.len() {
                buf.resize(want, 0);
            } else if count == 0 {
                buf.resize(buf.len() * 2, 0);
            }
        };
        // SAFETY: `scm` is a valid handle opened above and closed once.
        unsafe { CloseServiceHandle(scm) };
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    #[test]
    fn persian_strings_come_through_whole() {
        assert_eq!(value_text(1, &utf16z("مهر و موم ستاد")), "مهر و موم ستاد");
        assert_eq!(
            value_text(2, &utf16z("%ProgramFiles%\\راهبر")),
            "%ProgramFiles%\\راهبر"
        );
        assert_eq!(type_name(1), "REG_SZ");
    }

    #[test]
    fn numbers_print_as_reg_does() {
        assert_eq!(value_text(4, &22u32.to_le_bytes()), "0x16");
        assert_eq!(
            value_text(11, &0x1_0000_0000u64.to_le_bytes()),
            "0x100000000"
        );
        // A DWORD too short to be one is shown raw rather than invented.
        assert_eq!(value_text(4, &[1, 2]), "0102");
    }

    #[test]
    fn multi_strings_and_binary() {
        let mut b = utf16z("a");
        b.extend(utf16z("ب"));
        b.extend([0, 0]);
        assert_eq!(value_text(7, &b), "a\\0ب");
        assert_eq!(value_text(3, &[0xde, 0xad]), "DEAD");
    }

    #[test]
    fn a_starting_service_manager_is_asked_again() {
        let mut calls = 0;
        let soon = std::time::Instant::now() + std::time::Duration::from_secs(1);
        let got = retry_transient(soon, || {
            calls += 1;
            if calls < 3 {
                Err((1722, "not yet".into()))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(got, Ok(3));
    }

    #[test]
    fn other_failures_and_the_deadline_end_the_retries() {
        let mut calls = 0;
        let soon = std::time::Instant::now() + std::time::Duration::from_secs(1);
        let got: Result<(), String> = retry_transient(soon, || {
            calls += 1;
            Err((5, "access denied".into()))
        });
        assert_eq!((got, calls), (Err("access denied".into()), 1));

        let until = std::time::Instant::now() + std::time::Duration::from_millis(300);
        let mut calls = 0;
        let got: Result<(), String> = retry_transient(until, || {
            calls += 1;
            Err((1723, format!("busy {calls}")))
        });
        // 50 + 100 ms of pauses fit before the deadline; the next 200 ms would not. (A loaded
        // machine may oversleep, so only the bounds are exact.)
        assert!((2..=3).contains(&calls), "{calls} calls");
        assert_eq!(got, Err(format!("busy {calls}")));
        assert!(std::time::Instant::now() < until + std::time::Duration::from_millis(100));
    }

    fn wait_for(what: &str, cond: impl Fn() -> bool) {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !cond() {
            assert!(std::time::Instant::now() < end, "{what} never happened");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    #[test]
    fn a_read_is_shared_by_whoever_asks_while_it_runs() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let shared = SharedRead::<u32>::new();
        let reads = AtomicUsize::new(0);
        let (release, released) = std::sync::mpsc::channel::<()>();
        let far = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let (shared_ref, reads_ref) = (&shared, &reads);
        std::thread::scope(|s| {
            let first = s.spawn(move || {
                shared_ref.get(far, || {
                    reads_ref.fetch_add(1, Ordering::SeqCst);
                    released.recv().ok();
                    1
                })
            });
            wait_for("the first read", || reads.load(Ordering::SeqCst) == 1);
            let second = s.spawn(|| {
                shared.get(far, || {
                    reads.fetch_add(1, Ordering::SeqCst);
                    2
                })
            });
            wait_for("the second caller waiting", || shared.waiting() == 1);
            release.send(()).ok();
            assert_eq!(first.join().ok().flatten(), Some(1));
            assert_eq!(second.join().ok().flatten(), Some(1));
        });
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Asked after that read ended: read again.
        assert_eq!(shared.get(far, || 3), Some(3));
    }

    #[test]
    fn a_waiter_gives_up_at_its_deadline_and_a_panicking_read_frees_the_next() {
        let shared = SharedRead::<u32>::new();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let far = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let shared_ref = &shared;
        std::thread::scope(|s| {
            let first = s.spawn(move || {
                shared_ref.get(far, || {
                    started.send(()).ok();
                    released.recv().ok();
                    1
                })
            });
            has_started.recv().ok();
            let soon = std::time::Instant::now() + std::time::Duration::from_millis(50);
            assert_eq!(shared.get(soon, || 2), None);
            release.send(()).ok();
            assert_eq!(first.join().ok().flatten(), Some(1));
        });
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            shared.get(far, || -> u32 { panic!("the read failed") })
        }));
        assert!(panicked.is_err());
        let soon = std::time::Instant::now() + std::time::Duration::from_millis(50);
        assert_eq!(shared.get(soon, || 4), Some(4));
    }

    /// Under Wine, before reads were shared, four threads reading at once failed one read in
    /// four with ERROR_INVALID_HANDLE.
    #[cfg(windows)]
    #[test]
    fn the_service_manager_read_from_many_threads_at_once_always_answers() {
        for _ in 0..5 {
            let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
            let got: Vec<_> = std::thread::scope(|s| {
                let hs: Vec<_> = (0..8).map(|_| s.spawn(|| services(Some(until)))).collect();
                hs.into_iter().map(|h| h.join().ok()).collect()
            });
            for g in got {
                let list = g.expect("no panic").expect("the list");
                assert!(!list.is_empty());
            }
        }
    }

    #[test]
    fn service_states_match_sc_query_parsing() {
        let text = "SERVICE_NAME: a\n        STATE              : 4  RUNNING\n";
        let parsed = super::super::windows::parse_sc_query(text);
        assert_eq!(parsed[0].state, service_state(4));
        assert_eq!(service_state(1), "stopped");
        assert_eq!(service_state(99), "unknown");
    }

    #[test]
    fn hives_in_short_and_long_forms() {
        assert_eq!(
            split_hive(r"HKLM\SOFTWARE\X\"),
            Some(("HKEY_LOCAL_MACHINE", r"SOFTWARE\X"))
        );
        assert_eq!(
            split_hive(r"hkey_current_user\Control Panel"),
            Some(("HKEY_CURRENT_USER", "Control Panel"))
        );
        assert_eq!(split_hive("HKCU"), Some(("HKEY_CURRENT_USER", "")));
        assert_eq!(split_hive(r"C:\Windows"), None);
    }
}
