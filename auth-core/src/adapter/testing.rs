//! The adapter conformance suite (Auth.js's `packages/utils/adapter.ts`, extended): checks that
//! any [`Adapter`] must pass, for the stores of this crate and for your own.
//!
//! Each check is a `pub async fn` that takes the adapter under test and panics with a message
//! naming what went wrong. The checks make their own rows with random ids and emails, so they can
//! share one store, run in any order, and run in parallel. [`run_all`] runs every check in turn.
//!
//! The concurrency checks spawn Tokio tasks: run them on a multi-thread runtime
//! (`#[tokio::test(flavor = "multi_thread")]`) so that the calls really overlap.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use auth_core::adapter::{MemoryAdapter, testing};
//!
//! testing::run_all(&MemoryAdapter::new()).await;
//! # });
//! ```

use std::{collections::BTreeSet, fmt::Debug, sync::Arc};

use tokio::sync::Barrier;

use super::{
    Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, SessionUpdate, Timestamp,
    UserUpdate, VerificationToken,
};
use crate::{ErrorKind, Result, model::ProviderKind, random::uuid_v4};

/// How many tasks the concurrency checks start at once.
pub const CONCURRENCY: usize = 16;

/// An instant with milliseconds, so that a store that drops them fails.
const T0: Timestamp = Timestamp(1_700_000_000_123);

/// Runs every check against `adapter`, one after the other.
pub async fn run_all<A: Adapter + Clone>(adapter: &A) {
    users(adapter).await;
    user_uniqueness(adapter).await;
    update_user(adapter).await;
    accounts(adapter).await;
    account_rules(adapter).await;
    unlink_account(adapter).await;
    sessions(adapter).await;
    expired_sessions_are_returned(adapter).await;
    session_rules(adapter).await;
    verification_tokens(adapter).await;
    authenticators(adapter).await;
    delete_user_cascades(adapter).await;
    create_user_and_link_account(adapter).await;
    create_user_and_link_account_is_atomic(adapter).await;
    timestamps_round_trip(adapter).await;
    concurrent_first_sign_in(adapter).await;
    concurrent_first_sign_in_distinct_emails(adapter).await;
    concurrent_verification_token_use(adapter).await;
}

/// A new user with every field set and a random id and email.
fn new_user() -> AdapterUser {
    let id = uuid_v4();
    AdapterUser {
        email: Some(format!("{id}@example.com")),
        name: Some(format!("User {id}")),
        email_verified: None,
        image: Some(format!("https://example.com/{id}.png")),
        id,
    }
}

/// An account of `user_id` at `provider` with every optional field set.
fn new_account(user_id: &str, provider: &str, kind: ProviderKind) -> AdapterAccount {
    let provider_account_id = uuid_v4();
    AdapterAccount {
        user_id: user_id.to_owned(),
        kind,
        provider: provider.to_owned(),
        refresh_token: Some(format!("refresh-{provider_account_id}")),
        access_token: Some(format!("access-{provider_account_id}")),
        expires_at: Some(1_700_003_600),
        token_type: Some("bearer".to_owned()),
        scope: Some("openid email profile".to_owned()),
        id_token: Some(format!("id-token-{provider_account_id}")),
        session_state: Some("state".to_owned()),
        provider_account_id,
    }
}

/// An account with only the required fields.
fn bare_account(user_id: &str, provider: &str, kind: ProviderKind) -> AdapterAccount {
    AdapterAccount {
        refresh_token: None,
        access_token: None,
        expires_at: None,
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
        ..new_account(user_id, provider, kind)
    }
}

fn new_session(user_id: &str, expires: Timestamp) -> AdapterSession {
    AdapterSession {
        session_token: uuid_v4(),
        user_id: user_id.to_owned(),
        expires,
    }
}

fn new_authenticator(user_id: &str, provider_account_id: &str) -> Authenticator {
    Authenticator {
        credential_id: format!("cred-{}", uuid_v4()),
        user_id: user_id.to_owned(),
        provider_account_id: provider_account_id.to_owned(),
        credential_public_key: "pQECAyYgASFYIA==".to_owned(),
        counter: 1,
        credential_device_type: "singleDevice".to_owned(),
        credential_backed_up: false,
        transports: Some("internal,hybrid".to_owned()),
    }
}

/// The value of an adapter call that must succeed.
fn ok<T>(result: Result<T>, call: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{call} failed: {e} ({e:?})"),
    }
}

