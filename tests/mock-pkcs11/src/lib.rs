//! A fake PKCS#11 module for tokenyar's tests: it plays what SoftHSM2 cannot (a locked user PIN, a
//! final try, a PIN to be changed, a blocked SO PIN, a token the module does not recognise, a
//! module that hangs or aborts) and records every call, so a test can prove tokenyar never logs
//! in, never touches a PIN and never writes.
//!
//! The scenario is a JSON file named by `TOKENYAR_MOCK_SCENARIO`, or else the file beside this
//! library with `.json` appended to its name (so two copies of the library in one run can play two
//! scenarios):
//!
//! ```json
//! {
//!   "log": "/tmp/x/calls.log",
//!   "library": {"manufacturer": "Mock", "description": "mock module"},
//!   "initialize_rv": 0,
//!   "hang_in": "C_GetTokenInfo",      // never returns from this function
//!   "abort_in": "C_GetTokenInfo",     // kills the process in this function
//!   "slots": [{
//!     "id": 1, "description": "Mock slot", "manufacturer": "Mock",
//!     "token_present": true, "removable": true, "hardware": true,
//!     "token_info_rv": "CKR_TOKEN_NOT_RECOGNIZED",
//!     "open_session_rv": "CKR_DEVICE_REMOVED",   // the token pulled out after its info was read
//!     "garbage_lengths": true,                  // C_GetAttributeValue reports absurd sizes
//!     "token": {"label": "ali", "model": "ePass3003", "manufacturer": "EnterSafe",
//!               "serial": "0102", "min_pin": 4, "max_pin": 16,
//!               "flags": ["token_initialized", "user_pin_initialized", "user_pin_locked"]},
//!     "certificates": [{"label": "sign", "id": "01", "der_hex": "3082..."}]
//!   }]
//! }
//! ```
//!
//! Every call appends its name to the `log` file (or `TOKENYAR_MOCK_LOG`), one per line;
//! `C_OpenSession` also writes its flags. The functions that could harm a real token (log in,
//! PIN changes, token initialisation, object writes, key generation) exist only to be recorded.

// A PKCS#11 module is a C ABI: raw pointers from the caller, a static function table.
#![allow(unsafe_code)]
// CK_ULONG is 64 bits here but 32 on Windows: the casts are needed somewhere.
#![allow(clippy::unnecessary_cast)]

use std::collections::HashMap;
use std::io::Write;
use std::os::raw::c_void;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use cryptoki_sys::*;
use serde_json::Value;

struct Object {
    handle: CK_OBJECT_HANDLE,
    slot: CK_SLOT_ID,
    label: Vec<u8>,
    id: Vec<u8>,
    value: Vec<u8>,
}

struct State {
    scenario: Value,
    objects: Vec<Object>,
    /// Session handle -> (slot, handles the current search still has to return).
    sessions: HashMap<CK_SESSION_HANDLE, (CK_SLOT_ID, Option<Vec<CK_OBJECT_HANDLE>>)>,
    next_session: CK_SESSION_HANDLE,
}

static STATE: Mutex<Option<State>> = Mutex::new(None);

fn scenario_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOKENYAR_MOCK_SCENARIO") {
        return Some(PathBuf::from(p));
    }
    own_path().map(|p| {
        let mut s = p.into_os_string();
        s.push(".json");
        PathBuf::from(s)
    })
}

/// The file this library was loaded from.
#[cfg(not(unix))]
fn own_path() -> Option<PathBuf> {
    None
}

