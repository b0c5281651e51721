//! Text encodings shared by URLs, cookies and pages: JavaScript's `encodeURIComponent`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters JavaScript's `encodeURIComponent` leaves alone.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Whether `encodeURIComponent` leaves the byte `b` alone.
const fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
        )
}

/// [`unreserved`] as a table: one load per byte of a session token.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = unreserved(i as u8);
        i += 1;
    }
    table
};

/// Whether `encodeURIComponent` leaves the byte `b` alone.
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// Percent-encodes like JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_component(&mut out, value);
    out
}

/// Appends `value` percent-encoded like `encodeURIComponent` to `out`; a value that needs no
/// encoding (session tokens, base64url, hex) is copied as it is.
pub(crate) fn push_component(out: &mut String, value: &str) {
    if value.bytes().all(is_unreserved) {
        out.push_str(value);
    } else {
        out.extend(utf8_percent_encode(value, COMPONENT));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_the_encoder() {
        for b in 0..=127u8 {
            let text = char::from(b).to_string();
            let encoded = utf8_percent_encode(&text, COMPONENT).to_string();
            assert_eq!(is_unreserved(b), encoded == text, "{b}");
            assert_eq!(encode_component(&text), encoded);
        }
        assert_eq!(encode_component("a b|é"), "a%20b%7C%C3%A9");
        assert_eq!(encode_component("eyJ.ab-_c"), "eyJ.ab-_c");
    }
}
