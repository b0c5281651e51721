//! Every preset's endpoints, scopes, checks and style, and its profile mapping against a
//! recorded profile (`tests/fixtures/profiles/<id>.json`, shaped like the provider's answer).

use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{Value, json};

use super::*;
use crate::{
    model::User,
    oauth::{HttpClient, HttpError, HttpFuture},
    providers::{Checks, ClientAuth, OAuthProvider, ProviderKind, TokenSet, env_prefix},
};

// ---------------------------------------------------------------------------------------------
// Helpers

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/profiles/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    serde_json::from_str(&text).expect("the fixture is JSON")
}

fn map(provider: &OAuthProvider, profile: &Value) -> User {
    (provider.profile)(profile, &TokenSet::default()).expect("the profile maps")
}

fn param<'a>(provider: &'a OAuthProvider, name: &str) -> Option<&'a str> {
    provider
        .authorization_params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

const PKCE: Checks = Checks {
    pkce: true,
    state: false,
    nonce: false,
};

/// What a preset must be configured as.
struct Expected<'a> {
    id: &'a str,
    name: &'a str,
    kind: ProviderKind,
    issuer: Option<&'a str>,
    authorization: Option<&'a str>,
    token: Option<&'a str>,
    userinfo: Option<&'a str>,
    scope: &'a str,
    checks: Checks,
    client_auth: ClientAuth,
    brand_color: Option<&'a str>,
}

fn assert_preset(p: &OAuthProvider, e: &Expected<'_>) {
    assert_eq!(p.id, e.id);
    assert_eq!(p.name, e.name, "{}", e.id);
    assert_eq!(p.kind, e.kind, "{}", e.id);
    assert_eq!(p.issuer.as_deref(), e.issuer, "{} issuer", e.id);
    assert_eq!(
        p.authorization_url.as_deref(),
        e.authorization,
        "{} authorization",
        e.id
    );
    assert_eq!(p.token_url.as_deref(), e.token, "{} token", e.id);
    assert_eq!(p.userinfo_url.as_deref(), e.userinfo, "{} userinfo", e.id);
    assert_eq!(param(p, "scope"), Some(e.scope), "{} scope", e.id);
    assert_eq!(p.checks, e.checks, "{} checks", e.id);
    assert_eq!(p.client_auth, e.client_auth, "{} client auth", e.id);
    // No logo URL: the page shows the logo shipped for the id (nothing from authjs.dev).
    assert_eq!(p.style.logo, None, "{} logo", e.id);
    assert_eq!(
        p.style.brand_color.as_deref(),
        e.brand_color,
        "{} colour",
        e.id
    );
    // Presets never carry credentials: they come from the environment or the builder.
    assert!(
        p.client_id.is_none() && p.client_secret.is_none(),
        "{}",
        e.id
    );
    assert!(!p.allow_dangerous_email_account_linking, "{}", e.id);
}

/// An OAuth 2 preset with fixed endpoints and the default checks (PKCE) and client auth.
fn oauth2<'a>(
    id: &'a str,
    name: &'a str,
    endpoints: [&'a str; 3],
    scope: &'a str,
    brand_color: &'a str,
) -> Expected<'a> {
    Expected {
        id,
        name,
        kind: ProviderKind::OAuth,
        issuer: None,
        authorization: Some(endpoints[0]),
        token: Some(endpoints[1]),
        userinfo: Some(endpoints[2]),
        scope,
        checks: PKCE,
        client_auth: ClientAuth::SecretBasic,
        brand_color: Some(brand_color),
    }
}

/// An OpenID Connect preset found by discovery from `issuer`, with the standard scope, PKCE
/// and `client_secret_basic`.
fn discovered<'a>(
    id: &'a str,
    name: &'a str,
    issuer: Option<&'a str>,
    brand_color: Option<&'a str>,
) -> Expected<'a> {
    Expected {
        id,
        name,
        kind: ProviderKind::Oidc,
        issuer,
        authorization: None,
        token: None,
        userinfo: None,
        scope: "openid profile email",
        checks: PKCE,
        client_auth: ClientAuth::SecretBasic,
        brand_color,
    }
}

fn tokens(fields: Value) -> TokenSet {
    TokenSet {
        fields: fields.as_object().cloned().expect("an object"),
    }
}

/// An [`HttpClient`] with canned answers per URL that records what it was sent.
#[derive(Default)]
struct FakeHttp {
    routes: Vec<(String, u16, Vec<u8>, Option<&'static str>)>,
    sent: Mutex<Vec<http::Request<Vec<u8>>>>,
}

impl FakeHttp {
    fn route(mut self, url: &str, status: u16, body: impl Into<Vec<u8>>) -> Self {
        self.routes
            .push((url.to_owned(), status, body.into(), None));
        self
    }

    fn route_typed(
        mut self,
        url: &str,
        body: impl Into<Vec<u8>>,
        content_type: &'static str,
    ) -> Self {
        self.routes
            .push((url.to_owned(), 200, body.into(), Some(content_type)));
        self
    }

    fn sent(&self) -> Vec<(String, http::HeaderMap)> {
        self.sent
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|r| (r.uri().to_string(), r.headers().clone()))
            .collect()
    }
}

impl HttpClient for FakeHttp {
    fn execute(&self, request: http::Request<Vec<u8>>) -> HttpFuture<'_> {
        let url = request.uri().to_string();
        let route = self.routes.iter().find(|r| r.0 == url).cloned();
        self.sent.lock().expect("not poisoned").push(request);
        Box::pin(async move {
            let (_, status, body, content_type) =
                route.ok_or_else(|| HttpError(format!("unexpected request to {url}")))?;
            let mut response = http::Response::builder().status(status);
            if let Some(content_type) = content_type {
                response = response.header(http::header::CONTENT_TYPE, content_type);
            }
            response.body(body).map_err(|e| HttpError(e.to_string()))
        })
    }
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializable")
}

