//! The child's side: load one PKCS#11 module and walk the read-only sequence, printing one line
//! per step (see [`Event`]): initialise, slot list, slot info, token info, a read-only session,
//! find the certificate objects, finalise.
//!
//! There is deliberately no login, no PIN, no write, no delete and no key generation anywhere in
//! this file: a wrong PIN costs the user one of their tries, and the token is theirs.

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass};
use cryptoki::slot::TokenInfo as CkTokenInfo;

use super::{Certificate, Event, Flags, Library, Slot, TokenInfo};

/// At most this many slots and certificates are read, whatever a module claims.
const MAX_SLOTS: usize = 64;
const MAX_CERTIFICATES: usize = 64;
/// A certificate larger than this is reported, not carried (scripts have size limits).
const MAX_DER: usize = 64 * 1024;

/// Ends this process after `limit`, whatever a module is doing: the parent kills a child that
/// overruns its deadline, and this covers a parent that is gone by then.
pub fn watchdog(limit: std::time::Duration) {
    let _ = std::thread::Builder::new()
        .name("probe-token-watchdog".into())
        .spawn(move || {
            std::thread::sleep(limit);
            std::process::exit(3);
        });
}

/// Runs the sequence on `module`, writing event lines to `out`. Errors of the module are lines
/// too; only a failure to write ends the run early.
pub fn run(module: &Path, out: &mut impl Write) -> std::io::Result<()> {
    let mut emit = |ev: Event| -> std::io::Result<()> {
        writeln!(out, "{}", ev.to_line())?;
        out.flush()
    };
    sequence(module, &mut emit)?;
    // The child finished on its own terms, whatever the module said: not a crash.
    emit(Event::Done)
}

fn sequence(
    module: &Path,
    emit: &mut impl FnMut(Event) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let step = |name: &str, slot_id: Option<u64>| Event::Step {
        step: name.into(),
        slot_id,
    };
    let fail = |name: &str, e: &Error| {
        let (error, detail) = describe(e);
        Event::Error {
            step: name.into(),
            error,
            detail: Some(detail),
        }
    };

    emit(step("C_GetFunctionList", None))?;
    let ctx = match Pkcs11::new(module) {
        Ok(c) => c,
        Err(e) => return emit(fail("C_GetFunctionList", &e)),
    };
    emit(Event::Loaded)?;
    emit(step("C_Initialize", None))?;
    if let Err(e) = ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        return emit(fail("C_Initialize", &e));
    }
    emit(step("C_GetInfo", None))?;
    if let Ok(info) = ctx.get_library_info() {
        emit(Event::Library {
            library: Library {
                manufacturer: safe(info.manufacturer_id().trim()),
                description: safe(info.library_description().trim()),
                version: info.library_version().to_string(),
                cryptoki_version: info.cryptoki_version().to_string(),
            },
        })?;
    }
    emit(step("C_GetSlotList", None))?;
    let slots = match ctx.get_all_slots() {
        Ok(s) => s,
        Err(e) => {
            emit(fail("C_GetSlotList", &e))?;
            let _ = ctx.finalize();
            return Ok(());
        }
    };
    for slot in slots.into_iter().take(MAX_SLOTS) {
        let id = slot.id();
        let mut s = Slot {
            slot_id: id,
            ..Slot::default()
        };
        let failed = |s: &mut Slot, name: &str, e: &Error| {
            let (error, _) = describe(e);
            s.error = Some(error);
            s.error_in = Some(name.into());
            Event::Slot { slot: s.clone() }
        };
        emit(step("C_GetSlotInfo", Some(id)))?;
        let info = match ctx.get_slot_info(slot) {
            Ok(i) => i,
            Err(e) => {
                emit(failed(&mut s, "C_GetSlotInfo", &e))?;
                continue;
            }
        };
        s.description = safe(info.slot_description().trim());
        s.manufacturer = safe(info.manufacturer_id().trim());
        s.token_present = info.token_present();
        s.removable = info.removable_device();
        s.hardware = info.hardware_slot();
        emit(Event::Slot { slot: s.clone() })?;
        if !s.token_present {
            continue;
        }
        emit(step("C_GetTokenInfo", Some(id)))?;
        let token = match ctx.get_token_info(slot) {
            Ok(t) => t,
            Err(e) => {
                emit(failed(&mut s, "C_GetTokenInfo", &e))?;
                continue;
            }
        };
        let initialised = token.token_initialized();
        s.token = Some(token_info(&token));
        emit(Event::Slot { slot: s.clone() })?;
        // An uninitialised token holds no objects, and some modules refuse a session on it.
        if !initialised {
            continue;
        }
        emit(step("C_OpenSession", Some(id)))?;
        let session = match ctx.open_ro_session(slot) {
            Ok(x) => x,
            Err(e) => {
                emit(failed(&mut s, "C_OpenSession", &e))?;
                continue;
            }
        };
        emit(step("C_FindObjects", Some(id)))?;
        let template = [Attribute::Class(ObjectClass::CERTIFICATE)];
        let handles = match session.find_objects(&template) {
            Ok(h) => h,
            Err(e) => {
                emit(failed(&mut s, "C_FindObjects", &e))?;
                continue;
            }
        };
        for h in handles.into_iter().take(MAX_CERTIFICATES) {
            emit(step("C_GetAttributeValue", Some(id)))?;
            let wanted = [
                AttributeType::CertificateType,
                AttributeType::Label,
                AttributeType::Id,
                AttributeType::Value,
            ];
            let mut c = Certificate::default();
            match session.get_attributes(h, &wanted) {
                Err(e) => c.error = Some(describe(&e).0),
                Ok(attrs) => {
                    let mut x509 = true;
                    for a in attrs {
                        match a {
                            Attribute::CertificateType(t) => x509 = t == CertificateType::X_509,
                            Attribute::Label(l) => c.label = safe(&String::from_utf8_lossy(&l)),
                            Attribute::Id(i) => c.id = hex(&i),
                            Attribute::Value(v) if v.len() > MAX_DER => {
                                c.error = Some("too_large".into())
                            }
                            Attribute::Value(v) => {
                                c.der = base64::engine::general_purpose::STANDARD.encode(v)
                            }
                            _ => {}
                        }
                    }
                    // Attribute certificates and the like are not what anyone signs with.
                    if !x509 {
                        continue;
                    }
                    if c.der.is_empty() && c.error.is_none() {
                        c.error = Some("no_value".into());
                    }
                }
            }
            s.certificates.push(c);
        }
        drop(session);
        emit(Event::Slot { slot: s })?;
    }
    emit(step("C_Finalize", None))?;
    let _ = ctx.finalize();
    Ok(())
}

