//! Interoperability with the real Auth.js: cookies and sessions recorded from `@auth/core`
//! 0.41.3 (`fixtures/authjs-vectors.json`) are read here, and what we write matches them.

mod common;

use auth_core::{SecretList, clock::FixedClock, jwt};
use common::{Client, SECRET, config};
use http::{Method, StatusCode};
use serde_json::Value;

fn jar_from_header(header: &str) -> std::collections::BTreeMap<String, String> {
    header
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn set_cookie_value(set_cookie: &str) -> (&str, &str) {
    let pair = set_cookie.split(';').next().expect("pair");
    pair.split_once('=').expect("name=value")
}

/// `expires` in the vectors is `iat` plus 30 days plus the milliseconds Auth.js saw.
fn clock_of(expires_iso: &str, iat: i64) -> i64 {
    let millis: i64 = expires_iso[20..23].parse().expect("millis");
    iat * 1000 + millis
}

#[tokio::test]
async fn a_session_cookie_made_by_auth_js_reads_and_rolls_the_same_way() {
    let v = common::vectors();
    let normal = &v["normalSession"];
    let login_cookie = normal["login"]["setCookie"][1].as_str().expect("cookie");
    let (name, value) = set_cookie_value(login_cookie);
    let iat = normal["login"]["decoded"]["payload"]["iat"]
        .as_i64()
        .expect("iat");
    let now = clock_of(
        normal["session"]["body"]["expires"]
            .as_str()
            .expect("expires"),
        iat,
    );

    let mut c = Client::new(config().clock(FixedClock(now)).build().expect("config"));
    c.jar.insert(name.into(), value.into());
    let r = c.get("/auth/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), normal["session"]["body"]);
    // Same cookie name and attributes as Auth.js's roll; a fresh token.
    let ours = r.cookie("authjs.session-token").expect("rolled");
    let theirs = normal["session"]["setCookie"][0].as_str().expect("theirs");
    assert_eq!(
        ours.split_once(';').map(|x| x.1),
        theirs.split_once(';').map(|x| x.1)
    );
    let (_, rolled) = set_cookie_value(ours);
    let secrets = SecretList::single(SECRET);
    let claims = jwt::decode(&jwt::DecodeParams {
        token: rolled,
        secret: &secrets,
        salt: "authjs.session-token",
    })
    .expect("decodes")
    .expect("claims");
    let expected = &normal["session"]["decoded"]["payload"];
    for key in ["name", "email", "sub", "iat", "exp"] {
        assert_eq!(claims[key], expected[key], "{key}");
    }
    assert_eq!(
        rolled.len(),
        set_cookie_value(theirs).1.len(),
        "same token size as Auth.js"
    );
}

#[tokio::test]
async fn chunked_sessions_from_auth_js_are_joined_and_rewritten_alike() {
    let v = common::vectors();
    let chunked = &v["chunked"];
    let jar = jar_from_header(
        chunked["sessionRequestCookieHeader"]
            .as_str()
            .expect("header"),
    );
    let iat = chunked["session"]["decoded"]["payload"]["iat"]
        .as_i64()
        .expect("iat");
    let now = clock_of(
        chunked["session"]["body"]["expires"]
            .as_str()
            .expect("expires"),
        iat,
    );

    let mut c = Client::new(config().clock(FixedClock(now)).build().expect("config"));
    c.jar = jar.clone();
    let r = c.get("/auth/session").await;
    assert_eq!(r.json(), chunked["session"]["body"]);
    let theirs: Vec<(&str, usize)> = chunked["session"]["setCookie"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|c| set_cookie_value(c.as_str().expect("str")))
        .map(|(n, v)| (n, v.len()))
        .collect();
    let ours: Vec<(&str, usize)> = r
        .set_cookies
        .iter()
        .map(|c| set_cookie_value(c))
        .map(|(n, v)| (n, v.len()))
        .collect();
    assert_eq!(ours, theirs, "same chunk names and sizes");

    // Signing in as alice while holding chunks: the same removals, then one cookie.
    let mut c = Client::new(config().clock(FixedClock(now)).build().expect("config"));
    c.jar = jar_from_header(
        chunked["chunkedToUnchunked"]["requestCookieHeader"]
            .as_str()
            .expect("header"),
    );
    let csrf = c.jar["authjs.csrf-token"]
        .split("%7C")
        .next()
        .expect("token")
        .to_owned();
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
            ],
        )
        .await;
    let expected: Vec<&str> = chunked["chunkedToUnchunked"]["setCookie"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|c| c.as_str().expect("str"))
        .collect();
    let ours: Vec<&str> = r
        .set_cookies
        .iter()
        .map(String::as_str)
        .filter(|c| c.starts_with("authjs.session-token"))
        .collect();
    assert_eq!(ours[..3], expected[..3]);
    assert_eq!(set_cookie_value(ours[3]).0, "authjs.session-token");
}

