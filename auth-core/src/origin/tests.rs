use http::HeaderValue;

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_static(v));
    }
    h
}

fn url(r: &OriginResolver, uri: &str, pairs: &[(&'static str, &'static str)]) -> Option<String> {
    let uri: Uri = uri.parse().expect("uri");
    r.resolve(&uri, &headers(pairs)).ok().map(|o| o.url)
}

fn any() -> OriginResolver {
    OriginResolver::new(None, HostTrust::Any, 1)
}

#[test]
fn trusted_hosts_follow_the_right_most_forwarded_value() {
    let r = any();
    let got = url(&r, "/auth/session", &[("host", "127.0.0.1:3000")]);
    assert_eq!(got.as_deref(), Some("http://127.0.0.1:3000"));
    // Proxies append on the right: the left-most value is the client's own.
    let uri: Uri = "/auth/session".parse().expect("uri");
    let h = headers(&[
        ("host", "127.0.0.1"),
        ("x-forwarded-host", "evil2.test, app.example.com"),
        ("x-forwarded-proto", "http, https"),
    ]);
    let o = r.resolve(&uri, &h).expect("origin");
    assert_eq!((o.url.as_str(), o.https), ("https://app.example.com", true));
    // Several header lines are one list.
    let h = [
        ("x-forwarded-host", "evil2.test"),
        ("x-forwarded-host", "app.example.com"),
    ];
    assert_eq!(url(&r, "/", &h).as_deref(), Some("http://app.example.com"));
    // Two proxies: the value the outer one appended is second from the right.
    let two = OriginResolver::new(None, HostTrust::Any, 2);
    let h = [(
        "x-forwarded-host",
        "evil.test, app.example.com, inner.internal",
    )];
    assert_eq!(
        url(&two, "/", &h).as_deref(),
        Some("http://app.example.com")
    );
    assert_eq!(r.resolve(&uri, &HeaderMap::new()), Err(OriginError::NoHost));
    assert_eq!(url(&r, "/", &[("host", "evil@host")]), None);
    assert_eq!(
        url(&r, "/", &[("host", "a"), ("x-forwarded-proto", "gopher")]),
        None
    );
}

#[test]
fn rfc_7239_forwarded_is_understood() {
    let r = any();
    let h = [
        ("host", "10.0.0.2"),
        (
            "forwarded",
            "for=1.2.3.4;host=evil.test, for=10.0.0.1;proto=https;host=\"app.example.com\"",
        ),
    ];
    assert_eq!(url(&r, "/", &h).as_deref(), Some("https://app.example.com"));
}

#[test]
fn without_trust_only_loopback_hosts_are_served() {
    let r = OriginResolver::new(None, HostTrust::Loopback, 1);
    for host in [
        "localhost:3000",
        "127.0.0.1",
        "127.8.9.10:80",
        "[::1]:3000",
        "LOCALHOST",
    ] {
        let uri: Uri = "/".parse().expect("uri");
        let h = {
            let mut h = HeaderMap::new();
            h.insert("host", HeaderValue::from_str(host).expect("value"));
            h
        };
        assert!(r.resolve(&uri, &h).is_ok(), "{host}");
    }
    for host in [
        "login.evil.test",
        "localhost.evil.test",
        "128.0.0.1",
        "[::2]",
        "0.0.0.0",
    ] {
        let mut h = HeaderMap::new();
        h.insert("host", HeaderValue::from_str(host).expect("value"));
        let got = r.resolve(&"/".parse().expect("uri"), &h);
        assert!(
            matches!(got, Err(OriginError::Untrusted(_))),
            "{host}: {got:?}"
        );
    }
    // Forwarded headers are not read at all.
    let h = [
        ("host", "127.0.0.1:3000"),
        ("x-forwarded-host", "evil.test"),
        ("forwarded", "host=evil.test"),
    ];
    assert_eq!(url(&r, "/", &h).as_deref(), Some("http://127.0.0.1:3000"));
    // An absolute-form target names the host, and it is checked too.
    assert_eq!(
        url(&r, "http://evil.test/auth/signin", &[("host", "127.0.0.1")]),
        None
    );
}