/// Asserts that an adapter call failed with an `AdapterError`.
fn rejected<T: Debug>(result: Result<T>, call: &str) {
    match result {
        Ok(value) => panic!("{call} should have been rejected, but returned {value:?}"),
        Err(e) => assert_eq!(
            e.kind(),
            ErrorKind::AdapterError,
            "{call} should fail with an AdapterError, not {e:?}"
        ),
    }
}

async fn create_user(adapter: &impl Adapter, user: &AdapterUser) {
    let created = ok(adapter.create_user(user.clone()).await, "create_user");
    assert_eq!(&created, user, "create_user must return the user as stored");
}

/// `create_user`, `get_user` and `get_user_by_email` round-trip every field; unknown ids and
/// emails give `None`; a user may have no email.
pub async fn users(adapter: &impl Adapter) {
    let mut user = new_user();
    user.email_verified = Some(T0);
    create_user(adapter, &user).await;

    let by_id = ok(adapter.get_user(&user.id).await, "get_user");
    assert_eq!(
        by_id.as_ref(),
        Some(&user),
        "get_user must return the stored user"
    );
    let email = user.email.as_deref().expect("the test user has an email");
    let by_email = ok(adapter.get_user_by_email(email).await, "get_user_by_email");
    assert_eq!(
        by_email.as_ref(),
        Some(&user),
        "get_user_by_email must find the user"
    );

    assert_eq!(
        ok(adapter.get_user(&uuid_v4()).await, "get_user(unknown)"),
        None,
        "get_user of an unknown id must be None"
    );
    assert_eq!(
        ok(
            adapter.get_user_by_email("nobody@example.com").await,
            "get_user_by_email(unknown)"
        ),
        None,
        "get_user_by_email of an unknown email must be None"
    );

    let bare = AdapterUser {
        id: uuid_v4(),
        name: None,
        email: None,
        email_verified: None,
        image: None,
    };
    create_user(adapter, &bare).await;
    assert_eq!(
        ok(adapter.get_user(&bare.id).await, "get_user(no email)"),
        Some(bare),
        "a user without optional fields must round-trip"
    );
}

/// User ids and emails are unique; users without an email do not collide.
pub async fn user_uniqueness(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;

    let same_id = AdapterUser {
        email: Some(format!("{}@example.org", uuid_v4())),
        ..user.clone()
    };
    rejected(
        adapter.create_user(same_id).await,
        "create_user with an existing id",
    );
    let same_email = AdapterUser {
        id: uuid_v4(),
        ..user.clone()
    };
    rejected(
        adapter.create_user(same_email.clone()).await,
        "create_user with an existing email",
    );
    assert_eq!(
        ok(adapter.get_user(&same_email.id).await, "get_user"),
        None,
        "a rejected user must not be stored"
    );

    for _ in 0..2 {
        let no_email = AdapterUser {
            id: uuid_v4(),
            email: None,
            ..new_user()
        };
        create_user(adapter, &no_email).await;
    }
}

/// `update_user` changes only the fields it is given, can clear a field, keeps the email
/// unique, and fails for an unknown user.
pub async fn update_user(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;

    let renamed = ok(
        adapter
            .update_user(UserUpdate {
                id: user.id.clone(),
                name: Some(Some("Renamed".to_owned())),
                ..UserUpdate::default()
            })
            .await,
        "update_user(name)",
    );
    let expected = AdapterUser {
        name: Some("Renamed".to_owned()),
        ..user.clone()
    };
    assert_eq!(renamed, expected, "update_user must change only the name");

    let verified = ok(
        adapter
            .update_user(UserUpdate {
                id: user.id.clone(),
                email_verified: Some(Some(T0)),
                image: Some(None),
                ..UserUpdate::default()
            })
            .await,
        "update_user(email_verified, image)",
    );
    let expected = AdapterUser {
        email_verified: Some(T0),
        image: None,
        ..expected
    };
    assert_eq!(
        verified, expected,
        "update_user must set emailVerified and clear the image"
    );
    assert_eq!(
        ok(adapter.get_user(&user.id).await, "get_user"),
        Some(expected.clone()),
        "the update must be stored"
    );

    let new_email = format!("{}@example.net", uuid_v4());
    let moved = ok(
        adapter
            .update_user(UserUpdate {
                id: user.id.clone(),
                email: Some(Some(new_email.clone())),
                ..UserUpdate::default()
            })
            .await,
        "update_user(email)",
    );
    assert_eq!(moved.email.as_deref(), Some(new_email.as_str()));
    assert_eq!(
        ok(
            adapter.get_user_by_email(&new_email).await,
            "get_user_by_email(new)"
        )
        .map(|u| u.id),
        Some(user.id.clone()),
        "the user must be found by the new email"
    );
    let old_email = user.email.clone().expect("the test user has an email");
    assert_eq!(
        ok(
            adapter.get_user_by_email(&old_email).await,
            "get_user_by_email(old)"
        ),
        None,
        "the old email must no longer find the user"
    );

    let other = new_user();
    create_user(adapter, &other).await;
    rejected(
        adapter
            .update_user(UserUpdate {
                id: other.id.clone(),
                email: Some(Some(new_email)),
                ..UserUpdate::default()
            })
            .await,
        "update_user to another user's email",
    );
    assert_eq!(
        ok(adapter.get_user(&other.id).await, "get_user(other)"),
        Some(other),
        "a rejected update must change nothing"
    );

    rejected(
        adapter
            .update_user(UserUpdate {
                id: uuid_v4(),
                name: Some(Some("Ghost".to_owned())),
                ..UserUpdate::default()
            })
            .await,
        "update_user of an unknown user",
    );
}