/// The file this library was loaded from.
#[cfg(unix)]
fn own_path() -> Option<PathBuf> {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let addr = C_GetFunctionList as *const c_void;
    // SAFETY: dladdr only reads the address and fills `info`.
    let found = unsafe { libc::dladdr(addr, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated path owned by the loader.
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    Some(PathBuf::from(name.to_string_lossy().into_owned()))
}

fn load_scenario() -> Value {
    scenario_path()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}

fn log_path(scenario: &Value) -> Option<PathBuf> {
    std::env::var_os("TOKENYAR_MOCK_LOG")
        .map(PathBuf::from)
        .or_else(|| scenario.get("log")?.as_str().map(PathBuf::from))
}

/// Records a call, then hangs or aborts if the scenario says so for this function.
fn enter(name: &str, detail: &str) {
    let scenario = {
        let guard = STATE.lock().ok();
        guard
            .as_ref()
            .and_then(|g| g.as_ref())
            .map(|s| s.scenario.clone())
            .unwrap_or_else(load_scenario)
    };
    if let Some(path) = log_path(&scenario)
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(f, "{name}{detail}");
    }
    if scenario.get("abort_in").and_then(Value::as_str) == Some(name) {
        std::process::abort();
    }
    if scenario.get("hang_in").and_then(Value::as_str) == Some(name) {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

fn rv_of(v: Option<&Value>) -> CK_RV {
    match v {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as CK_RV,
        Some(Value::String(s)) => match s.as_str() {
            "CKR_GENERAL_ERROR" => CKR_GENERAL_ERROR,
            "CKR_FUNCTION_FAILED" => CKR_FUNCTION_FAILED,
            "CKR_DEVICE_ERROR" => CKR_DEVICE_ERROR,
            "CKR_DEVICE_REMOVED" => CKR_DEVICE_REMOVED,
            "CKR_TOKEN_NOT_PRESENT" => CKR_TOKEN_NOT_PRESENT,
            "CKR_TOKEN_NOT_RECOGNIZED" => CKR_TOKEN_NOT_RECOGNIZED,
            "CKR_SLOT_ID_INVALID" => CKR_SLOT_ID_INVALID,
            _ => CKR_GENERAL_ERROR,
        },
        _ => CKR_OK,
    }
}

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> Option<T> {
    STATE.lock().ok()?.as_mut().map(f)
}

fn slot_of(state: &State, id: CK_SLOT_ID) -> Option<Value> {
    state
        .scenario
        .get("slots")?
        .as_array()?
        .iter()
        .find(|s| s.get("id").and_then(Value::as_u64) == Some(id as u64))
        .cloned()
}

/// Copies `text` into a fixed PKCS#11 field, blank-padded as the standard wants.
fn pad(field: &mut [u8], text: &str) {
    field.fill(b' ');
    let b = text.as_bytes();
    let n = b.len().min(field.len());
    field[..n].copy_from_slice(&b[..n]);
}

fn str_at<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|c| match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => c - b'A' + 10,
        })
        .collect();
    digits
        .chunks(2)
        .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
        .collect()
}

extern "C" fn initialize(_args: *mut c_void) -> CK_RV {
    let scenario = load_scenario();
    let mut objects = Vec::new();
    let mut handle = 100;
    for s in scenario
        .get("slots")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let slot = s.get("id").and_then(Value::as_u64).unwrap_or(0) as CK_SLOT_ID;
        for c in s
            .get("certificates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            handle += 1;
            objects.push(Object {
                handle,
                slot,
                label: str_at(c, "label").as_bytes().to_vec(),
                id: hex(str_at(c, "id")),
                value: hex(str_at(c, "der_hex")),
            });
        }
    }
    let rv = rv_of(scenario.get("initialize_rv"));
    if let Ok(mut g) = STATE.lock() {
        *g = Some(State {
            scenario,
            objects,
            sessions: HashMap::new(),
            next_session: 1,
        });
    }
    enter("C_Initialize", "");
    rv
}

extern "C" fn finalize(_reserved: *mut c_void) -> CK_RV {
    enter("C_Finalize", "");
    CKR_OK
}

extern "C" fn get_info(info: *mut CK_INFO) -> CK_RV {
    enter("C_GetInfo", "");
    if info.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let lib = with_state(|s| s.scenario.get("library").cloned().unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    // SAFETY: the caller passes a valid CK_INFO to fill.
    let info = unsafe { &mut *info };
    info.cryptokiVersion = CK_VERSION {
        major: 2,
        minor: 40,
    };
    pad(&mut info.manufacturerID, str_at(&lib, "manufacturer"));
    pad(&mut info.libraryDescription, str_at(&lib, "description"));
    info.flags = 0;
    info.libraryVersion = CK_VERSION { major: 1, minor: 2 };
    CKR_OK
}

extern "C" fn get_slot_list(
    token_present: CK_BBOOL,
    list: *mut CK_SLOT_ID,
    count: *mut CK_ULONG,
) -> CK_RV {
    enter("C_GetSlotList", "");
    if count.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let Some((rv, ids)) = with_state(|s| {
        let rv = rv_of(s.scenario.get("slot_list_rv"));
        let ids: Vec<CK_SLOT_ID> = s
            .scenario
            .get("slots")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|sl| {
                token_present == 0 || sl.get("token_present").and_then(Value::as_bool) == Some(true)
            })
            .filter_map(|sl| sl.get("id").and_then(Value::as_u64))
            .map(|i| i as CK_SLOT_ID)
            .collect();
        (rv, ids)
    }) else {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    };
    if rv != CKR_OK {
        return rv;
    }
    // SAFETY: count is a valid pointer (checked above); list, when given, holds *count ids.
    unsafe {
        if list.is_null() {
            *count = ids.len() as CK_ULONG;
            return CKR_OK;
        }
        if (*count as usize) < ids.len() {
            *count = ids.len() as CK_ULONG;
            return CKR_BUFFER_TOO_SMALL;
        }
        for (i, id) in ids.iter().enumerate() {
            *list.add(i) = *id;
        }
        *count = ids.len() as CK_ULONG;
    }
    CKR_OK
}