fn header(headers: &http::HeaderMap, name: http::header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// All presets

#[test]
fn presets_have_distinct_ids_and_a_fixture_each() {
    let ids: Vec<String> = all().iter().map(|p| p.id.clone()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 93);
    for id in &ids {
        let profile = fixture(id);
        assert!(profile.is_object(), "{id}");
    }
}

#[test]
fn presets_refuse_profiles_without_an_account_id() {
    for provider in all() {
        let result = (provider.profile)(&json!({"email": "a@example.com"}), &TokenSet::default());
        assert!(
            result.is_err(),
            "{} accepted a profile without an id",
            provider.id
        );
    }
}

#[test]
fn presets_take_client_and_issuer_from_the_environment() {
    for provider in all() {
        let prefix = env_prefix(&provider.id);
        let env = |name: &str| {
            let value = name
                .strip_prefix(prefix.as_str())
                .map(|suffix| format!("{}{suffix}", provider.id))?;
            Some(value)
        };
        let had_issuer = provider.issuer.clone();
        let mut p = provider.clone();
        p.apply_env(&env);
        assert_eq!(
            p.client_id.as_deref(),
            Some(format!("{}_ID", p.id).as_str())
        );
        assert_eq!(
            p.client_secret.as_ref().map(crate::Secret::expose),
            Some(format!("{}_SECRET", p.id).as_str())
        );
        // A preset's own issuer stays; the hosted ones take AUTH_<ID>_ISSUER.
        let expected = had_issuer.unwrap_or_else(|| format!("{}_ISSUER", p.id));
        assert_eq!(p.issuer.as_deref(), Some(expected.as_str()), "{}", p.id);
    }
}

#[test]
fn github_and_google_build_into_a_config_from_two_variables_each() {
    let env = |name: &str| match name {
        "AUTH_SECRET" => Some("a-secret-long-enough-for-tests".to_owned()),
        "AUTH_URL" => Some("https://app.example.com/auth".to_owned()),
        "AUTH_GITHUB_ID" | "AUTH_GITHUB_SECRET" | "AUTH_GOOGLE_ID" | "AUTH_GOOGLE_SECRET" => {
            Some(format!("value of {name}"))
        }
        _ => None,
    };
    let built = crate::AuthConfig::new()
        .provider(github())
        .provider(google())
        .env_defaults_from(env)
        .build();
    assert!(built.is_ok(), "{:?}", built.err());
    // Without the issuer variable, a hosted preset is refused at build time.
    let missing = crate::AuthConfig::new()
        .provider(keycloak().client_id("id").client_secret("secret"))
        .secret("s")
        .trust_host(true)
        .build();
    assert!(matches!(
        missing,
        Err(crate::ConfigError::InvalidEndpoints(..))
    ));
}

// ---------------------------------------------------------------------------------------------
// GitHub

#[test]
fn github_preset() {
    let p = github();
    assert_preset(
        &p,
        &Expected {
            issuer: Some("https://github.com/login/oauth"),
            ..oauth2(
                "github",
                "GitHub",
                [
                    "https://github.com/login/oauth/authorize",
                    "https://github.com/login/oauth/access_token",
                    "https://api.github.com/user",
                ],
                "read:user user:email",
                "#24292f",
            )
        },
    );
    assert!(p.userinfo.is_some(), "github fetches its profile itself");
    assert_eq!(
        map(&p, &fixture("github")),
        User::new("583231")
            .name("The Octocat")
            .image("https://avatars.githubusercontent.com/u/583231?v=4")
    );
    let login_only = json!({"id": 1, "login": "ghost", "name": null, "email": "g@example.com"});
    assert_eq!(
        map(&p, &login_only),
        User::new("1").name("ghost").email("g@example.com")
    );
}

#[test]
fn github_enterprise_moves_every_url() {
    let p = github_enterprise("https://github.example.com/");
    assert_eq!(
        p.issuer.as_deref(),
        Some("https://github.example.com/login/oauth")
    );
    assert_eq!(
        p.authorization_url.as_deref(),
        Some("https://github.example.com/login/oauth/authorize")
    );
    assert_eq!(
        p.token_url.as_deref(),
        Some("https://github.example.com/login/oauth/access_token")
    );
    assert_eq!(
        p.userinfo_url.as_deref(),
        Some("https://github.example.com/api/v3/user")
    );
    assert_eq!(p.id, "github");
}

#[tokio::test]
async fn github_fetches_the_primary_verified_email_when_the_profile_has_none() {
    let p = github();
    let client = FakeHttp::default()
        .route(
            "https://api.github.com/user",
            200,
            json_bytes(&fixture("github")),
        )
        .route(
            "https://api.github.com/user/emails",
            200,
            json_bytes(&fixture("github-emails")),
        );
    let fetch = p.userinfo.as_ref().expect("a custom userinfo request");
    let profile = fetch(&tokens(json!({"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a", "token_type": "bearer"})), &client)
        .await
        .expect("the profile");
    assert_eq!(
        map(&p, &profile),
        User::new("583231")
            .name("The Octocat")
            .email("octocat@example.com")
            .image("https://avatars.githubusercontent.com/u/583231?v=4")
    );
    let sent = client.sent();
    let urls: Vec<&str> = sent.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://api.github.com/user",
            "https://api.github.com/user/emails"
        ]
    );
    for (url, headers) in &sent {
        assert_eq!(
            header(headers, http::header::AUTHORIZATION),
            "Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a",
            "{url}"
        );
        assert!(
            header(headers, http::header::USER_AGENT).starts_with("auth-core/"),
            "{url} needs a User-Agent"
        );
        assert_eq!(
            header(headers, http::header::ACCEPT),
            "application/vnd.github+json"
        );
    }
}

#[tokio::test]
async fn github_keeps_a_public_email_without_a_second_request() {
    let p = github();
    let mut profile = fixture("github");
    profile["email"] = json!("octocat@github.com");
    let client =
        FakeHttp::default().route("https://api.github.com/user", 200, json_bytes(&profile));
    let fetch = p.userinfo.as_ref().expect("a custom userinfo request");
    let fetched = fetch(&tokens(json!({"access_token": "t"})), &client)
        .await
        .expect("the profile");
    assert_eq!(
        map(&p, &fetched).email.as_deref(),
        Some("octocat@github.com")
    );
    assert_eq!(client.sent().len(), 1);
}

#[tokio::test]
async fn github_never_uses_an_unverified_email_and_survives_a_refused_emails_request() {
    let p = github();
    let fetch = p.userinfo.as_ref().expect("a custom userinfo request");
    let token = tokens(json!({"access_token": "t"}));

    // The primary address is unverified: the first verified one is used.
    let emails = json!([
        {"email": "primary@example.com", "primary": true, "verified": false, "visibility": "private"},
        {"email": "second@example.com", "primary": false, "verified": true, "visibility": null}
    ]);
    let client = FakeHttp::default()
        .route(
            "https://api.github.com/user",
            200,
            json_bytes(&fixture("github")),
        )
        .route(
            "https://api.github.com/user/emails",
            200,
            json_bytes(&emails),
        );
    let profile = fetch(&token, &client).await.expect("the profile");
    assert_eq!(profile["email"], "second@example.com");

    // Nothing verified: no email at all.
    let unverified = json!([{"email": "x@example.com", "primary": true, "verified": false}]);
    let client = FakeHttp::default()
        .route(
            "https://api.github.com/user",
            200,
            json_bytes(&fixture("github")),
        )
        .route(
            "https://api.github.com/user/emails",
            200,
            json_bytes(&unverified),
        );
    let profile = fetch(&token, &client).await.expect("the profile");
    assert_eq!(map(&p, &profile).email, None);

    // Without the user:email scope GitHub answers 404: the sign-in goes on without an email.
    let client = FakeHttp::default()
        .route(
            "https://api.github.com/user",
            200,
            json_bytes(&fixture("github")),
        )
        .route(
            "https://api.github.com/user/emails",
            404,
            b"{\"message\":\"Not Found\"}".to_vec(),
        );
    let profile = fetch(&token, &client).await.expect("the profile");
    assert_eq!(map(&p, &profile).id, "583231");
    assert_eq!(map(&p, &profile).email, None);

    // A refused profile request, or no access token, fails the sign-in.
    let client = FakeHttp::default().route("https://api.github.com/user", 401, b"{}".to_vec());
    assert!(fetch(&token, &client).await.is_err());
    assert!(fetch(&TokenSet::default(), &client).await.is_err());
}

// ---------------------------------------------------------------------------------------------
// Other OAuth 2 presets

#[test]
fn discord_preset() {
    let p = discord();
    assert_preset(
        &p,
        &oauth2(
            "discord",
            "Discord",
            [
                "https://discord.com/api/oauth2/authorize",
                "https://discord.com/api/oauth2/token",
                "https://discord.com/api/users/@me",
            ],
            "identify email",
            "#5865F2",
        ),
    );
    let profile = fixture("discord");
    assert_eq!(
        map(&p, &profile),
        User::new("80351110224678912")
            .name("Nelly")
            .email("nelly@example.com")
            .image("https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png")
    );
    let mut animated = profile.clone();
    animated["avatar"] = json!("a_1269e74af4df7417b13759eae50c83dc");
    assert_eq!(
        map(&p, &animated).image.as_deref(),
        Some(
            "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.gif"
        )
    );
    // No avatar, new username system: (80351110224678912 >> 22) % 6 = 5.
    let mut plain = profile.clone();
    plain["avatar"] = Value::Null;
    assert_eq!(
        map(&p, &plain).image.as_deref(),
        Some("https://cdn.discordapp.com/embed/avatars/5.png")
    );
    // No avatar, legacy discriminator: 1337 % 5 = 2; no global name: the username.
    plain["discriminator"] = json!("1337");
    plain["global_name"] = Value::Null;
    let legacy = map(&p, &plain);
    assert_eq!(
        legacy.image.as_deref(),
        Some("https://cdn.discordapp.com/embed/avatars/2.png")
    );
    assert_eq!(legacy.name.as_deref(), Some("nelly"));
}