/// `link_account`, `get_user_by_account` and `get_account` round-trip every field and every
/// account type; a wrong provider or provider account id gives `None`.
pub async fn accounts(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;

    let account = new_account(&user.id, "github", ProviderKind::OAuth);
    ok(adapter.link_account(account.clone()).await, "link_account");

    let owner = ok(
        adapter
            .get_user_by_account(&account.provider, &account.provider_account_id)
            .await,
        "get_user_by_account",
    );
    assert_eq!(
        owner,
        Some(user.clone()),
        "get_user_by_account must find the user"
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&account.provider, &account.provider_account_id)
                .await,
            "get_account"
        ),
        Some(account.clone()),
        "get_account must return every field as linked"
    );

    assert_eq!(
        ok(
            adapter
                .get_user_by_account("gitlab", &account.provider_account_id)
                .await,
            "get_user_by_account(wrong provider)"
        ),
        None,
        "a wrong provider must give None"
    );
    assert_eq!(
        ok(
            adapter
                .get_user_by_account(&account.provider, "wrong")
                .await,
            "get_user_by_account(wrong id)"
        ),
        None,
        "a wrong provider account id must give None"
    );
    assert_eq!(
        ok(
            adapter
                .get_account("gitlab", &account.provider_account_id)
                .await,
            "get_account(wrong provider)"
        ),
        None,
        "get_account with a wrong provider must give None"
    );

    for kind in [
        ProviderKind::Oidc,
        ProviderKind::Email,
        ProviderKind::WebAuthn,
    ] {
        let bare = bare_account(&user.id, kind.as_str(), kind);
        ok(
            adapter.link_account(bare.clone()).await,
            "link_account(bare)",
        );
        assert_eq!(
            ok(
                adapter
                    .get_account(&bare.provider, &bare.provider_account_id)
                    .await,
                "get_account(bare)"
            ),
            Some(bare),
            "an account of type {} without tokens must round-trip",
            kind.as_str()
        );
    }
}

/// A (provider, provider account id) links once; an account needs an existing user.
pub async fn account_rules(adapter: &impl Adapter) {
    let user = new_user();
    let other = new_user();
    create_user(adapter, &user).await;
    create_user(adapter, &other).await;

    let account = new_account(&user.id, "github", ProviderKind::OAuth);
    ok(adapter.link_account(account.clone()).await, "link_account");
    rejected(
        adapter.link_account(account.clone()).await,
        "link_account of an already linked account",
    );
    rejected(
        adapter
            .link_account(AdapterAccount {
                user_id: other.id.clone(),
                ..account.clone()
            })
            .await,
        "link_account of an account linked to another user",
    );
    assert_eq!(
        ok(
            adapter
                .get_user_by_account(&account.provider, &account.provider_account_id)
                .await,
            "get_user_by_account"
        )
        .map(|u| u.id),
        Some(user.id.clone()),
        "a rejected link must not move the account"
    );

    let orphan = new_account(&uuid_v4(), "github", ProviderKind::OAuth);
    rejected(
        adapter.link_account(orphan.clone()).await,
        "link_account for an unknown user",
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&orphan.provider, &orphan.provider_account_id)
                .await,
            "get_account(orphan)"
        ),
        None,
        "a rejected link must not be stored"
    );
}