extern "C" fn get_slot_info(slot: CK_SLOT_ID, info: *mut CK_SLOT_INFO) -> CK_RV {
    enter("C_GetSlotInfo", "");
    if info.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let Some(s) = with_state(|st| slot_of(st, slot)).flatten() else {
        return CKR_SLOT_ID_INVALID;
    };
    let rv = rv_of(s.get("slot_info_rv"));
    if rv != CKR_OK {
        return rv;
    }
    // SAFETY: the caller passes a valid CK_SLOT_INFO to fill.
    let info = unsafe { &mut *info };
    pad(&mut info.slotDescription, str_at(&s, "description"));
    pad(&mut info.manufacturerID, str_at(&s, "manufacturer"));
    let flag = |k: &str, f: CK_FLAGS| {
        if s.get(k).and_then(Value::as_bool) == Some(true) {
            f
        } else {
            0
        }
    };
    info.flags = flag("token_present", CKF_TOKEN_PRESENT)
        | flag("removable", CKF_REMOVABLE_DEVICE)
        | flag("hardware", CKF_HW_SLOT);
    info.hardwareVersion = CK_VERSION { major: 1, minor: 0 };
    info.firmwareVersion = CK_VERSION { major: 1, minor: 0 };
    CKR_OK
}

fn token_flag(name: &str) -> CK_FLAGS {
    match name {
        "rng" => CKF_RNG,
        "write_protected" => CKF_WRITE_PROTECTED,
        "login_required" => CKF_LOGIN_REQUIRED,
        "user_pin_initialized" => CKF_USER_PIN_INITIALIZED,
        "token_initialized" => CKF_TOKEN_INITIALIZED,
        "user_pin_count_low" => CKF_USER_PIN_COUNT_LOW,
        "user_pin_final_try" => CKF_USER_PIN_FINAL_TRY,
        "user_pin_locked" => CKF_USER_PIN_LOCKED,
        "user_pin_to_be_changed" => CKF_USER_PIN_TO_BE_CHANGED,
        "so_pin_count_low" => CKF_SO_PIN_COUNT_LOW,
        "so_pin_final_try" => CKF_SO_PIN_FINAL_TRY,
        "so_pin_locked" => CKF_SO_PIN_LOCKED,
        "so_pin_to_be_changed" => CKF_SO_PIN_TO_BE_CHANGED,
        _ => 0,
    }
}

