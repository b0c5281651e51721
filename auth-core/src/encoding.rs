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

/// Appends `value` percent-decoded to `out`, as `percent_encoding::percent_decode` does (a `%`
/// not followed by two hex digits stays as it is), copying the runs between escapes whole:
/// every request's CSRF and callback-URL cookies hold a few escapes in long plain runs.
pub(crate) fn push_decoded(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        out.extend_from_slice(&rest[..at]);
        let escape = rest.get(at + 1..at + 3).and_then(|hex| {
            let high = char::from(hex[0]).to_digit(16)?;
            let low = char::from(hex[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        });
        match escape {
            Some(byte) => {
                out.push(byte);
                rest = &rest[at + 3..];
            }
            None => {
                out.push(b'%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_agrees_with_percent_encoding() {
        for value in [
            "",
            "plain",
            "http%3A%2F%2F127.0.0.1%3A3000",
            "a%7Cb",
            "%",
            "%%",
            "%4",
            "%4g",
            "%G1",
            "end%",
            "%e2%82%ac%ff",
            "mixed%2fCase%2F",
            "%%41%",
        ] {
            let mut ours = Vec::new();
            push_decoded(&mut ours, value);
            let theirs: Vec<u8> = percent_encoding::percent_decode_str(value).collect();
            assert_eq!(ours, theirs, "{value:?}");
        }
    }

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