/// `unlink_account` removes the link and nothing else; unlinking an unknown account is not an
/// error.
pub async fn unlink_account(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    let first = new_account(&user.id, "github", ProviderKind::OAuth);
    let second = new_account(&user.id, "google", ProviderKind::Oidc);
    ok(adapter.link_account(first.clone()).await, "link_account");
    ok(adapter.link_account(second.clone()).await, "link_account");

    ok(
        adapter
            .unlink_account(&first.provider, &first.provider_account_id)
            .await,
        "unlink_account",
    );
    assert_eq!(
        ok(
            adapter
                .get_user_by_account(&first.provider, &first.provider_account_id)
                .await,
            "get_user_by_account"
        ),
        None,
        "an unlinked account must not find its user"
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&first.provider, &first.provider_account_id)
                .await,
            "get_account"
        ),
        None,
        "an unlinked account must be gone"
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&second.provider, &second.provider_account_id)
                .await,
            "get_account(other)"
        ),
        Some(second),
        "unlinking must keep the user's other accounts"
    );
    assert_eq!(
        ok(adapter.get_user(&user.id).await, "get_user"),
        Some(user),
        "unlinking must keep the user"
    );
    ok(
        adapter.unlink_account("github", &uuid_v4()).await,
        "unlink_account of an unknown account",
    );
}

/// `create_session`, `get_session_and_user`, `update_session` and `delete_session`.
pub async fn sessions(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    let session = new_session(&user.id, T0);
    let created = ok(
        adapter.create_session(session.clone()).await,
        "create_session",
    );
    assert_eq!(
        created, session,
        "create_session must return the session as stored"
    );

    assert_eq!(
        ok(
            adapter.get_session_and_user(&session.session_token).await,
            "get_session_and_user"
        ),
        Some((session.clone(), user.clone())),
        "get_session_and_user must return the session and its user"
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&uuid_v4()).await,
            "get_session_and_user(unknown)"
        ),
        None,
        "an unknown session token must give None"
    );

    let later = Timestamp(T0.0 + 30 * 24 * 3600 * 1000 + 7);
    let updated = ok(
        adapter
            .update_session(SessionUpdate {
                session_token: session.session_token.clone(),
                expires: later,
            })
            .await,
        "update_session",
    );
    let extended = AdapterSession {
        expires: later,
        ..session.clone()
    };
    assert_eq!(
        updated,
        Some(extended.clone()),
        "update_session must return the new expiry"
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&session.session_token).await,
            "get_session_and_user(updated)"
        )
        .map(|(s, _)| s),
        Some(extended.clone()),
        "the new expiry must be stored"
    );
    assert_eq!(
        ok(
            adapter
                .update_session(SessionUpdate {
                    session_token: uuid_v4(),
                    expires: later,
                })
                .await,
            "update_session(unknown)"
        ),
        None,
        "updating an unknown session must give None"
    );

    let second = new_session(&user.id, T0);
    ok(
        adapter.create_session(second.clone()).await,
        "create_session(second)",
    );
    assert_eq!(
        ok(
            adapter.delete_session(&session.session_token).await,
            "delete_session"
        ),
        Some(extended),
        "delete_session must return the deleted session"
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&session.session_token).await,
            "get_session_and_user(deleted)"
        ),
        None,
        "a deleted session must be gone"
    );
    assert_eq!(
        ok(
            adapter.delete_session(&session.session_token).await,
            "delete_session(again)"
        ),
        None,
        "deleting a deleted session must give None"
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&second.session_token).await,
            "get_session_and_user(second)"
        )
        .map(|(s, _)| s),
        Some(second),
        "deleting one session must keep the user's others"
    );
}

/// Expiry is the core's job (spec §6.2): the adapter returns an expired session as it is.
pub async fn expired_sessions_are_returned(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    let session = new_session(&user.id, Timestamp(1_000));
    ok(
        adapter.create_session(session.clone()).await,
        "create_session",
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&session.session_token).await,
            "get_session_and_user(expired)"
        ),
        Some((session, user)),
        "an expired session must still be returned"
    );
}

/// Session tokens are unique; a session needs an existing user.
pub async fn session_rules(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    let session = new_session(&user.id, T0);
    ok(
        adapter.create_session(session.clone()).await,
        "create_session",
    );

    let other = new_user();
    create_user(adapter, &other).await;
    rejected(
        adapter
            .create_session(AdapterSession {
                user_id: other.id.clone(),
                ..session.clone()
            })
            .await,
        "create_session with an existing token",
    );
    assert_eq!(
        ok(
            adapter.get_session_and_user(&session.session_token).await,
            "get_session_and_user"
        )
        .map(|(_, u)| u.id),
        Some(user.id),
        "a rejected session must not replace the stored one"
    );

    let orphan = new_session(&uuid_v4(), T0);
    rejected(
        adapter.create_session(orphan.clone()).await,
        "create_session for an unknown user",
    );
    assert_eq!(
        ok(
            adapter.delete_session(&orphan.session_token).await,
            "delete_session(orphan)"
        ),
        None,
        "a rejected session must not be stored"
    );
}