#[test]
fn gitlab_preset() {
    let p = gitlab();
    assert_preset(
        &p,
        &oauth2(
            "gitlab",
            "GitLab",
            [
                "https://gitlab.com/oauth/authorize",
                "https://gitlab.com/oauth/token",
                "https://gitlab.com/api/v4/user",
            ],
            "read_user",
            "#FC6D26",
        ),
    );
    assert_eq!(
        map(&p, &fixture("gitlab")),
        User::new("1234567")
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .image("https://gitlab.com/uploads/-/system/user/avatar/1234567/avatar.png")
    );
    let own = gitlab_self_managed("https://git.example.com/");
    assert_eq!(
        own.authorization_url.as_deref(),
        Some("https://git.example.com/oauth/authorize")
    );
    assert_eq!(
        own.token_url.as_deref(),
        Some("https://git.example.com/oauth/token")
    );
    assert_eq!(
        own.userinfo_url.as_deref(),
        Some("https://git.example.com/api/v4/user")
    );
}

#[test]
fn facebook_preset() {
    let p = facebook();
    assert_preset(
        &p,
        &oauth2(
            "facebook",
            "Facebook",
            [
                "https://www.facebook.com/v19.0/dialog/oauth",
                "https://graph.facebook.com/oauth/access_token",
                "https://graph.facebook.com/me?fields=id,name,email,picture",
            ],
            "email",
            "#006aff",
        ),
    );
    assert_eq!(
        map(&p, &fixture("facebook")),
        User::new("10158912345678901")
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .image("https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158912345678901&height=50&width=50&ext=1719000000&hash=AbYexample")
    );
}

#[test]
fn twitter_preset() {
    let p = twitter();
    assert_preset(
        &p,
        &Expected {
            checks: Checks {
                pkce: true,
                state: true,
                nonce: false,
            },
            ..oauth2(
                "twitter",
                "Twitter",
                [
                    "https://x.com/i/oauth2/authorize",
                    "https://api.x.com/2/oauth2/token",
                    "https://api.x.com/2/users/me?user.fields=profile_image_url",
                ],
                "users.read tweet.read offline.access",
                "#1da1f2",
            )
        },
    );
    assert_eq!(
        map(&p, &fixture("twitter")),
        User::new("2244994945")
            .name("Developers")
            .image("https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg")
    );
}

#[test]
fn spotify_preset() {
    let p = spotify();
    assert_preset(
        &p,
        &oauth2(
            "spotify",
            "Spotify",
            [
                "https://accounts.spotify.com/authorize",
                "https://accounts.spotify.com/api/token",
                "https://api.spotify.com/v1/me",
            ],
            "user-read-email",
            "#2ebd59",
        ),
    );
    let profile = fixture("spotify");
    assert_eq!(
        map(&p, &profile),
        User::new("smedjan")
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .image("https://i.scdn.co/image/ab6775700000ee85example300")
    );
    let mut no_images = profile;
    no_images["images"] = json!([]);
    assert_eq!(map(&p, &no_images).image, None);
}

#[test]
fn reddit_preset() {
    let p = reddit();
    assert_preset(
        &p,
        &Expected {
            checks: Checks {
                pkce: false,
                state: true,
                nonce: false,
            },
            ..oauth2(
                "reddit",
                "Reddit",
                [
                    "https://www.reddit.com/api/v1/authorize",
                    "https://www.reddit.com/api/v1/access_token",
                    "https://oauth.reddit.com/api/v1/me",
                ],
                "identity",
                "#000",
            )
        },
    );
    // No permanent grant unless asked for.
    assert_eq!(param(&p, "duration"), None);
    assert_eq!(
        map(&p, &fixture("reddit")),
        User::new("1w72")
            .name("spez_example")
            .image("https://styles.redditmedia.com/t5_3k30p/styles/profileIcon_snoo-nftv2_abc.png?width=256&height=256&crop=256:256,smart&s=0123abcd")
    );
}

#[test]
fn bitbucket_preset() {
    let p = bitbucket();
    assert_preset(
        &p,
        &oauth2(
            "bitbucket",
            "Bitbucket",
            [
                "https://bitbucket.org/site/oauth2/authorize",
                "https://bitbucket.org/site/oauth2/access_token",
                "https://api.bitbucket.org/2.0/user",
            ],
            "account",
            "#205081",
        ),
    );
    assert_eq!(
        map(&p, &fixture("bitbucket")),
        User::new("557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443")
            .name("Jane Doe")
            .image("https://secure.gravatar.com/avatar/2d7a1e0b6c9f8e7d6c5b4a3f2e1d0c9b?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FJD-2.png")
    );
}

// ---------------------------------------------------------------------------------------------
// OpenID Connect presets with a fixed issuer

#[test]
fn google_preset() {
    let p = google();
    assert_preset(
        &p,
        &discovered(
            "google",
            "Google",
            Some("https://accounts.google.com"),
            Some("#1a73e8"),
        ),
    );
    assert!(p.id_token && p.userinfo.is_none());
    assert_eq!(
        map(&p, &fixture("google")),
        User::new("110169484474386276334")
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .image("https://lh3.googleusercontent.com/a/ACg8ocJ9example=s96-c")
    );
}

#[test]
fn apple_preset() {
    let p = apple();
    assert_preset(
        &p,
        &Expected {
            scope: "name email",
            checks: Checks {
                pkce: false,
                state: true,
                nonce: true,
            },
            client_auth: ClientAuth::SecretPost,
            ..discovered(
                "apple",
                "Apple",
                Some("https://appleid.apple.com"),
                Some("#000"),
            )
        },
    );
    assert_eq!(param(&p, "response_mode"), Some("form_post"));
    assert!(
        p.form_post,
        "Apple's check cookies must survive a cross-site POST"
    );
    assert!(p.id_token);
    let claims = fixture("apple");
    assert_eq!(
        map(&p, &claims),
        User::new("001234.5d8e6e0e9f3c4b2a9d1f7e6c5b4a3928.1234")
            .name("8k2hs7d9xq@privaterelay.appleid.com")
            .email("8k2hs7d9xq@privaterelay.appleid.com")
    );
    // First consent: Apple posts the name as the `user` form field (JSON text).
    let mut first = claims.clone();
    first["user"] = json!(
        r#"{"name":{"firstName":"John","lastName":"Appleseed"},"email":"8k2hs7d9xq@privaterelay.appleid.com"}"#
    );
    assert_eq!(map(&p, &first).name.as_deref(), Some("John Appleseed"));
    let mut parsed = claims;
    parsed["user"] = json!({"name": {"firstName": "John"}});
    assert_eq!(map(&p, &parsed).name.as_deref(), Some("John"));
}

#[test]
fn slack_preset() {
    let p = slack();
    assert_preset(
        &p,
        &Expected {
            checks: Checks {
                pkce: false,
                state: false,
                nonce: true,
            },
            ..discovered("slack", "Slack", Some("https://slack.com"), Some("#611f69"))
        },
    );
    assert_eq!(
        map(&p, &fixture("slack")),
        User::new("U0R7MFMJM")
            .name("krane")
            .email("krane@example.com")
            .image("https://secure.gravatar.com/avatar/bc5b6b8a2e8e3c3e9f0b9c9d0e0f1a2b.jpg?s=512&d=https%3A%2F%2Fa.slack-edge.com%2Fdf10d%2Fimg%2Favatars%2Fava_0010-512.png")
    );
}