extern "C" fn get_token_info(slot: CK_SLOT_ID, info: *mut CK_TOKEN_INFO) -> CK_RV {
    enter("C_GetTokenInfo", "");
    if info.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let Some(s) = with_state(|st| slot_of(st, slot)).flatten() else {
        return CKR_SLOT_ID_INVALID;
    };
    if s.get("token_present").and_then(Value::as_bool) != Some(true) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    let rv = rv_of(s.get("token_info_rv"));
    if rv != CKR_OK {
        return rv;
    }
    let t = s.get("token").cloned().unwrap_or(Value::Null);
    // SAFETY: the caller passes a valid CK_TOKEN_INFO to fill.
    let info = unsafe { &mut *info };
    pad(&mut info.label, str_at(&t, "label"));
    pad(&mut info.manufacturerID, str_at(&t, "manufacturer"));
    pad(&mut info.model, str_at(&t, "model"));
    pad(&mut info.serialNumber, str_at(&t, "serial"));
    info.flags = t
        .get("flags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(token_flag)
        .fold(0, |a, f| a | f);
    let num = |k: &str, d: u64| t.get(k).and_then(Value::as_u64).unwrap_or(d) as CK_ULONG;
    info.ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info.ulSessionCount = CK_UNAVAILABLE_INFORMATION;
    info.ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info.ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
    info.ulMinPinLen = num("min_pin", 4);
    info.ulMaxPinLen = num("max_pin", 16);
    info.ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info.ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info.hardwareVersion = CK_VERSION { major: 1, minor: 0 };
    info.firmwareVersion = CK_VERSION { major: 1, minor: 0 };
    info.utcTime.fill(b' ');
    CKR_OK
}

extern "C" fn open_session(
    slot: CK_SLOT_ID,
    flags: CK_FLAGS,
    _app: *mut c_void,
    _notify: CK_NOTIFY,
    session: *mut CK_SESSION_HANDLE,
) -> CK_RV {
    let rw = if flags & CKF_RW_SESSION != 0 {
        " rw"
    } else {
        " ro"
    };
    enter("C_OpenSession", rw);
    if session.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let rv = with_state(|st| slot_of(st, slot).map(|s| rv_of(s.get("open_session_rv"))))
        .flatten()
        .unwrap_or(CKR_OK);
    if rv != CKR_OK {
        return rv;
    }
    let Some(h) = with_state(|st| {
        let h = st.next_session;
        st.next_session += 1;
        st.sessions.insert(h, (slot, None));
        h
    }) else {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    };
    // SAFETY: checked non-null above.
    unsafe { *session = h };
    CKR_OK
}

extern "C" fn close_session(session: CK_SESSION_HANDLE) -> CK_RV {
    enter("C_CloseSession", "");
    with_state(|st| st.sessions.remove(&session));
    CKR_OK
}

extern "C" fn close_all_sessions(_slot: CK_SLOT_ID) -> CK_RV {
    enter("C_CloseAllSessions", "");
    CKR_OK
}

/// Reads one CK_ULONG attribute from a search template.
fn template_ulong(t: &CK_ATTRIBUTE) -> Option<CK_ULONG> {
    if t.pValue.is_null() || t.ulValueLen as usize != std::mem::size_of::<CK_ULONG>() {
        return None;
    }
    // SAFETY: the caller's template points at a CK_ULONG of the stated size.
    Some(unsafe { std::ptr::read_unaligned(t.pValue as *const CK_ULONG) })
}

extern "C" fn find_objects_init(
    session: CK_SESSION_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    enter("C_FindObjectsInit", "");
    let attrs: &[CK_ATTRIBUTE] = if template.is_null() || count == 0 {
        &[]
    } else {
        // SAFETY: the caller passes `count` attributes.
        unsafe { std::slice::from_raw_parts(template, count as usize) }
    };
    let mut class = None;
    for a in attrs {
        if a.type_ == CKA_CLASS {
            class = template_ulong(a);
        }
    }
    with_state(|st| {
        let Some((slot, _)) = st.sessions.get(&session).cloned() else {
            return CKR_SESSION_HANDLE_INVALID;
        };
        // The mock holds certificates only; a search for anything else finds nothing.
        let found: Vec<CK_OBJECT_HANDLE> = if class.is_none_or(|c| c == CKO_CERTIFICATE) {
            st.objects
                .iter()
                .filter(|o| o.slot == slot)
                .map(|o| o.handle)
                .collect()
        } else {
            Vec::new()
        };
        st.sessions.insert(session, (slot, Some(found)));
        CKR_OK
    })
    .unwrap_or(CKR_CRYPTOKI_NOT_INITIALIZED)
}

extern "C" fn find_objects(
    session: CK_SESSION_HANDLE,
    out: *mut CK_OBJECT_HANDLE,
    max: CK_ULONG,
    count: *mut CK_ULONG,
) -> CK_RV {
    enter("C_FindObjects", "");
    if out.is_null() || count.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    let batch = with_state(|st| {
        let (_, pending) = st.sessions.get_mut(&session)?;
        let pending = pending.as_mut()?;
        let n = pending.len().min(max as usize);
        Some(pending.drain(..n).collect::<Vec<_>>())
    })
    .flatten();
    let Some(batch) = batch else {
        return CKR_OPERATION_NOT_INITIALIZED;
    };
    // SAFETY: `out` holds `max` handles and `batch` is no longer than that.
    unsafe {
        for (i, h) in batch.iter().enumerate() {
            *out.add(i) = *h;
        }
        *count = batch.len() as CK_ULONG;
    }
    CKR_OK
}

extern "C" fn find_objects_final(session: CK_SESSION_HANDLE) -> CK_RV {
    enter("C_FindObjectsFinal", "");
    with_state(|st| {
        if let Some(s) = st.sessions.get_mut(&session) {
            s.1 = None;
        }
    });
    CKR_OK
}

extern "C" fn get_attribute_value(
    _session: CK_SESSION_HANDLE,
    object: CK_OBJECT_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    enter("C_GetAttributeValue", "");
    if template.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    // SAFETY: the caller passes `count` attributes to fill.
    let attrs = unsafe { std::slice::from_raw_parts_mut(template, count as usize) };
    let values: Option<Vec<Option<Vec<u8>>>> = with_state(|st| {
        let o = st.objects.iter().find(|o| o.handle == object)?;
        Some(
            attrs
                .iter()
                .map(|a| match a.type_ {
                    CKA_CLASS => Some(CKO_CERTIFICATE.to_ne_bytes().to_vec()),
                    CKA_CERTIFICATE_TYPE => Some(CKC_X_509.to_ne_bytes().to_vec()),
                    CKA_TOKEN => Some(vec![CK_TRUE]),
                    CKA_PRIVATE => Some(vec![CK_FALSE]),
                    CKA_LABEL => Some(o.label.clone()),
                    CKA_ID => Some(o.id.clone()),
                    CKA_VALUE => Some(o.value.clone()),
                    _ => None,
                })
                .collect(),
        )
    })
    .flatten();
    let Some(values) = values else {
        return CKR_OBJECT_HANDLE_INVALID;
    };
    // A broken module: sizes that no certificate has (the caller must not trust them blindly).
    let garbage = with_state(|st| {
        st.scenario
            .get("slots")
            .and_then(Value::as_array)
            .is_some_and(|a| {
                a.iter()
                    .any(|s| s.get("garbage_lengths") == Some(&Value::Bool(true)))
            })
    })
    .unwrap_or(false);
    if garbage {
        for a in attrs.iter_mut() {
            a.ulValueLen = CK_ULONG::MAX / 2; // absurd on 32- and 64-bit CK_ULONG alike
        }
        return CKR_OK;
    }
    let mut rv = CKR_OK;
    for (a, v) in attrs.iter_mut().zip(values) {
        match v {
            None => {
                a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                rv = CKR_ATTRIBUTE_TYPE_INVALID;
            }
            Some(v) if a.pValue.is_null() => a.ulValueLen = v.len() as CK_ULONG,
            Some(v) if (a.ulValueLen as usize) < v.len() => {
                a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                rv = CKR_BUFFER_TOO_SMALL;
            }
            Some(v) => {
                // SAFETY: pValue holds ulValueLen bytes, at least v.len().
                unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), a.pValue as *mut u8, v.len()) };
                a.ulValueLen = v.len() as CK_ULONG;
            }
        }
    }
    rv
}