/// `create_verification_token` stores exactly what it is given; `use_verification_token`
/// returns it once, then `None`; a wrong identifier or token gives `None` and spends nothing;
/// an expired token is still returned (the core checks expiry).
pub async fn verification_tokens(adapter: &impl Adapter) {
    let token = VerificationToken {
        identifier: format!("{}@example.com", uuid_v4()),
        token: format!("hashed-{}", uuid_v4()),
        expires: T0,
    };
    let created = ok(
        adapter.create_verification_token(token.clone()).await,
        "create_verification_token",
    );
    assert_eq!(
        created, token,
        "create_verification_token must return what it stored"
    );
    rejected(
        adapter.create_verification_token(token.clone()).await,
        "create_verification_token of an existing (identifier, token)",
    );

    assert_eq!(
        ok(
            adapter
                .use_verification_token("someone@example.com", &token.token)
                .await,
            "use_verification_token(wrong identifier)"
        ),
        None,
        "a wrong identifier must give None"
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&token.identifier, "wrong")
                .await,
            "use_verification_token(wrong token)"
        ),
        None,
        "a wrong token must give None"
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&token.identifier, &token.token)
                .await,
            "use_verification_token"
        ),
        Some(token.clone()),
        "the first use must return the stored token"
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&token.identifier, &token.token)
                .await,
            "use_verification_token(again)"
        ),
        None,
        "a used token must give None"
    );

    let expired = VerificationToken {
        identifier: token.identifier.clone(),
        token: format!("hashed-{}", uuid_v4()),
        expires: Timestamp(1_000),
    };
    ok(
        adapter.create_verification_token(expired.clone()).await,
        "create_verification_token(expired)",
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&expired.identifier, &expired.token)
                .await,
            "use_verification_token(expired)"
        ),
        Some(expired),
        "an expired token must still be returned (and spent)"
    );
}

/// The WebAuthn methods: `get_account`, `create_authenticator`, `get_authenticator`,
/// `list_authenticators_by_user_id`, `update_authenticator_counter`.
pub async fn authenticators(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    let account = bare_account(&user.id, "webauthn", ProviderKind::WebAuthn);
    ok(
        adapter.link_account(account.clone()).await,
        "link_account(webauthn)",
    );
    assert_eq!(
        ok(
            adapter
                .get_account("webauthn", &account.provider_account_id)
                .await,
            "get_account(webauthn)"
        ),
        Some(account.clone()),
        "get_account must find the WebAuthn account"
    );

    let first = new_authenticator(&user.id, &account.provider_account_id);
    let second = Authenticator {
        credential_backed_up: true,
        credential_device_type: "multiDevice".to_owned(),
        transports: None,
        counter: 0,
        ..new_authenticator(&user.id, &account.provider_account_id)
    };
    for authenticator in [&first, &second] {
        assert_eq!(
            &ok(
                adapter.create_authenticator(authenticator.clone()).await,
                "create_authenticator"
            ),
            authenticator,
            "create_authenticator must return what it stored"
        );
    }
    assert_eq!(
        ok(
            adapter.get_authenticator(&first.credential_id).await,
            "get_authenticator"
        ),
        Some(first.clone()),
        "get_authenticator must return every field"
    );
    assert_eq!(
        ok(
            adapter.get_authenticator("unknown").await,
            "get_authenticator(unknown)"
        ),
        None,
        "an unknown credential id must give None"
    );

    let listed = ok(
        adapter.list_authenticators_by_user_id(&user.id).await,
        "list_authenticators_by_user_id",
    );
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_by(|a, b| a.credential_id.cmp(&b.credential_id));
    assert_eq!(
        listed_sorted, expected,
        "the user's two authenticators must be listed"
    );
    assert!(
        ok(
            adapter.list_authenticators_by_user_id(&uuid_v4()).await,
            "list_authenticators_by_user_id(unknown)"
        )
        .is_empty(),
        "a user without authenticators must get an empty list"
    );

    let updated = ok(
        adapter
            .update_authenticator_counter(&first.credential_id, 42)
            .await,
        "update_authenticator_counter",
    );
    assert_eq!(
        updated,
        Authenticator {
            counter: 42,
            ..first.clone()
        },
        "update_authenticator_counter must return the updated authenticator"
    );
    assert_eq!(
        ok(
            adapter.get_authenticator(&first.credential_id).await,
            "get_authenticator(updated)"
        )
        .map(|a| a.counter),
        Some(42),
        "the new counter must be stored"
    );
    rejected(
        adapter.update_authenticator_counter("unknown", 1).await,
        "update_authenticator_counter of an unknown credential",
    );

    rejected(
        adapter.create_authenticator(first.clone()).await,
        "create_authenticator with an existing credential id",
    );
    let orphan = new_authenticator(&uuid_v4(), "x");
    rejected(
        adapter.create_authenticator(orphan.clone()).await,
        "create_authenticator for an unknown user",
    );
    assert_eq!(
        ok(
            adapter.get_authenticator(&orphan.credential_id).await,
            "get_authenticator(orphan)"
        ),
        None,
        "a rejected authenticator must not be stored"
    );
}