#[test]
fn linkedin_preset() {
    let p = linkedin();
    assert_preset(
        &p,
        &Expected {
            checks: Checks {
                pkce: false,
                state: true,
                nonce: false,
            },
            client_auth: ClientAuth::SecretPost,
            ..discovered(
                "linkedin",
                "LinkedIn",
                Some("https://www.linkedin.com/oauth"),
                Some("#069"),
            )
        },
    );
    assert_eq!(
        map(&p, &fixture("linkedin")),
        User::new("782bbtaQ")
            .name("John Doe")
            .email("doe@example.com")
            .image("https://media.licdn-ei.com/dms/image/C5F03AQHqK8v1z2x3y4/profile-displayphoto-shrink_100_100/0/1234567890?e=2147483647&v=beta&t=exampletoken")
    );
}

#[test]
fn twitch_preset() {
    let p = twitch();
    assert_preset(
        &p,
        &Expected {
            scope: "openid user:read:email",
            client_auth: ClientAuth::SecretPost,
            ..discovered(
                "twitch",
                "Twitch",
                Some("https://id.twitch.tv/oauth2"),
                Some("#65459B"),
            )
        },
    );
    let claims: Value = serde_json::from_str(param(&p, "claims").expect("a claims parameter"))
        .expect("the claims parameter is JSON");
    assert_eq!(
        claims,
        json!({"id_token": {"email": null, "picture": null, "preferred_username": null}})
    );
    assert_eq!(
        map(&p, &fixture("twitch")),
        User::new("713936733")
            .name("twitchdev")
            .email("twitchdev@example.com")
            .image("https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png")
    );
}

// ---------------------------------------------------------------------------------------------
// Microsoft Entra ID

#[test]
fn microsoft_entra_id_preset() {
    let p = microsoft_entra_id();
    let issuer = microsoft_entra_id::issuer_from(&|name| std::env::var(name).ok());
    assert_preset(
        &p,
        &Expected {
            scope: "openid profile email User.Read",
            ..discovered(
                "microsoft-entra-id",
                "Microsoft Entra ID",
                Some(&issuer),
                Some("#0072c6"),
            )
        },
    );
    // The profile is the verified id_token plus the Graph photo, fetched by the preset.
    assert!(!p.id_token && p.userinfo.is_some());
    assert_eq!(
        map(&p, &fixture("microsoft-entra-id")),
        User::new("AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ")
            .name("Abe Lincoln")
            .email("abe.lincoln@example.com")
    );
    // Without a photo: no Graph request, the id_token is the profile.
    let plain = microsoft_entra_id_with_photo(None);
    assert!(plain.id_token && plain.userinfo.is_none());
    assert_eq!(plain.issuer, p.issuer);
}

#[test]
fn microsoft_entra_id_issuer_defaults_to_common_and_takes_a_tenant() {
    assert_eq!(
        microsoft_entra_id::issuer_from(&|_| None),
        "https://login.microsoftonline.com/common/v2.0"
    );
    assert_eq!(
        microsoft_entra_id::issuer_from(&|_| Some("  ".into())),
        microsoft_entra_id::COMMON_ISSUER
    );
    let tenant = "https://login.microsoftonline.com/9122040d-6c67-4c5b-b112-36a304b66dad/v2.0";
    assert_eq!(
        microsoft_entra_id::issuer_from(&|name| {
            (name == "AUTH_MICROSOFT_ENTRA_ID_ISSUER").then(|| tenant.to_owned())
        }),
        tenant
    );
    // `.issuer()` wins over everything.
    let p = microsoft_entra_id().issuer(tenant);
    assert_eq!(p.issuer.as_deref(), Some(tenant));
}

fn fake_id_token(claims: &Value) -> String {
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(br#"{"alg":"RS256","typ":"JWT","kid":"test"}"#),
        b64(&json_bytes(claims))
    )
}

#[tokio::test]
async fn microsoft_entra_id_adds_the_graph_photo_as_a_data_url() {
    let p = microsoft_entra_id();
    let claims = fixture("microsoft-entra-id");
    let photo = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    let client = FakeHttp::default().route_typed(
        "https://graph.microsoft.com/v1.0/me/photos/48x48/$value",
        photo.clone(),
        "image/jpeg",
    );
    let tokens = tokens(json!({
        "access_token": "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImdyYXBoIn0.graph.token",
        "token_type": "Bearer",
        "id_token": fake_id_token(&claims),
    }));
    let fetch = p.userinfo.as_ref().expect("a custom userinfo request");
    let profile = fetch(&tokens, &client).await.expect("the profile");
    let expected = format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&photo)
    );
    assert_eq!(profile["picture"], Value::String(expected.clone()));
    // The callback compares this with the verified id_token's sub.
    assert_eq!(profile["sub"], claims["sub"]);
    assert_eq!(
        map(&p, &profile),
        User::new("AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ")
            .name("Abe Lincoln")
            .email("abe.lincoln@example.com")
            .image(expected)
    );
    let sent = client.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        header(&sent[0].1, http::header::AUTHORIZATION),
        "Bearer eyJ0eXAiOiJKV1QiLCJub25jZSI6ImdyYXBoIn0.graph.token"
    );

    // Another size, another URL.
    let big = microsoft_entra_id_with_photo(Some(96));
    let client = FakeHttp::default().route_typed(
        "https://graph.microsoft.com/v1.0/me/photos/96x96/$value",
        photo,
        "image/png; charset=binary",
    );
    let fetch = big.userinfo.as_ref().expect("a custom userinfo request");
    let profile = fetch(&tokens, &client).await.expect("the profile");
    assert!(
        profile["picture"]
            .as_str()
            .is_some_and(|p| p.starts_with("data:image/png;base64,"))
    );
}

#[tokio::test]
async fn microsoft_entra_id_signs_in_without_a_photo() {
    let p = microsoft_entra_id();
    let claims = fixture("microsoft-entra-id");
    let tokens = tokens(json!({"access_token": "at", "id_token": fake_id_token(&claims)}));
    let fetch = p.userinfo.as_ref().expect("a custom userinfo request");

    // 404 (no photo) and a failing request both leave the image empty.
    for client in [
        FakeHttp::default().route(
            "https://graph.microsoft.com/v1.0/me/photos/48x48/$value",
            404,
            b"{\"error\":{\"code\":\"ImageNotFound\"}}".to_vec(),
        ),
        FakeHttp::default(),
    ] {
        let profile = fetch(&tokens, &client).await.expect("the profile");
        assert_eq!(profile, claims);
        assert_eq!(map(&p, &profile).image, None);
    }

    // A content type that is not a plain image type is not copied into the URL.
    let client = FakeHttp::default().route_typed(
        "https://graph.microsoft.com/v1.0/me/photos/48x48/$value",
        vec![1, 2, 3],
        "text/html\"><script>",
    );
    let profile = fetch(&tokens, &client).await.expect("the profile");
    assert_eq!(profile["picture"], "data:image/jpeg;base64,AQID");

    // Without an id_token there is no profile.
    let client = FakeHttp::default();
    assert!(fetch(&TokenSet::default(), &client).await.is_err());
    assert!(microsoft_entra_id::id_token_claims("not-a-jwt").is_err());
    assert!(microsoft_entra_id::id_token_claims("a.bm90IGpzb24.c").is_err());
}

// ---------------------------------------------------------------------------------------------
// Hosted identity servers (issuer from AUTH_<ID>_ISSUER)

