//! Property-based fuzzing of what the domain reads from outside: stored
//! event payloads (every type and version the log can hold) and signature
//! images. Whatever the bytes, decoding answers `Ok` or a typed error,
//! never panics, and never asks for much more memory than it was given
//! (a length prefix claiming 2^60 elements must not be believed).
//!
//! Few cases by default; more with `PROPTEST_CASES=100000 cargo test -p
//! cma-domain --test fuzz` (docs/testing.md).

use cma_domain::quote::signature::{MAX_SIGNATURE_BYTES, check_png, crc32};
use cma_domain::{DecodeError, Event, EventCodec};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

/// Counts the largest single allocation of the current thread.
struct Largest;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(size: usize) {
    // `try_with`: the thread may be tearing its locals down.
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// The largest single allocation `f` made on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
}

/// What serde lets a sequence reserve ahead of its elements (1 MiB), plus
/// room for the payload's own strings: no input of a few KiB may ask for more.
const MOST_PER_ALLOCATION: usize = 1024 * 1024 + 64 * 1024;

/// Every stored golden payload: (type, version, bytes), from the fixtures
/// of `domain/tests/golden/{Type}.v{N}.bin`.
fn golden() -> Vec<(String, u16, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut all = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("golden fixtures") {
        let path = entry.expect("fixture").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some((event_type, version)) = name
            .strip_suffix(".bin")
            .and_then(|stem| stem.rsplit_once(".v"))
        else {
            continue;
        };
        let version = version.parse().expect("fixture version");
        all.push((
            event_type.to_owned(),
            version,
            std::fs::read(&path).expect("read fixture"),
        ));
    }
    all.sort();
    assert!(
        all.len() >= Event::known_versions().len(),
        "a golden fixture per known version"
    );
    all
}

/// Decodes and checks what must hold whatever the bytes.
fn decode_checked(event_type: &str, version: u16, bytes: &[u8]) -> Result<(), TestCaseError> {
    let (decoded, largest) = largest_allocation(|| Event::decode(event_type, version, bytes));
    prop_assert!(
        largest <= MOST_PER_ALLOCATION,
        "{event_type} v{version}: one allocation of {largest} bytes for {} bytes of input",
        bytes.len()
    );
    match decoded {
        Ok(event) => {
            prop_assert_eq!(event.event_type(), event_type);
            // What decodes encodes again, and reads back the same.
            let again = Event::decode(event.event_type(), event.schema_version(), &event.encode());
            prop_assert_eq!(again.as_ref(), Ok(&event));
        }
        Err(DecodeError::Payload { event_type: t, .. })
        | Err(DecodeError::UnknownVersion { event_type: t, .. }) => {
            prop_assert_eq!(t, event_type)
        }
        Err(DecodeError::UnknownType(t)) => prop_assert_eq!(t, event_type),
    }
    Ok(())
}

/// A LEB128 varint, as postcard writes lengths and integers.
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// One change to a valid payload.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    /// A huge length or integer written at a place.
    Insert(usize, u64),
    Replace(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1..=255u8).prop_map(|(at, x)| Mutation::Flip(at, x)),
        (
            any::<usize>(),
            prop_oneof![
                Just(1u64 << 60),
                Just(u64::MAX),
                Just(u64::from(u32::MAX)),
                any::<u64>()
            ]
        )
            .prop_map(|(at, n)| Mutation::Insert(at, n)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, b)| Mutation::Replace(at, b)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        let at = |i: &usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Truncate(i) => bytes.truncate(at(i)),
            Mutation::Flip(i, x) if len > 0 => bytes[i % len] ^= x,
            Mutation::Flip(..) => {}
            Mutation::Insert(i, n) => {
                let at = at(i);
                bytes.splice(at..at, varint(*n));
            }
            Mutation::Replace(i, b) => {
                let at = at(i);
                let end = (at + b.len()).min(len);
                bytes.splice(at..end, b.iter().copied());
            }
        }
    }
    bytes
}

proptest! {
    #[test]
    fn mutated_payloads_of_every_type_decode_or_fail_typed(
        pick in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let all = golden();
        let (event_type, version, bytes) = &all[pick.index(all.len())];
        decode_checked(event_type, *version, &mutate(bytes.clone(), &mutations))?;
    }

    #[test]
    fn arbitrary_bytes_under_any_name_decode_or_fail_typed(
        pick in any::<prop::sample::Index>(),
        other_name in "[A-Za-z]{0,24}",
        known in any::<bool>(),
        version_shift in -1i32..=2,
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let versions = Event::known_versions();
        let (name, version) = versions[pick.index(versions.len())];
        let name = if known { name } else { other_name.as_str() };
        let version = u16::try_from(i32::from(version) + version_shift).unwrap_or(u16::MAX);
        decode_checked(name, version, &bytes)?;
    }

    #[test]
    fn any_bytes_are_a_png_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        keep_header in any::<bool>(),
    ) {
        let bytes = if keep_header {
            let mut png = cma_domain::quote::signature::tiny_png(4, 4);
            let at = 8 + bytes.len() % 40;
            png.splice(at.min(png.len())..at.min(png.len()), bytes);
            png
        } else {
            bytes
        };
        let _ = check_png(&bytes);
    }
}

/// Length prefixes that claim more elements than the universe holds: each
/// a typed error at once, within the allocation bound.
#[test]
fn huge_length_prefixes_are_refused_without_allocating_them() {
    for (event_type, version, bytes) in golden() {
        for at in 0..=bytes.len() {
            for claim in [1u64 << 60, u64::MAX, 1 << 32] {
                let mut hostile = bytes[..at].to_vec();
                hostile.extend(varint(claim));
                hostile.extend(&bytes[at..]);
                decode_checked(&event_type, version, &hostile)
                    .unwrap_or_else(|e| panic!("{event_type} v{version} at {at}: {e}"));
            }
        }
    }
}

/// An IHDR whose fields are out of range, with its CRC right, is refused;
/// an oversized image is refused before it is read.
#[test]
fn a_png_with_a_valid_crc_and_absurd_fields_is_refused() {
    let mut png = cma_domain::quote::signature::tiny_png(4, 4);
    png[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(check_png(&png).is_err());
    assert!(check_png(&vec![0; MAX_SIGNATURE_BYTES + 1]).is_err());
}