/// `delete_user` removes the user with their accounts, sessions and authenticators, keeps other
/// users' rows, frees the email; deleting an unknown user is not an error.
pub async fn delete_user_cascades(adapter: &impl Adapter) {
    let user = new_user();
    let other = new_user();
    create_user(adapter, &user).await;
    create_user(adapter, &other).await;

    let accounts = [
        new_account(&user.id, "github", ProviderKind::OAuth),
        bare_account(&user.id, "webauthn", ProviderKind::WebAuthn),
    ];
    for account in &accounts {
        ok(adapter.link_account(account.clone()).await, "link_account");
    }
    let sessions = [new_session(&user.id, T0), new_session(&user.id, T0)];
    for session in &sessions {
        ok(
            adapter.create_session(session.clone()).await,
            "create_session",
        );
    }
    let authenticator = new_authenticator(&user.id, &accounts[1].provider_account_id);
    ok(
        adapter.create_authenticator(authenticator.clone()).await,
        "create_authenticator",
    );

    let other_account = new_account(&other.id, "github", ProviderKind::OAuth);
    ok(
        adapter.link_account(other_account.clone()).await,
        "link_account(other)",
    );
    let other_session = new_session(&other.id, T0);
    ok(
        adapter.create_session(other_session.clone()).await,
        "create_session(other)",
    );
    let other_authenticator = new_authenticator(&other.id, "other");
    ok(
        adapter
            .create_authenticator(other_authenticator.clone())
            .await,
        "create_authenticator(other)",
    );

    ok(adapter.delete_user(&user.id).await, "delete_user");

    assert_eq!(
        ok(adapter.get_user(&user.id).await, "get_user(deleted)"),
        None,
        "a deleted user must be gone"
    );
    for account in &accounts {
        assert_eq!(
            ok(
                adapter
                    .get_account(&account.provider, &account.provider_account_id)
                    .await,
                "get_account(deleted user)"
            ),
            None,
            "deleting a user must delete their accounts"
        );
        assert_eq!(
            ok(
                adapter
                    .get_user_by_account(&account.provider, &account.provider_account_id)
                    .await,
                "get_user_by_account(deleted user)"
            ),
            None,
            "a deleted user's account must not find a user"
        );
    }
    for session in &sessions {
        assert_eq!(
            ok(
                adapter.get_session_and_user(&session.session_token).await,
                "get_session_and_user(deleted user)"
            ),
            None,
            "deleting a user must delete their sessions"
        );
        assert_eq!(
            ok(
                adapter.delete_session(&session.session_token).await,
                "delete_session(deleted user)"
            ),
            None,
            "a deleted user's session must be gone, not just hidden"
        );
    }
    assert_eq!(
        ok(
            adapter
                .get_authenticator(&authenticator.credential_id)
                .await,
            "get_authenticator(deleted user)"
        ),
        None,
        "deleting a user must delete their authenticators"
    );
    assert!(
        ok(
            adapter.list_authenticators_by_user_id(&user.id).await,
            "list_authenticators_by_user_id(deleted user)"
        )
        .is_empty(),
        "a deleted user must have no authenticators"
    );

    assert_eq!(
        ok(adapter.get_user(&other.id).await, "get_user(other)"),
        Some(other.clone()),
        "deleting a user must keep other users"
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&other_account.provider, &other_account.provider_account_id)
                .await,
            "get_account(other)"
        ),
        Some(other_account),
        "deleting a user must keep other users' accounts"
    );
    assert_eq!(
        ok(
            adapter
                .get_session_and_user(&other_session.session_token)
                .await,
            "get_session_and_user(other)"
        ),
        Some((other_session, other)),
        "deleting a user must keep other users' sessions"
    );
    assert_eq!(
        ok(
            adapter
                .get_authenticator(&other_authenticator.credential_id)
                .await,
            "get_authenticator(other)"
        ),
        Some(other_authenticator),
        "deleting a user must keep other users' authenticators"
    );

    let reused = AdapterUser {
        id: uuid_v4(),
        ..user.clone()
    };
    create_user(adapter, &reused).await;
    ok(
        adapter.delete_user(&uuid_v4()).await,
        "delete_user(unknown)",
    );
}

