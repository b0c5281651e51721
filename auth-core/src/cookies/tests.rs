use std::collections::HashMap;

use http::{HeaderMap, HeaderValue, header::COOKIE};

use super::chunks::split_chunks;
use super::*;
use crate::encoding::encode_component;

fn table(secure: bool) -> CookieTable {
    CookieTable::new(secure, &HashMap::new())
}

#[test]
fn names_follow_the_scheme() {
    assert_eq!(
        table(true).get(CookieKind::SessionToken).name,
        "__Secure-authjs.session-token"
    );
    assert_eq!(
        table(true).get(CookieKind::CsrfToken).name,
        "__Host-authjs.csrf-token"
    );
    assert_eq!(
        table(false).get(CookieKind::CsrfToken).name,
        "authjs.csrf-token"
    );
    assert_eq!(
        table(false).get(CookieKind::State).options.max_age,
        Some(900)
    );
}

#[test]
fn overrides_merge_field_by_field() {
    let mut overrides = HashMap::new();
    overrides.insert(
        CookieKind::SessionToken,
        CookieOverride {
            name: Some("my-session".into()),
            same_site: Some(SameSite::Strict),
            ..Default::default()
        },
    );
    let t = CookieTable::new(true, &overrides);
    let spec = t.get(CookieKind::SessionToken);
    assert_eq!(spec.name, "my-session");
    assert_eq!(spec.options.same_site, SameSite::Strict);
    assert!(spec.options.secure && spec.options.http_only);
}

#[test]
fn serialises_like_auth_js() {
    let spec = table(false).get(CookieKind::CsrfToken).clone();
    let c = SetCookie::new(&spec, "abc|def");
    assert_eq!(
        c.to_header_value(),
        "authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax"
    );
    let spec = table(true).get(CookieKind::PkceCodeVerifier).clone();
    let mut c = SetCookie::new(&spec, "x");
    c.expires = Some(1_798_348_095_666);
    assert_eq!(
        c.to_header_value(),
        "__Secure-authjs.pkce.code_verifier=x; Max-Age=900; Path=/; Expires=Sun, 27 Dec 2026 05:08:15 GMT; HttpOnly; Secure; SameSite=Lax"
    );
    assert_eq!(
        encode_component("http://a.b/c?d=e f"),
        "http%3A%2F%2Fa.b%2Fc%3Fd%3De%20f"
    );
}

fn cookies(header: &str) -> RequestCookies {
    let mut h = HeaderMap::new();
    h.append(COOKIE, HeaderValue::from_str(header).expect("header"));
    RequestCookies::from_headers(&h)
}

#[test]
fn parses_first_wins_and_decodes() {
    let c = cookies("a=1; b=x%7Cy; a=2; c=%E0%A4%A; =v; junk");
    assert_eq!(c.get("a"), Some("1"));
    assert_eq!(c.get("b"), Some("x|y"));
    assert_eq!(c.get("c"), Some("%E0%A4%A"));
}

#[test]
fn several_cookie_headers_are_joined() {
    let mut h = HeaderMap::new();
    h.append(COOKIE, HeaderValue::from_static("a=1"));
    h.append(COOKIE, HeaderValue::from_static("b=2"));
    let c = RequestCookies::from_headers(&h);
    assert_eq!((c.get("a"), c.get("b")), (Some("1"), Some("2")));
}

#[test]
fn chunks_join_in_numeric_order_and_win_over_bare() {
    let name = "authjs.session-token";
    let c = cookies(&format!(
        "{name}.10=K; {name}.2=C; {name}=stale; {name}.0=A; {name}.1=B; {name}-other=Z"
    ));
    let s = SessionCookies::read(&c, name);
    assert_eq!(s.token(), "ABCK");
}

#[test]
fn writing_clears_stale_chunks() {
    let spec = table(false).get(CookieKind::SessionToken).clone();
    let name = spec.name.clone();
    let big = "x".repeat(CHUNK_SIZE * 2 + 5);
    let none = SessionCookies::read(&cookies("other=1"), &name);
    let written = none.write(&spec, &big, 0, &crate::logger::Log::default());
    let names: Vec<_> = written.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("{name}.0"),
            format!("{name}.1"),
            format!("{name}.2")
        ]
    );
    assert_eq!(written[0].value.len(), CHUNK_SIZE);
    assert_eq!(written[2].value.len(), 5);

    let chunked = SessionCookies::read(&cookies(&format!("{name}.0=a; {name}.1=b")), &name);
    let small = chunked.write(&spec, "small", 0, &crate::logger::Log::default());
    let summary: Vec<_> = small
        .iter()
        .map(|c| (c.name.as_str(), c.value.as_str(), c.options.max_age))
        .collect();
    assert_eq!(
        summary,
        [
            (format!("{name}.0").as_str(), "", Some(0)),
            (format!("{name}.1").as_str(), "", Some(0)),
            (name.as_str(), "small", None),
        ]
    );
}

#[test]
fn chunks_never_split_a_character_and_respect_encoded_size() {
    let value = "é".repeat(CHUNK_SIZE);
    for chunk in split_chunks(&value) {
        assert!(encode_component(chunk).len() <= CHUNK_SIZE);
    }
    assert_eq!(split_chunks(&value).concat(), value);
    assert!(split_chunks("").is_empty());
}

// Issue 12, finding 3: 12,000 chunk cookies took seconds and cleared 12,002 cookies.
#[test]
fn chunk_indexes_are_bounded_and_reading_is_linear() {
    let spec = table(false).get(CookieKind::SessionToken).clone();
    let name = spec.name.clone();
    let header: Vec<String> = (0..12_000).map(|i| format!("{name}.{i}=v{i}")).collect();
    let started = std::time::Instant::now();
    let s = SessionCookies::read(&cookies(&header.join("; ")), &name);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let expected: String = (0..super::chunks::MAX_CHUNKS)
        .map(|i| format!("v{i}"))
        .collect();
    assert_eq!(s.token(), expected);
    assert_eq!(s.clear(&spec).len(), super::chunks::MAX_CHUNKS as usize);
    assert!(
        s.write(&spec, "small", 0, &crate::logger::Log::default())
            .len()
            <= super::chunks::MAX_CHUNKS as usize + 1
    );
    // Only canonical indexes count: no sign, no leading zero, no duplicates.
    let s = SessionCookies::read(
        &cookies(&format!(
            "{name}.+1=X; {name}.01=Y; {name}.0=A; {name}.0=Z; {name}.1=B; {name}.64=W"
        )),
        &name,
    );
    assert_eq!(s.token(), "AB");
    let cleared: Vec<_> = s.clear(&spec).into_iter().map(|c| c.name).collect();
    assert_eq!(cleared, [format!("{name}.0"), format!("{name}.1")]);
}
