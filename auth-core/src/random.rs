//! Randomness from the operating system.

/// `N` random bytes from the OS generator.
///
/// # Panics
/// When the operating system cannot provide randomness: a predictable IV, token or id is not an
/// acceptable fallback.
pub(crate) fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random generator failed");
    buf
}

/// A random UUID v4, lowercase and hyphenated (Auth.js's `crypto.randomUUID()`).
pub(crate) fn uuid_v4() -> String {
    uuid_v4_from(bytes::<16>())
}

/// The UUID v4 of 16 random bytes: sets the version (4) and variant (RFC 4122) bits and
/// formats `8-4-4-4-12` lowercase hex.
pub(crate) fn uuid_v4_from(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_format() {
        assert_eq!(
            uuid_v4_from([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            uuid_v4_from([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            uuid_v4_from([
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                0xcd, 0xef
            ]),
            "01234567-89ab-4def-8123-456789abcdef"
        );
        for _ in 0..100 {
            let id = uuid_v4();
            assert_eq!((&id[14..15], id.len()), ("4", 36));
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        }
    }
}