// What must never be called: recorded, so a test catches a caller that does.
extern "C" fn init_token(
    _: CK_SLOT_ID,
    _: *mut CK_UTF8CHAR,
    _: CK_ULONG,
    _: *mut CK_UTF8CHAR,
) -> CK_RV {
    enter("C_InitToken", "");
    CKR_OK
}
extern "C" fn init_pin(_: CK_SESSION_HANDLE, _: *mut CK_UTF8CHAR, _: CK_ULONG) -> CK_RV {
    enter("C_InitPIN", "");
    CKR_OK
}
extern "C" fn set_pin(
    _: CK_SESSION_HANDLE,
    _: *mut CK_UTF8CHAR,
    _: CK_ULONG,
    _: *mut CK_UTF8CHAR,
    _: CK_ULONG,
) -> CK_RV {
    enter("C_SetPIN", "");
    CKR_OK
}
extern "C" fn login(
    _: CK_SESSION_HANDLE,
    _: CK_USER_TYPE,
    _: *mut CK_UTF8CHAR,
    _: CK_ULONG,
) -> CK_RV {
    enter("C_Login", "");
    CKR_OK
}
extern "C" fn logout(_: CK_SESSION_HANDLE) -> CK_RV {
    enter("C_Logout", "");
    CKR_OK
}
extern "C" fn create_object(
    _: CK_SESSION_HANDLE,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
    _: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    enter("C_CreateObject", "");
    CKR_FUNCTION_NOT_SUPPORTED
}
extern "C" fn copy_object(
    _: CK_SESSION_HANDLE,
    _: CK_OBJECT_HANDLE,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
    _: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    enter("C_CopyObject", "");
    CKR_FUNCTION_NOT_SUPPORTED
}
extern "C" fn destroy_object(_: CK_SESSION_HANDLE, _: CK_OBJECT_HANDLE) -> CK_RV {
    enter("C_DestroyObject", "");
    CKR_FUNCTION_NOT_SUPPORTED
}
extern "C" fn set_attribute_value(
    _: CK_SESSION_HANDLE,
    _: CK_OBJECT_HANDLE,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
) -> CK_RV {
    enter("C_SetAttributeValue", "");
    CKR_FUNCTION_NOT_SUPPORTED
}
extern "C" fn generate_key(
    _: CK_SESSION_HANDLE,
    _: *mut CK_MECHANISM,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
    _: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    enter("C_GenerateKey", "");
    CKR_FUNCTION_NOT_SUPPORTED
}
#[allow(clippy::too_many_arguments)] // the PKCS#11 signature
extern "C" fn generate_key_pair(
    _: CK_SESSION_HANDLE,
    _: *mut CK_MECHANISM,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
    _: *mut CK_ATTRIBUTE,
    _: CK_ULONG,
    _: *mut CK_OBJECT_HANDLE,
    _: *mut CK_OBJECT_HANDLE,
) -> CK_RV {
    enter("C_GenerateKeyPair", "");
    CKR_FUNCTION_NOT_SUPPORTED
}