#[test]
fn a_list_limits_the_trusted_hosts() {
    let list = ["app.example.com", "admin.example.com:8443"]
        .iter()
        .filter_map(|h| parse_trusted_host(h))
        .collect();
    let r = OriginResolver::new(None, HostTrust::List(list), 1);
    let ok = [("x-forwarded-host", "App.Example.com:444")];
    assert_eq!(
        url(&r, "/", &ok).as_deref(),
        Some("http://app.example.com:444")
    );
    assert!(url(&r, "/", &[("host", "admin.example.com:8443")]).is_some());
    assert!(url(&r, "/", &[("host", "admin.example.com")]).is_none());
    assert!(url(&r, "/", &[("x-forwarded-host", "evil.test")]).is_none());
    assert_eq!(parse_trusted_host("user@evil.test"), None);
    assert_eq!(parse_trusted_host("https://x.test"), None);
}

#[test]
fn a_configured_url_wins_over_every_header_and_target() {
    let (fixed, path) = parse_public_url("https://app.example.com/api/auth/").expect("url");
    assert_eq!(path, "/api/auth");
    let r = OriginResolver::new(Some(fixed), HostTrust::Any, 1);
    let h = [
        ("host", "evil.test"),
        ("x-forwarded-host", "evil.test"),
        ("forwarded", "host=evil.test"),
    ];
    assert_eq!(
        url(&r, "http://evil.test/x", &h).as_deref(),
        Some("https://app.example.com")
    );
}

#[test]
fn shorten_cuts_on_characters() {
    assert_eq!(shorten("abc", 5), "abc");
    assert_eq!(shorten("ééééé", 2), "éé…");
}

// Found by `cargo xtask fuzz` (target `origin`): the http crate reads `4294967296` as a host,
// but no URL parser makes an origin of it, and `0x7f.1` or `[0::1]` read as another host.
#[test]
fn hosts_no_url_parser_keeps_are_no_origin() {
    let r = any();
    for host in [
        "4294967296",
        "2949672967296:3000",
        "0x7f.1",
        "1.2.3.04",
        "[0::1]",
        "a.0x10",
        "s:[]:0",
        "a:b:1",
    ] {
        let h = HeaderMap::from_iter([(
            http::header::HOST,
            HeaderValue::from_str(host).expect("value"),
        )]);
        let uri: Uri = "/auth/session".parse().expect("uri");
        assert_eq!(r.resolve(&uri, &h), Err(OriginError::NoHost), "{host}");
    }
    for host in [
        "127.0.0.1:3000",
        "app.example.com",
        "[::1]:3000",
        "xn--bcher-kva.example",
        "a-b.c0",
    ] {
        assert!(
            url(&r, "/auth/session", &[("host", host)]).is_some(),
            "{host}"
        );
    }
}

/// `is_url_host` relies on the standard library reading only canonical dotted quads.
#[test]
fn only_canonical_dotted_quads_parse_as_ipv4() {
    for canonical in ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.20.30.40"] {
        let ip: Ipv4Addr = canonical.parse().expect(canonical);
        assert_eq!(ip.to_string(), canonical);
    }
    for other in [
        "127.0.0.01",
        "0127.0.0.1",
        "127.1",
        "256.0.0.1",
        "1.2.3.4.",
        "0x7f.0.0.1",
    ] {
        assert!(other.parse::<Ipv4Addr>().is_err(), "{other}");
    }
}

#[test]
fn plain_authorities_are_what_parsing_them_gives() {
    let long = "a".repeat(300);
    let hosts = [
        "127.0.0.1:3000",
        "localhost",
        "app.example.com",
        "a-b.c:65535",
        "h:0123",
        "h:65536",
        "h:",
        ":80",
        "H.example",
        "u@h",
        "h:80:81",
        "[::1]:3000",
        "h_x",
        "h%41",
        "h/x",
        "",
        long.as_str(),
    ];
    let mut plain = 0;
    for host in hosts {
        if is_plain_authority(host) {
            plain += 1;
            assert_eq!(parsed_authority(host).as_deref(), Some(host), "{host}");
        }
    }
    assert_eq!(plain, 5, "the plain ones take the shortcut");
    // Through `resolve`: refused and accepted as before.
    let r = any();
    for (host, expected) in [
        ("h:", None),
        ("H.Example:8080", Some("http://h.example:8080")),
        ("u@h", None),
        ("a-b.c:65535", Some("http://a-b.c:65535")),
    ] {
        assert_eq!(
            url(&r, "/auth/session", &[("host", host)]).as_deref(),
            expected,
            "{host}"
        );
    }
}