#[tokio::test]
async fn sign_out_of_a_chunked_auth_js_session_matches_byte_for_byte() {
    let v = common::vectors();
    let chunked = &v["chunked"];
    let mut c = Client::new(config().build().expect("config"));
    c.jar = jar_from_header(
        chunked["sessionRequestCookieHeader"]
            .as_str()
            .expect("header"),
    );
    let csrf = c.jar["authjs.csrf-token"]
        .split("%7C")
        .next()
        .expect("token")
        .to_owned();
    let r = c
        .post_form(
            "/auth/signout",
            &[("csrfToken", &csrf), ("callbackUrl", "/bye")],
        )
        .await;
    assert_eq!(
        r.status.as_u16(),
        chunked["signout"]["status"].as_u64().expect("status") as u16
    );
    assert_eq!(r.location(), chunked["signout"]["location"].as_str());
    let expected: Vec<&str> = chunked["signout"]["setCookie"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|c| c.as_str().expect("str"))
        .collect();
    assert_eq!(r.set_cookies, expected);
}

#[tokio::test]
async fn a_credentials_login_writes_what_auth_js_writes() {
    let v = common::vectors();
    let login = &v["normalSession"]["login"];
    let iat = login["decoded"]["payload"]["iat"].as_i64().expect("iat");
    let mut c = Client::new(
        config()
            .clock(FixedClock(iat * 1000))
            .build()
            .expect("config"),
    );
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
                ("callbackUrl", "/after"),
            ],
        )
        .await;
    assert_eq!(
        r.status.as_u16(),
        login["status"].as_u64().expect("status") as u16
    );
    assert_eq!(r.location(), login["location"].as_str());
    let theirs: Vec<&str> = login["setCookie"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|c| c.as_str().expect("str"))
        .collect();
    assert_eq!(r.set_cookies[0], theirs[0], "callback-url cookie");
    let attributes = |c: &str| c.split_once(';').map(|x| x.1.to_owned());
    assert_eq!(
        attributes(&r.set_cookies[1]),
        attributes(theirs[1]),
        "session cookie attributes"
    );
    let (_, ours) = set_cookie_value(&r.set_cookies[1]);
    let header = |token: &str| token.split('.').next().map(str::to_owned);
    assert_eq!(
        header(ours),
        header(set_cookie_value(theirs[1]).1),
        "same JWE header and kid"
    );
    let secrets = SecretList::single(SECRET);
    let claims = jwt::decode(&jwt::DecodeParams {
        token: ours,
        secret: &secrets,
        salt: "authjs.session-token",
    })
    .expect("decodes")
    .expect("claims");
    let payload: &Value = &login["decoded"]["payload"];
    for key in ["name", "email", "sub", "iat", "exp"] {
        assert_eq!(claims[key], payload[key], "{key}");
    }
}

#[tokio::test]
async fn unsupported_methods_match_auth_js_framing() {
    let mut c = Client::new(config().build().expect("config"));
    let r = c.send(Method::PUT, "/auth/session", None, Vec::new()).await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (StatusCode::BAD_REQUEST, "\"Bad request.\"")
    );
}