fn token_info(t: &CkTokenInfo) -> TokenInfo {
    use cryptoki_sys as sys;
    let flags = Flags {
        token_initialized: t.token_initialized(),
        user_pin_initialized: t.user_pin_initialized(),
        login_required: t.login_required(),
        write_protected: t.write_protected(),
        user_pin_count_low: t.user_pin_count_low(),
        user_pin_final_try: t.user_pin_final_try(),
        user_pin_locked: t.user_pin_locked(),
        user_pin_to_be_changed: t.user_pin_to_be_changed(),
        so_pin_count_low: t.so_pin_count_low(),
        so_pin_final_try: t.so_pin_final_try(),
        so_pin_locked: t.so_pin_locked(),
        so_pin_to_be_changed: t.so_pin_to_be_changed(),
    };
    let bits = [
        (t.rng(), sys::CKF_RNG),
        (flags.write_protected, sys::CKF_WRITE_PROTECTED),
        (flags.login_required, sys::CKF_LOGIN_REQUIRED),
        (flags.user_pin_initialized, sys::CKF_USER_PIN_INITIALIZED),
        (t.restore_key_not_needed(), sys::CKF_RESTORE_KEY_NOT_NEEDED),
        (t.clock_on_token(), sys::CKF_CLOCK_ON_TOKEN),
        (
            t.protected_authentication_path(),
            sys::CKF_PROTECTED_AUTHENTICATION_PATH,
        ),
        (t.dual_crypto_operations(), sys::CKF_DUAL_CRYPTO_OPERATIONS),
        (flags.token_initialized, sys::CKF_TOKEN_INITIALIZED),
        (
            t.secondary_authentication(),
            sys::CKF_SECONDARY_AUTHENTICATION,
        ),
        (flags.user_pin_count_low, sys::CKF_USER_PIN_COUNT_LOW),
        (flags.user_pin_final_try, sys::CKF_USER_PIN_FINAL_TRY),
        (flags.user_pin_locked, sys::CKF_USER_PIN_LOCKED),
        (
            flags.user_pin_to_be_changed,
            sys::CKF_USER_PIN_TO_BE_CHANGED,
        ),
        (flags.so_pin_count_low, sys::CKF_SO_PIN_COUNT_LOW),
        (flags.so_pin_final_try, sys::CKF_SO_PIN_FINAL_TRY),
        (flags.so_pin_locked, sys::CKF_SO_PIN_LOCKED),
        (flags.so_pin_to_be_changed, sys::CKF_SO_PIN_TO_BE_CHANGED),
        (t.error_state(), sys::CKF_ERROR_STATE),
    ];
    // CK_FLAGS is 64 bits here but 32 on Windows.
    #[allow(clippy::useless_conversion)]
    let raw_flags = bits
        .iter()
        .filter(|(on, _)| *on)
        .fold(0u64, |acc, (_, bit)| acc | u64::from(*bit));
    TokenInfo {
        label: safe(t.label().trim()),
        model: safe(t.model().trim()),
        manufacturer: safe(t.manufacturer_id().trim()),
        serial: t.serial_number().trim().to_string(),
        min_pin: t.min_pin_length() as u64,
        max_pin: t.max_pin_length() as u64,
        raw_flags,
        flags,
    }
}

