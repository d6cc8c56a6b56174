//! Which processor a module file is built for, read from its own header (PE on Windows, ELF on
//! Linux), and so which program can load it. A 64-bit process cannot load a 32-bit DLL: older
//! epass3003 installers leave only a 32-bit module in SysWOW64, which tokenyar.exe reads through
//! its 32-bit reader (`tokenyar-reader32.exe`, beside it) instead.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The file name of the 32-bit token reader that ships beside `tokenyar.exe` (the engine's
/// `tokenyar-token-reader` built for i686).
pub(crate) const READER32: &str = "tokenyar-reader32.exe";

/// A module file's processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arch {
    X86,
    X64,
    Arm64,
    /// Another processor, with its word size.
    Other(u32),
}

impl Arch {
    /// The processor this program was built for.
    pub(crate) fn native() -> Arch {
        if cfg!(target_arch = "x86") {
            Arch::X86
        } else if cfg!(target_arch = "x86_64") {
            Arch::X64
        } else if cfg!(target_arch = "aarch64") {
            Arch::Arm64
        } else {
            Arch::Other(usize::BITS)
        }
    }

    pub(crate) fn bits(self) -> u32 {
        match self {
            Arch::X86 => 32,
            Arch::X64 | Arch::Arm64 => 64,
            Arch::Other(b) => b,
        }
    }

    pub fn name(self) -> String {
        match self {
            Arch::X86 => "32-bit x86".into(),
            Arch::X64 => "64-bit x64".into(),
            Arch::Arm64 => "64-bit ARM".into(),
            Arch::Other(b) => format!("{b}-bit (another processor)"),
        }
    }

    /// What `bits:` in kb/tokens.yaml means on this machine, when the file's header cannot be
    /// read: 32 is the x86 module of 64-bit Windows' SysWOW64.
    pub(crate) fn from_kb_bits(bits: u32) -> Arch {
        let native = Arch::native();
        if bits == native.bits() {
            native
        } else if bits == 32 {
            Arch::X86
        } else {
            Arch::Other(bits)
        }
    }
}

/// The processor a PE (`.dll`) or ELF (`.so`) file is built for; `None` when the bytes are
/// neither (the loader then says what is wrong with the file).
pub(crate) fn of_bytes(head: &[u8]) -> Option<Arch> {
    let u16le = |at: usize| Some(u16::from_le_bytes([*head.get(at)?, *head.get(at + 1)?]));
    if head.starts_with(b"MZ") {
        let at = u32::from_le_bytes(head.get(0x3c..0x40)?.try_into().ok()?) as usize;
        if head.get(at..at + 4)? != b"PE\0\0" {
            return None;
        }
        return Some(match u16le(at + 4)? {
            0x014c => Arch::X86,
            0x8664 => Arch::X64,
            0xaa64 => Arch::Arm64,
            _ => Arch::Other(0),
        });
    }
    if head.starts_with(b"\x7fELF") {
        let bits = match head.get(4)? {
            1 => 32,
            2 => 64,
            _ => return None,
        };
        let machine = match head.get(5)? {
            2 => u16::from_be_bytes([*head.get(18)?, *head.get(19)?]),
            _ => u16le(18)?,
        };
        return Some(match machine {
            3 => Arch::X86,
            62 => Arch::X64,
            183 => Arch::Arm64,
            _ => Arch::Other(bits),
        });
    }
    None
}

/// The processor of a module file; `None` when it cannot be read or is no PE or ELF file.
pub(crate) fn of_file(path: &Path) -> Option<Arch> {
    let mut head = Vec::new();
    // The PE header's offset is in the first 64 bytes and points a few hundred bytes in.
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    of_bytes(&head)
}

/// The 32-bit reader beside `program`, where this is 64-bit Windows and it was shipped.
pub(crate) fn reader32_beside(program: &Path) -> Option<PathBuf> {
    if !cfg!(windows) || Arch::native() != Arch::X64 {
        return None;
    }
    Some(program.with_file_name(READER32)).filter(|p| p.is_file())
}

