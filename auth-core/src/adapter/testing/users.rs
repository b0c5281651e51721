//! The checks on users: creation and lookup, uniqueness, updates, and deletion with everything
//! the user owns.

use super::{
    T0, bare_account, create_user, new_account, new_authenticator, new_session, new_user, ok,
    rejected,
};
use crate::{
    adapter::{Adapter, AdapterUser, UserUpdate},
    model::ProviderKind,
    random::uuid_v4,
};

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
                adapter
                    .get_session_and_user(session.session_token.expose())
                    .await,
                "get_session_and_user(deleted user)"
            ),
            None,
            "deleting a user must delete their sessions"
        );
        assert_eq!(
            ok(
                adapter.delete_session(session.session_token.expose()).await,
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
                .get_session_and_user(other_session.session_token.expose())
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