/// `create_user_and_link_account` creates both on the first call; a second call for the same
/// account writes nothing and returns the first user with `created: false`.
pub async fn create_user_and_link_account(adapter: &impl Adapter) {
    let user = new_user();
    let account = new_account(
        "ignored: set to the user's id",
        "github",
        ProviderKind::OAuth,
    );
    let outcome = ok(
        adapter
            .create_user_and_link_account(user.clone(), account.clone())
            .await,
        "create_user_and_link_account",
    );
    assert!(outcome.created, "the first call must create the user");
    assert_eq!(
        outcome.user, user,
        "the first call must return the new user"
    );
    assert_eq!(
        ok(adapter.get_user(&user.id).await, "get_user"),
        Some(user.clone()),
        "the user must be stored"
    );
    let linked = AdapterAccount {
        user_id: user.id.clone(),
        ..account.clone()
    };
    assert_eq!(
        ok(
            adapter
                .get_account(&account.provider, &account.provider_account_id)
                .await,
            "get_account"
        ),
        Some(linked),
        "the account must be stored and belong to the new user"
    );

    let late = new_user();
    let again = ok(
        adapter
            .create_user_and_link_account(late.clone(), account.clone())
            .await,
        "create_user_and_link_account(again)",
    );
    assert!(
        !again.created,
        "a second call for the same account must not create a user"
    );
    assert_eq!(
        again.user, user,
        "a second call must return the account's user"
    );
    assert_eq!(
        ok(adapter.get_user(&late.id).await, "get_user(late)"),
        None,
        "the second call's user must not be stored"
    );
}

/// `create_user_and_link_account` is all or nothing: when the user cannot be created (its email
/// belongs to another user), it fails and links nothing.
pub async fn create_user_and_link_account_is_atomic(adapter: &impl Adapter) {
    let existing = new_user();
    create_user(adapter, &existing).await;
    let clash = AdapterUser {
        id: uuid_v4(),
        ..existing.clone()
    };
    let account = new_account(&clash.id, "github", ProviderKind::OAuth);
    rejected(
        adapter
            .create_user_and_link_account(clash.clone(), account.clone())
            .await,
        "create_user_and_link_account with another user's email",
    );
    assert_eq!(
        ok(adapter.get_user(&clash.id).await, "get_user"),
        None,
        "a failed first sign-in must not store the user"
    );
    assert_eq!(
        ok(
            adapter
                .get_account(&account.provider, &account.provider_account_id)
                .await,
            "get_account"
        ),
        None,
        "a failed first sign-in must not store the account"
    );
}

/// Timestamps keep their milliseconds, from the epoch (and before it) to the year 9999.
pub async fn timestamps_round_trip(adapter: &impl Adapter) {
    let user = new_user();
    create_user(adapter, &user).await;
    for millis in [
        0,
        1,
        -86_400_001,
        999,
        T0.0,
        1_767_225_599_999,
        253_402_300_799_999,
    ] {
        let at = Timestamp(millis);
        let session = new_session(&user.id, at);
        ok(
            adapter.create_session(session.clone()).await,
            "create_session",
        );
        assert_eq!(
            ok(
                adapter.get_session_and_user(&session.session_token).await,
                "get_session_and_user"
            )
            .map(|(s, _)| s.expires),
            Some(at),
            "a session expiring at {millis} ms must read back the same instant"
        );
        let token = VerificationToken {
            identifier: format!("{}@example.com", uuid_v4()),
            token: uuid_v4(),
            expires: at,
        };
        ok(
            adapter.create_verification_token(token.clone()).await,
            "create_verification_token",
        );
        assert_eq!(
            ok(
                adapter
                    .use_verification_token(&token.identifier, &token.token)
                    .await,
                "use_verification_token"
            )
            .map(|t| t.expires),
            Some(at),
            "a verification token expiring at {millis} ms must read back the same instant"
        );
        let verified = ok(
            adapter
                .update_user(UserUpdate {
                    id: user.id.clone(),
                    email_verified: Some(Some(at)),
                    ..UserUpdate::default()
                })
                .await,
            "update_user(email_verified)",
        );
        assert_eq!(verified.email_verified, Some(at));
        assert_eq!(
            ok(adapter.get_user(&user.id).await, "get_user").and_then(|u| u.email_verified),
            Some(at),
            "emailVerified at {millis} ms must read back the same instant"
        );
    }
}