/// Which program reads a module built for `arch` (`None`: not known, left to the loader):
/// `program` for this program's own processor, `program32` for a 32-bit x86 module on x64;
/// otherwise why none can (the module's `detail`, with the error `wrong_architecture`).
pub(crate) fn reader_for<'a>(
    program: &'a Path,
    program32: Option<&'a Path>,
    arch: Option<Arch>,
) -> Result<&'a Path, String> {
    let native = Arch::native();
    match arch {
        None => Ok(program),
        Some(a) if a == native => Ok(program),
        Some(Arch::X86) if native == Arch::X64 => program32.ok_or_else(|| {
            format!(
                "this is a 32-bit module, which only the 32-bit reader {READER32} can load, and it is not beside {}",
                program.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            )
        }),
        Some(a) => Err(format!(
            "the module is built for {}, tokenyar for {}",
            a.name(),
            native.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first bytes of a PE file of `machine`, with the PE header at 0x80.
    fn pe(machine: u16) -> Vec<u8> {
        let mut b = vec![0u8; 0x100];
        b[..2].copy_from_slice(b"MZ");
        b[0x3c..0x40].copy_from_slice(&0x80u32.to_le_bytes());
        b[0x80..0x84].copy_from_slice(b"PE\0\0");
        b[0x84..0x86].copy_from_slice(&machine.to_le_bytes());
        b
    }

    #[test]
    fn pe_headers_name_their_processor() {
        assert_eq!(of_bytes(&pe(0x014c)), Some(Arch::X86));
        assert_eq!(of_bytes(&pe(0x8664)), Some(Arch::X64));
        assert_eq!(of_bytes(&pe(0xaa64)), Some(Arch::Arm64));
        // Cut short, or an MZ stub with no PE header: not told, left to the loader.
        assert_eq!(of_bytes(&pe(0x014c)[..0x84]), None);
        let mut stub = pe(0x014c);
        stub[0x80] = b'N';
        assert_eq!(of_bytes(&stub), None);
        assert_eq!(of_bytes(b"MZ"), None);
        assert_eq!(of_bytes(b"not a module"), None);
        assert_eq!(of_bytes(b""), None);
    }

    #[test]
    fn elf_headers_name_their_processor() {
        let mut e = vec![0u8; 64];
        e[..4].copy_from_slice(b"\x7fELF");
        e[4] = 2;
        e[5] = 1;
        e[18] = 62;
        assert_eq!(of_bytes(&e), Some(Arch::X64));
        e[4] = 1;
        e[18] = 3;
        assert_eq!(of_bytes(&e), Some(Arch::X86));
        e[18] = 40; // 32-bit ARM
        assert_eq!(of_bytes(&e), Some(Arch::Other(32)));
    }

    #[test]
    fn this_program_reads_itself() {
        let me = std::env::current_exe().unwrap();
        assert_eq!(of_file(&me), Some(Arch::native()));
        assert_eq!(of_file(Path::new("/nonexistent/m.dll")), None);
    }

    #[test]
    fn a_module_goes_to_the_reader_that_can_load_it() {
        let main = Path::new("tokenyar.exe");
        let r32 = Path::new(READER32);
        let native = Arch::native();
        assert_eq!(reader_for(main, Some(r32), None), Ok(main));
        assert_eq!(reader_for(main, Some(r32), Some(native)), Ok(main));
        if native == Arch::X64 {
            assert_eq!(reader_for(main, Some(r32), Some(Arch::X86)), Ok(r32));
            let why = reader_for(main, None, Some(Arch::X86)).unwrap_err();
            assert!(
                why.contains(READER32) && why.contains("tokenyar.exe"),
                "{why}"
            );
            let arm = reader_for(main, Some(r32), Some(Arch::Arm64)).unwrap_err();
            assert!(arm.contains("ARM"), "{arm}");
        }
        assert_eq!(Arch::from_kb_bits(native.bits()), native);
        assert_eq!(Arch::from_kb_bits(32).bits(), 32);
    }
}