/// An error as a name the knowledge base maps to a cause (`CKR_TOKEN_NOT_RECOGNIZED`,
/// `load_failed`, ...) and the library's own words.
pub fn describe(e: &Error) -> (String, String) {
    let name = match e {
        Error::Pkcs11(rv, _) => ckr_name(rv),
        Error::LibraryLoading(_) => "load_failed".into(),
        Error::MissingSymbol(_) => "not_a_pkcs11_module".into(),
        Error::NullFunctionPointer => "function_missing".into(),
        _ => "invalid_data".into(),
    };
    (name, e.to_string())
}

/// The standard name of a return value: cryptoki's variant `TokenNotRecognized` is the
/// standard's `CKR_TOKEN_NOT_RECOGNIZED`, so the name is derived, not tabulated.
fn ckr_name(rv: &RvError) -> String {
    match rv {
        RvError::VendorDefined(_) => "CKR_VENDOR_DEFINED".into(),
        RvError::UnknownErrorCode(code) => format!("CKR_0x{code:X}"),
        other => {
            let camel = format!("{other:?}");
            let mut out = String::from("CKR");
            for c in camel.chars() {
                if c.is_ascii_uppercase() {
                    out.push('_');
                }
                out.push(c.to_ascii_uppercase());
            }
            out
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A label or name as a token reported it, safe to print (a token's bytes are its writer's).
fn safe(s: &str) -> String {
    crate::text::terminal_safe(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_values_get_their_standard_names() {
        assert_eq!(
            ckr_name(&RvError::TokenNotRecognized),
            "CKR_TOKEN_NOT_RECOGNIZED"
        );
        assert_eq!(ckr_name(&RvError::TokenNotPresent), "CKR_TOKEN_NOT_PRESENT");
        assert_eq!(ckr_name(&RvError::DeviceError), "CKR_DEVICE_ERROR");
        assert_eq!(ckr_name(&RvError::SlotIdInvalid), "CKR_SLOT_ID_INVALID");
        assert_eq!(ckr_name(&RvError::PinLenRange), "CKR_PIN_LEN_RANGE");
        assert_eq!(
            ckr_name(&RvError::CryptokiNotInitialized),
            "CKR_CRYPTOKI_NOT_INITIALIZED"
        );
        assert_eq!(
            ckr_name(&RvError::VendorDefined(0x8000_0001)),
            "CKR_VENDOR_DEFINED"
        );
    }

    #[test]
    fn a_missing_library_is_a_line_not_a_panic() {
        let mut out = Vec::new();
        run(Path::new("/nonexistent/libnothing.so"), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let events: Vec<Event> = text.lines().filter_map(Event::from_line).collect();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::Error { error, .. } if error == "load_failed")),
            "{text}"
        );
        assert_eq!(events.last(), Some(&Event::Done), "{text}");
    }
}