#[test]
fn auth0_preset() {
    let p = auth0();
    assert_preset(&p, &discovered("auth0", "Auth0", None, Some("#EB5424")));
    assert_eq!(
        map(&p, &fixture("auth0")),
        User::new("auth0|6642f0d5e0b1c2a3b4c5d6e7")
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .image("https://s.gravatar.com/avatar/8eb1b522f60d11fa897de1dc6351b7e8?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png")
    );
}

#[test]
fn authentik_preset() {
    let p = authentik();
    assert_preset(&p, &discovered("authentik", "Authentik", None, None));
    assert_eq!(
        map(&p, &fixture("authentik")),
        User::new("2b1d7f6c9e4a4f0d8c3b5a6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809a1b")
            .name("Jane Doe")
            .email("jane.doe@example.com")
    );
}

#[test]
fn cognito_preset() {
    let p = cognito();
    assert_preset(&p, &discovered("cognito", "Cognito", None, Some("#C17B9E")));
    // This pool releases no `name`: the Cognito username stands in.
    assert_eq!(
        map(&p, &fixture("cognito")),
        User::new("4478f468-b0c1-70b7-e2ab-0d9d8f4e3c21")
            .name("jdoe")
            .email("jane.doe@example.com")
    );
    let mut named = fixture("cognito");
    named["name"] = json!("Jane Doe");
    assert_eq!(map(&p, &named).name.as_deref(), Some("Jane Doe"));
}

#[test]
fn keycloak_preset() {
    let p = keycloak();
    assert_preset(
        &p,
        &discovered("keycloak", "Keycloak", None, Some("#428bca")),
    );
    assert_eq!(
        map(&p, &fixture("keycloak")),
        User::new("f1e2d3c4-b5a6-4978-8899-aabbccddeeff")
            .name("Jane Doe")
            .email("jane.doe@example.com")
    );
    let mut username_only = fixture("keycloak");
    if let Some(claims) = username_only.as_object_mut() {
        claims.remove("name");
    }
    assert_eq!(map(&p, &username_only).name.as_deref(), Some("jdoe"));
}

#[test]
fn okta_preset() {
    let p = okta();
    assert_preset(
        &p,
        &Expected {
            checks: Checks {
                pkce: true,
                state: true,
                nonce: false,
            },
            ..discovered("okta", "Okta", None, Some("#000"))
        },
    );
    assert_eq!(
        map(&p, &fixture("okta")),
        User::new("00uid4BxXw6I6TV4m0g3")
            .name("John Doe")
            .email("john.doe@example.com")
    );
}

#[test]
fn zitadel_preset() {
    let p = zitadel();
    assert_preset(&p, &discovered("zitadel", "ZITADEL", None, None));
    assert_eq!(
        map(&p, &fixture("zitadel")),
        User::new("170086363054473473")
            .name("Road Runner")
            .email("road.runner@example.com")
            .image("https://example-abc123.zitadel.cloud/assets/v1/170086363054473473/users/170086363054473473/avatar")
    );
}

// ---------------------------------------------------------------------------------------------
// The other Auth.js presets: each mapping against its recorded profile. Endpoints, parameters
// and checks are compared with the real Auth.js in `tests/presets_parity.rs`.

fn user(id: &str, name: Option<&str>, email: Option<&str>, image: Option<&str>) -> User {
    User {
        id: id.to_owned(),
        name: name.map(str::to_owned),
        email: email.map(str::to_owned),
        image: image.map(str::to_owned),
    }
}