static FUNCTIONS: CK_FUNCTION_LIST = CK_FUNCTION_LIST {
    version: CK_VERSION {
        major: 2,
        minor: 40,
    },
    C_Initialize: Some(initialize),
    C_Finalize: Some(finalize),
    C_GetInfo: Some(get_info),
    C_GetFunctionList: Some(C_GetFunctionList),
    C_GetSlotList: Some(get_slot_list),
    C_GetSlotInfo: Some(get_slot_info),
    C_GetTokenInfo: Some(get_token_info),
    C_GetMechanismList: None,
    C_GetMechanismInfo: None,
    C_InitToken: Some(init_token),
    C_InitPIN: Some(init_pin),
    C_SetPIN: Some(set_pin),
    C_OpenSession: Some(open_session),
    C_CloseSession: Some(close_session),
    C_CloseAllSessions: Some(close_all_sessions),
    C_GetSessionInfo: None,
    C_GetOperationState: None,
    C_SetOperationState: None,
    C_Login: Some(login),
    C_Logout: Some(logout),
    C_CreateObject: Some(create_object),
    C_CopyObject: Some(copy_object),
    C_DestroyObject: Some(destroy_object),
    C_GetObjectSize: None,
    C_GetAttributeValue: Some(get_attribute_value),
    C_SetAttributeValue: Some(set_attribute_value),
    C_FindObjectsInit: Some(find_objects_init),
    C_FindObjects: Some(find_objects),
    C_FindObjectsFinal: Some(find_objects_final),
    C_EncryptInit: None,
    C_Encrypt: None,
    C_EncryptUpdate: None,
    C_EncryptFinal: None,
    C_DecryptInit: None,
    C_Decrypt: None,
    C_DecryptUpdate: None,
    C_DecryptFinal: None,
    C_DigestInit: None,
    C_Digest: None,
    C_DigestUpdate: None,
    C_DigestKey: None,
    C_DigestFinal: None,
    C_SignInit: None,
    C_Sign: None,
    C_SignUpdate: None,
    C_SignFinal: None,
    C_SignRecoverInit: None,
    C_SignRecover: None,
    C_VerifyInit: None,
    C_Verify: None,
    C_VerifyUpdate: None,
    C_VerifyFinal: None,
    C_VerifyRecoverInit: None,
    C_VerifyRecover: None,
    C_DigestEncryptUpdate: None,
    C_DecryptDigestUpdate: None,
    C_SignEncryptUpdate: None,
    C_DecryptVerifyUpdate: None,
    C_GenerateKey: Some(generate_key),
    C_GenerateKeyPair: Some(generate_key_pair),
    C_WrapKey: None,
    C_UnwrapKey: None,
    C_DeriveKey: None,
    C_SeedRandom: None,
    C_GenerateRandom: None,
    C_GetFunctionStatus: None,
    C_CancelFunction: None,
    C_WaitForSlotEvent: None,
};

/// The module's one exported entry point, as PKCS#11 2.x defines it.
///
/// # Safety
/// `list` must be a valid pointer to write one pointer into.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn C_GetFunctionList(list: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    enter("C_GetFunctionList", "");
    if list.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    // The table is never written through: PKCS#11 hands out a mutable pointer by convention.
    // SAFETY: `list` is valid (checked above).
    unsafe { *list = &FUNCTIONS as *const CK_FUNCTION_LIST as *mut CK_FUNCTION_LIST };
    CKR_OK
}