/// Runs `CONCURRENCY` first sign-ins for one provider account at once; `same_email` says
/// whether the competing users share their email (as when they come from one profile).
async fn race_first_sign_in<A: Adapter + Clone>(adapter: &A, same_email: bool) {
    let provider_account_id = uuid_v4();
    let email = format!("{}@example.com", uuid_v4());
    let barrier = Arc::new(Barrier::new(CONCURRENCY));
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    let mut candidates = BTreeSet::new();
    for _ in 0..CONCURRENCY {
        let mut user = new_user();
        if same_email {
            user.email = Some(email.clone());
        }
        candidates.insert(user.id.clone());
        let account = AdapterAccount {
            provider_account_id: provider_account_id.clone(),
            ..new_account(&user.id, "race", ProviderKind::Oidc)
        };
        let adapter = adapter.clone();
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            adapter.create_user_and_link_account(user, account).await
        }));
    }

    let mut winners = BTreeSet::new();
    let mut created = 0;
    for task in tasks {
        let outcome = ok(
            task.await.expect("a first sign-in task panicked"),
            "concurrent create_user_and_link_account",
        );
        created += usize::from(outcome.created);
        winners.insert(outcome.user.id);
    }
    assert_eq!(
        created, 1,
        "exactly one concurrent first sign-in must create the user"
    );
    assert_eq!(
        winners.len(),
        1,
        "every concurrent first sign-in must return the same user, got {winners:?}"
    );
    let winner = winners.pop_first().expect("one winner");
    assert!(
        candidates.contains(&winner),
        "the winner must be one of the candidates"
    );

    let mut stored = 0;
    for id in &candidates {
        stored += usize::from(ok(adapter.get_user(id).await, "get_user").is_some());
    }
    assert_eq!(
        stored, 1,
        "exactly one of the competing users must be stored"
    );
    assert_eq!(
        ok(
            adapter
                .get_user_by_account("race", &provider_account_id)
                .await,
            "get_user_by_account"
        )
        .map(|u| u.id),
        Some(winner),
        "the account must belong to the winner"
    );
}

/// `CONCURRENCY` parallel `create_user_and_link_account` calls for one provider account, with
/// one email, create exactly one user and one account and all return that user.
pub async fn concurrent_first_sign_in<A: Adapter + Clone>(adapter: &A) {
    race_first_sign_in(adapter, true).await;
}

/// As [`concurrent_first_sign_in`], with a different email for each competing user, so that
/// only the account's unique constraint settles the race.
pub async fn concurrent_first_sign_in_distinct_emails<A: Adapter + Clone>(adapter: &A) {
    race_first_sign_in(adapter, false).await;
}

/// `CONCURRENCY` parallel uses of one verification token: exactly one gets it.
pub async fn concurrent_verification_token_use<A: Adapter + Clone>(adapter: &A) {
    let token = VerificationToken {
        identifier: format!("{}@example.com", uuid_v4()),
        token: uuid_v4(),
        expires: T0,
    };
    ok(
        adapter.create_verification_token(token.clone()).await,
        "create_verification_token",
    );
    let barrier = Arc::new(Barrier::new(CONCURRENCY));
    let mut tasks = Vec::with_capacity(CONCURRENCY);
    for _ in 0..CONCURRENCY {
        let adapter = adapter.clone();
        let barrier = Arc::clone(&barrier);
        let (identifier, value) = (token.identifier.clone(), token.token.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            adapter.use_verification_token(&identifier, &value).await
        }));
    }
    let mut used = Vec::new();
    for task in tasks {
        if let Some(t) = ok(
            task.await.expect("a verification task panicked"),
            "concurrent use_verification_token",
        ) {
            used.push(t);
        }
    }
    assert_eq!(
        used,
        vec![token],
        "exactly one concurrent use must get the verification token"
    );
}