#[test]
fn every_preset_maps_its_recorded_profile() {
    let table: Vec<(OAuthProvider, User)> = vec![
        (
            forty_two_school(),
            user(
                "85432",
                Some("Marvin Paranoid"),
                Some("marvin@student.42.fr"),
                Some("https://cdn.intra.42.fr/users/2f6b3c1e/marvin.jpg"),
            ),
        ),
        (
            asgardeo(),
            user(
                "3f1c2e8a-6b2d-4c5e-9f10-2a3b4c5d6e7f",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            atlassian(),
            user(
                "5b10a2844c20165700ede21g",
                Some("Mia Krystof"),
                Some("mia@example.com"),
                Some(
                    "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/5b10a2844c20165700ede21g/1.png",
                ),
            ),
        ),
        (
            azure_ad_b2c(),
            user(
                "0f4d5e6a-7b8c-4d9e-a0b1-c2d3e4f5a6b7",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            azure_devops(),
            user(
                "1c6f7e2b-5d2e-4a3f-9b1c-7e8d9f0a1b2c",
                Some("Jamal Hartnett"),
                Some("jamal@example.com"),
                Some("data:image/jpeg;base64,iVBORw0KGgo="),
            ),
        ),
        (
            bankid_no(),
            user(
                "9578-6000-4-9021",
                Some("Kari Nordmann"),
                Some("kari.nordmann@example.no"),
                None,
            ),
        ),
        (
            battlenet(),
            user("123456789", Some("Thrall#1234"), None, None),
        ),
        (
            beyondidentity(),
            user(
                "6b1f8d3a0c2e4f5a",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            box_com(),
            user(
                "11446498",
                Some("Aaron Levie"),
                Some("ceo@example.com"),
                Some("https://www.box.com/api/avatar/large/181216415"),
            ),
        ),
        (
            boxyhq_saml(),
            user(
                "bW9ua2V5QGV4YW1wbGUuY29t",
                Some("Samuel Jackson"),
                Some("jackson@example.com"),
                None,
            ),
        ),
        (
            bungie(),
            user(
                "20134563",
                Some("Guardian"),
                None,
                Some("https://www.bungie.net/img/profile/avatars/bungieday_26.jpg"),
            ),
        ),
        (
            click_up(),
            user(
                "123",
                Some("John Doe"),
                None,
                Some("https://attachments.clickup.com/profilePictures/123_abc.jpg"),
            ),
        ),
        (
            coinbase(),
            user(
                "9da7a204-544e-5fd1-9a12-61176c5d4cd8",
                Some("User One"),
                Some("user1@example.com"),
                Some(
                    "https://images.coinbase.com/avatar?h=vR%2FY8igBoPwuwGren5JMwvDNGpURAY%2F0nRIOgH%2FY2Qh%2BQ6nomR3qusA%2Bh6o2%0Af9rH&s=128",
                ),
            ),
        ),
        (
            concept2(),
            user(
                "1",
                Some("david"),
                Some("david@example.com"),
                Some("https://log.concept2.com/images/profiles/1.jpg"),
            ),
        ),
        (
            descope(),
            user(
                "U2ABwPnuyXzUaxMwdYn1vGP8SXmv",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://static.descope.com/pictures/jane.png"),
            ),
        ),
        (
            dribbble(),
            user(
                "1",
                Some("Dan Cederholm"),
                Some("dan@example.com"),
                Some("https://cdn.dribbble.com/users/1/avatars/normal/dc.jpg?1371679243"),
            ),
        ),
        (
            dropbox(),
            user(
                "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
                Some("Franz Ferdinand (Personal)"),
                Some("franz@example.com"),
                Some(
                    "https://dl-web.dropbox.com/account_photo/get/dbaphid%3AAAHWGmIXV3sUuOmBfTz0wPsiqHUpBWvv3ZA?vers=1556069330102&size=128x128",
                ),
            ),
        ),
        (
            duende_identity_server6(),
            user(
                "88421113",
                Some("Bob Smith"),
                Some("BobSmith@example.com"),
                None,
            ),
        ),
        (
            eventbrite(),
            user(
                "1234567890",
                Some("Nick Example"),
                Some("nick@example.com"),
                Some(
                    "https://img.evbuc.com/https%3A%2F%2Fcdn.evbuc.com%2Fimages%2F48771233%2F1%2Foriginal.jpg",
                ),
            ),
        ),
        (
            eveonline(),
            user(
                "2112625428",
                Some("CCP Zoetrope"),
                None,
                Some("https://image.eveonline.com/Character/2112625428_128.jpg"),
            ),
        ),
        (
            faceit(),
            user(
                "0d8b7a2e-3c4f-4b5a-8e9d-1f2a3b4c5d6e",
                Some("Oleksandr Kostyliev"),
                Some("s1mple@example.com"),
                Some("https://assets.faceit-cdn.net/avatars/0d8b7a2e.jpg"),
            ),
        ),
        (
            figma(),
            user(
                "1234567890123456789",
                Some("Rachel"),
                Some("rachel@example.com"),
                Some("https://s3-alpha.figma.com/profile/9b7f2e2c-6b4f-4a8d-9d4f-2f6c5e3b1a0d"),
            ),
        ),
        (
            foursquare(),
            user(
                "1234567",
                Some("Jimmy Foursquare"),
                Some("jimmy@example.com"),
                Some("https://fastly.4sqi.net/img/user/original/1234567-ABCDEFGHIJKLMNOP.jpg"),
            ),
        ),
        (
            freshbooks(),
            user(
                "2192788",
                Some("Gordon Shumway"),
                Some("gordon.shumway@example.com"),
                None,
            ),
        ),
        (
            frontegg(),
            user(
                "cb7f4b3c-8f4e-4a9a-9c37-2d1e2f3a4b5c",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://www.gravatar.com/avatar/abc"),
            ),
        ),
        (
            fusionauth(),
            user(
                "2ffc8d43-f1e2-4fcb-bcb3-ecbd0fe2a8f9",
                Some("Richard Milhous Hendricks"),
                Some("richard@example.com"),
                Some("https://www.gravatar.com/avatar/richard"),
            ),
        ),
        (
            hubspot(),
            user(
                "123",
                Some("test@example.com"),
                Some("test@example.com"),
                None,
            ),
        ),
        (
            huggingface(),
            user(
                "62f3b7a1c3f1e2d3a4b5c6d7",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://cdn-avatars.huggingface.co/v1/production/uploads/janedoe.png"),
            ),
        ),
        (
            identity_server4(),
            user(
                "818727",
                Some("Alice Smith"),
                Some("AliceSmith@example.com"),
                None,
            ),
        ),
        (
            instagram(),
            user("17841405793187218", Some("jayposiris"), None, None),
        ),
        (
            kakao(),
            user(
                "123456789",
                Some("홍길동"),
                Some("sample@example.com"),
                Some("http://yyy.kakao.com/dn/.../img_640x640.jpg"),
            ),
        ),
        (
            kinde(),
            user(
                "kp_0123456789abcdef0123456789abcdef",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://lh3.googleusercontent.com/a/jane"),
            ),
        ),
        (
            line(),
            user(
                "U1234567890abcdef1234567890abcdef",
                Some("Taro Line"),
                Some("taro.line@example.com"),
                Some("https://sample_line.me/aBcdefg123456"),
            ),
        ),
        (
            logto(),
            user(
                "3dn8kej29d4a",
                Some("jdoe"),
                Some("jane.doe@example.com"),
                Some("https://example.logto.app/avatar/jdoe.png"),
            ),
        ),
        (
            mailchimp(),
            user(
                "12345678",
                Some("Example Co"),
                Some("owner@example.com"),
                None,
            ),
        ),
        (
            mailru(),
            user(
                "1234567890",
                Some("Иван Петров"),
                Some("ivan@mail.ru"),
                None,
            ),
        ),
        (
            mastodon(),
            user(
                "14715",
                Some("trwnh"),
                None,
                Some(
                    "https://files.mastodon.social/accounts/avatars/000/014/715/original/34aa222f4ae2e0a9.png",
                ),
            ),
        ),
        (
            mattermost(),
            user(
                "4xp9fdt77pncbef59f4k1qe83o",
                Some("jane.doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            medium(),
            user(
                "5303d74c64f66366f00cb9b2a94f3251bf5",
                Some("Jamie Talbot"),
                None,
                Some("https://images.medium.com/0*fkfQiTzT7TlUGGyI.png"),
            ),
        ),
        (
            naver(),
            user(
                "32742776",
                Some("OpenAPI"),
                Some("openapi@naver.com"),
                Some("https://ssl.pstatic.net/static/pwe/address/nodata_33x33.gif"),
            ),
        ),
        (
            netlify(),
            user(
                "5d3a1b2c3d4e5f6a7b8c9d0e",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://avatars.githubusercontent.com/u/123456?v=4"),
            ),
        ),
        (
            netsuite(),
            user("4", Some("Jane Doe"), Some("jane.doe@example.com"), None),
        ),
        (
            nextcloud().issuer("https://cloud.example.com/"),
            user(
                "jdoe",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://cloud.example.com/avatar/jdoe/512"),
            ),
        ),
        (
            notion(),
            user(
                "e79a0b74-3aba-4149-9f74-0bb5791a6ee6",
                Some("Avocado Lovelace"),
                Some("avo@example.org"),
                Some("https://secure.notion-static.com/e6a352a8-8381-44d0-a1dc-9ed80e62b53d.jpg"),
            ),
        ),
        (
            onelogin(),
            user(
                "54719832",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            hydra(),
            user(
                "c9a7b6d5-e4f3-4a2b-9c1d-0e1f2a3b4c5d",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://example.com/jane.png"),
            ),
        ),
        (
            osso(),
            user(
                "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                None,
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            osu(),
            user(
                "2",
                Some("peppy"),
                None,
                Some("https://a.ppy.sh/2?1657169614.png"),
            ),
        ),
        (
            passage(),
            user(
                "Ab3XyZ9qW2eR4tY6uI8oP0aS",
                None,
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            patreon(),
            user(
                "207",
                Some("Corgi The Dev"),
                Some("corgi@example.com"),
                Some("https://c8.patreon.com/2/200/207"),
            ),
        ),
        (
            ping_id(),
            user(
                "5b8c4a3e-2d1f-4e9a-8b7c-6d5e4f3a2b1c",
                Some("jdoe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            pinterest(),
            user(
                "janedoe",
                Some("janedoe"),
                None,
                Some("https://i.pinimg.com/280x280_RS/5c/b3/2b/5cb32b1c.jpg"),
            ),
        ),
        (
            pipedrive(),
            user(
                "1234567",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://pipedrive-profile-pics.s3.example.com/jane.jpg"),
            ),
        ),
        (
            roblox(),
            user(
                "1516563360",
                Some("exampleuser"),
                None,
                Some(
                    "https://tr.rbxcdn.com/30DAY-AvatarHeadshot-1516563360/150/150/AvatarHeadshot/Png/noFilter",
                ),
            ),
        ),
        (
            salesforce(),
            user(
                "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
                Some("Jane Doe"),
                Some("jane@example.com"),
                Some(
                    "https://example.my.salesforce.com/img/userprofile/default_profile_200_v2.png",
                ),
            ),
        ),
        (
            simplelogin(),
            user(
                "2468",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://app.simplelogin.io/static/default-avatar.png"),
            ),
        ),
        (
            strava(),
            user(
                "1234567890987654400",
                Some("Marianne Teutenberg"),
                None,
                Some(
                    "https://xxxxx.cloudfront.net/pictures/athletes/123456789/123456789/2/large.jpg",
                ),
            ),
        ),
        (
            threads(),
            user(
                "1234567890",
                Some("threadsapitestuser"),
                None,
                Some(
                    "https://scontent-sjc3-1.cdninstagram.com/link/to/profile/picture/on/threads/",
                ),
            ),
        ),
        (
            tiktok(),
            user(
                "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
                Some("TikTok User"),
                None,
                Some(
                    "https://p19-sign.tiktokcdn-us.com/tos-useast5-avt-0068-tx/b17f0e4b3a4f4a50993cf72cda8b88b8~c5_168x168.jpeg",
                ),
            ),
        ),
        (
            todoist(),
            user(
                "2671355",
                Some("Jane Doe"),
                Some("me@example.com"),
                Some("https://dcff1xvirvpfp.cloudfront.net/2671355_big.jpg"),
            ),
        ),
        (
            trakt(),
            user(
                "sean",
                Some("Sean Rudford"),
                None,
                Some(
                    "https://walter-r2.trakt.tv/images/users/000/000/001/avatars/large/0ba3f72910.jpg",
                ),
            ),
        ),
        (
            united_effects(),
            user(
                "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            vipps(),
            user(
                "c06c4afe-d9e1-4c5d-939a-177d752a0944",
                Some("Ada Lovelace"),
                Some("user@example.com"),
                None,
            ),
        ),
        (
            vk(),
            user(
                "210700286",
                Some("Lindsey Stirling"),
                Some("lindsey@example.com"),
                Some("https://sun1-99.userapi.com/s/v1/ig2/lindsey.jpg?size=100x100"),
            ),
        ),
        (
            webex(),
            user(
                "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
                Some("John Andersen"),
                Some("john.andersen@example.com"),
                Some(
                    "https://1efa7a94ed21783e352-c62266528714497a17239ececf39e9e2.ssl.cf1.rackcdn.com/V1~54c844c89e678e5a7b16a306bc2897b9~wx29yGtlTpilEFlYzqPKag==~1600",
                ),
            ),
        ),
        (
            wechat(),
            user(
                "o6_bmasdasdsad6_2sgVt7hMZOPfL",
                Some("微信用户"),
                None,
                Some(
                    "https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132",
                ),
            ),
        ),
        (
            wikimedia(),
            user(
                "12345678",
                Some("Example"),
                Some("example@example.org"),
                None,
            ),
        ),
        (
            wordpress(),
            user(
                "123456",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                Some("https://0.gravatar.com/avatar/abc?s=96&d=identicon"),
            ),
        ),
        (
            workos(),
            user(
                "prof_01DMC79VCBZ0NY2099737PSVF1",
                Some("Todd Rundgren"),
                Some("todd@example.com"),
                Some("https://example.com/todd.png"),
            ),
        ),
        (
            yandex(),
            user(
                "1000034426",
                Some("Ivan"),
                Some("test@yandex.ru"),
                Some("https://avatars.yandex.net/get-yapic/131652443/islands-200"),
            ),
        ),
        (
            zoho(),
            user(
                "701234567",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                None,
            ),
        ),
        (
            zoom(),
            user(
                "KDcuGIm1QgePTO8WbOqwIQ",
                Some("Jill Chill"),
                Some("jchill@example.com"),
                Some("https://example.com/photo.jpg"),
            ),
        ),
    ];
    assert_eq!(table.len(), 72);
    for (provider, expected) in &table {
        assert_eq!(
            map(provider, &fixture(&provider.id)),
            *expected,
            "{}",
            provider.id
        );
    }
    // azure-ad is Entra ID under another id and name.
    let azure = azure_ad();
    assert_eq!(
        (azure.id.as_str(), azure.name.as_str()),
        ("azure-ad", "Azure Active Directory")
    );
    assert_eq!(
        map(&azure, &fixture("azure-ad")),
        map(&microsoft_entra_id(), &fixture("microsoft-entra-id"))
    );
}

#[test]
fn profile_mappings_follow_auth_js_fallbacks() {
    // Yandex: no display name → real name; an empty avatar → none.
    let mut yandex_profile = fixture("yandex");
    yandex_profile["display_name"] = Value::Null;
    yandex_profile["is_avatar_empty"] = json!(true);
    let mapped = map(&yandex(), &yandex_profile);
    assert_eq!(
        (mapped.name.as_deref(), mapped.image),
        (Some("Ivan Ivanov"), None)
    );
    // Mattermost: no username → first and last name.
    let mut mm = fixture("mattermost");
    mm["username"] = Value::Null;
    assert_eq!(map(&mattermost(), &mm).name.as_deref(), Some("Jane Doe"));
    // FusionAuth: `name`, then `preferred_username`, then the joined names.
    let mut fa = fixture("fusionauth");
    fa["preferred_username"] = json!("richard");
    assert_eq!(map(&fusionauth(), &fa).name.as_deref(), Some("richard"));
    // Threads: the profile inside `data` (Auth.js's reading) works too.
    let wrapped = json!({"data": fixture("threads")});
    assert_eq!(
        map(&threads(), &wrapped),
        map(&threads(), &fixture("threads"))
    );
    // Eventbrite without an image id, Foursquare without a photo.
    let mut eb = fixture("eventbrite");
    eb["image_id"] = Value::Null;
    assert_eq!(map(&eventbrite(), &eb).image, None);
    let mut fs = fixture("foursquare");
    fs["response"]["user"]["photo"] = Value::Null;
    assert_eq!(map(&foursquare(), &fs).image, None);
    // Nextcloud before its issuer is known: no avatar URL.
    assert_eq!(map(&nextcloud(), &fixture("nextcloud")).image, None);
}

#[test]
fn presets_at_an_issuer_place_their_endpoints_when_it_is_set() {
    let env = |id: &'static str, issuer: &'static str| {
        move |name: &str| {
            let prefix = env_prefix(id);
            match name.strip_prefix(prefix.as_str()) {
                Some("_ID") => Some("client-id".to_owned()),
                Some("_SECRET") => Some("client-secret".to_owned()),
                Some("_ISSUER") => Some(issuer.to_owned()),
                _ => None,
            }
        }
    };
    // Osso: one slash between the issuer and the path, with or without a trailing slash.
    for issuer in ["https://demo.ossoapp.com", "https://demo.ossoapp.com/"] {
        let mut p = osso();
        p.apply_env(&env("osso", issuer));
        assert_eq!(
            p.authorization_url.as_deref(),
            Some("https://demo.ossoapp.com/oauth/authorize")
        );
        assert_eq!(
            p.token_url.as_deref(),
            Some("https://demo.ossoapp.com/oauth/token")
        );
        assert_eq!(
            p.userinfo_url.as_deref(),
            Some("https://demo.ossoapp.com/oauth/me")
        );
    }
    // NetSuite: both hosts from the account; no account, no endpoints (build refuses).
    let mut p = netsuite();
    p.apply_env(&env("netsuite", "https://1234567-sb1.app.netsuite.com"));
    assert_eq!(
        p.authorization_url.as_deref(),
        Some("https://1234567-sb1.app.netsuite.com/app/login/oauth2/authorize.nl")
    );
    assert_eq!(
        p.token_url.as_deref(),
        Some("https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token")
    );
    let mut wrong = netsuite();
    wrong.apply_env(&env("netsuite", "https://example.com"));
    assert_eq!((wrong.authorization_url, wrong.token_url), (None, None));
    let unset = crate::AuthConfig::new()
        .provider(
            netsuite()
                .client_id("id")
                .client_secret("s")
                .userinfo_url("https://1234567.restlets.api.netsuite.com/x"),
        )
        .secret("s")
        .trust_host(true)
        .build();
    assert!(matches!(
        unset,
        Err(crate::ConfigError::InvalidEndpoints(..))
    ));
    // The builder places them too; a later issuer moves them.
    let m = mastodon()
        .issuer("https://a.example")
        .issuer("https://b.example");
    assert_eq!(
        m.authorization_url.as_deref(),
        Some("https://b.example/oauth/authorize?scope=read")
    );
    // Descope: the issuer from the client id, unless one is given.
    assert_eq!(
        descope().client_id("P2abc").issuer.as_deref(),
        Some("https://api.descope.com/P2abc")
    );
    let mut d = descope();
    d.apply_env(&env("descope", "https://auth.example.com/P2abc"));
    assert_eq!(d.issuer.as_deref(), Some("https://auth.example.com/P2abc"));
    // TikTok and WeChat repeat the client id, from the builder or the environment.
    assert_eq!(
        param(&tiktok().client_id("aw123"), "client_key"),
        Some("aw123")
    );
    let mut w = wechat();
    w.apply_env(&env("wechat", ""));
    assert_eq!(param(&w, "appid"), Some("client-id"));
    // United Effects names its issuer as the resource.
    assert_eq!(
        param(
            &united_effects().issuer("https://auth.unitedeffects.com/g1"),
            "resource"
        ),
        Some("https://auth.unitedeffects.com/g1")
    );
}

#[tokio::test]
async fn custom_userinfo_requests_send_what_the_providers_expect() {
    let token = tokens(
        json!({"access_token": "at-1", "token_type": "bearer", "user_id": "jdoe", "membership_id": "20134563", "email": "lindsey@example.com", "openid": "oLVPpjqs9BhvzwPj5A-vTYAX3GLc"}),
    );
    let fetch = |p: &OAuthProvider| p.userinfo.clone().expect("a custom request");

    // Dropbox: POST with the bearer token.
    let client = FakeHttp::default().route(
        "https://api.dropboxapi.com/2/users/get_current_account",
        200,
        json_bytes(&fixture("dropbox")),
    );
    assert_eq!(
        fetch(&dropbox())(&token, &client).await.expect("profile"),
        fixture("dropbox")
    );
    let (method, authorization) = {
        let sent = client.sent.lock().expect("not poisoned");
        (
            sent[0].method().clone(),
            header(sent[0].headers(), http::header::AUTHORIZATION).to_owned(),
        )
    };
    assert_eq!(method, http::Method::POST);
    assert_eq!(authorization, "Bearer at-1");

    // HubSpot: the token in the path, no Authorization header.
    let client = FakeHttp::default().route(
        "https://api.hubapi.com/oauth/v1/access-tokens/at-1",
        200,
        json_bytes(&fixture("hubspot")),
    );
    assert_eq!(
        fetch(&hubspot())(&token, &client).await.expect("profile"),
        fixture("hubspot")
    );
    assert!(
        client.sent()[0]
            .1
            .get(http::header::AUTHORIZATION)
            .is_none()
    );

    // Notion: the owner of the bot, with Notion-Version.
    let client = FakeHttp::default().route("https://api.notion.com/v1/users/me", 200, json_bytes(&json!({"object": "user", "type": "bot", "bot": {"owner": {"type": "user", "user": fixture("notion")}}})));
    assert_eq!(
        fetch(&notion())(&token, &client).await.expect("profile"),
        fixture("notion")
    );
    assert_eq!(
        client.sent()[0]
            .1
            .get("Notion-Version")
            .and_then(|v| v.to_str().ok()),
        Some("2022-06-28")
    );

    // Foursquare: the token as `oauth_token`.
    let client = FakeHttp::default().route(
        "https://api.foursquare.com/v2/users/self?v=20230131&oauth_token=at-1",
        200,
        json_bytes(&fixture("foursquare")),
    );
    assert_eq!(
        fetch(&foursquare())(&token, &client)
            .await
            .expect("profile"),
        fixture("foursquare")
    );

    // Todoist: the user of a sync request.
    let client = FakeHttp::default().route(
        "https://api.todoist.com/sync/v9/sync",
        200,
        json_bytes(&json!({"user": fixture("todoist"), "sync_token": "x"})),
    );
    assert_eq!(
        fetch(&todoist())(&token, &client).await.expect("profile"),
        fixture("todoist")
    );
    let body: Value =
        serde_json::from_slice(client.sent.lock().expect("not poisoned")[0].body()).expect("json");
    assert_eq!(
        body,
        json!({"sync_token": "*", "resource_types": "[\"user\"]"})
    );

    // Trakt: the API version and the client id as the API key.
    let trakt = trakt().client_id("trakt-client");
    let client = FakeHttp::default().route(
        "https://api.trakt.tv/users/me?extended=full",
        200,
        json_bytes(&fixture("trakt")),
    );
    assert_eq!(
        fetch(&trakt)(&token, &client).await.expect("profile"),
        fixture("trakt")
    );
    let headers = &client.sent()[0].1;
    assert_eq!(
        headers.get("trakt-api-key").and_then(|v| v.to_str().ok()),
        Some("trakt-client")
    );
    assert_eq!(
        headers
            .get("trakt-api-version")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );

    // VK: the first user, with the token response's email.
    let mut vk_user = fixture("vk");
    vk_user.as_object_mut().expect("object").remove("email");
    let client = FakeHttp::default().route(
        "https://api.vk.com/method/users.get?fields=photo_100&v=5.131",
        200,
        json_bytes(&json!({"response": [vk_user]})),
    );
    assert_eq!(
        fetch(&vk())(&token, &client).await.expect("profile"),
        fixture("vk")
    );

    // WeChat: token and openid in the query.
    let client = FakeHttp::default().route("https://api.weixin.qq.com/sns/userinfo?access_token=at-1&openid=oLVPpjqs9BhvzwPj5A-vTYAX3GLc&lang=zh_CN", 200, json_bytes(&fixture("wechat")));
    assert_eq!(
        fetch(&wechat())(&token, &client).await.expect("profile"),
        fixture("wechat")
    );

    // Nextcloud: the token response's user id, OCS header, `ocs.data`.
    let nc = nextcloud().issuer("https://cloud.example.com");
    let client = FakeHttp::default().route(
        "https://cloud.example.com/ocs/v1.php/cloud/users/jdoe",
        200,
        json_bytes(&json!({"ocs": {"meta": {"status": "ok"}, "data": fixture("nextcloud")}})),
    );
    assert_eq!(
        fetch(&nc)(&token, &client).await.expect("profile"),
        fixture("nextcloud")
    );
    assert_eq!(
        client.sent()[0]
            .1
            .get("OCS-APIRequest")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );

    // Bungie: the membership id, not the `{membershipId}` placeholder; the API key when given.
    let client = FakeHttp::default().route(
        "https://www.bungie.net/platform/User/GetBungieAccount/20134563/254/",
        200,
        json_bytes(&fixture("bungie")),
    );
    assert_eq!(
        fetch(&bungie_with_api_key("key-1"))(&token, &client)
            .await
            .expect("profile"),
        fixture("bungie")
    );
    assert_eq!(
        client.sent()[0]
            .1
            .get("X-API-Key")
            .and_then(|v| v.to_str().ok()),
        Some("key-1")
    );

    // BankID: a signed userinfo answer.
    let payload =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json_bytes(&fixture("bankid-no")));
    let client = FakeHttp::default().route_typed(
        "https://auth.bankid.no/auth/realms/prod/protocol/openid-connect/userinfo",
        format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln"),
        "application/jwt",
    );
    assert_eq!(
        fetch(&bankid_no())(&token, &client).await.expect("profile"),
        fixture("bankid-no")
    );

    // A refused request fails the sign-in.
    let client = FakeHttp::default().route(
        "https://api.dropboxapi.com/2/users/get_current_account",
        401,
        b"{}".to_vec(),
    );
    assert!(fetch(&dropbox())(&token, &client).await.is_err());
}
