//! The checks on database sessions.

use super::{T0, create_user, new_session, new_user, ok, rejected};
use crate::{
    adapter::{Adapter, AdapterSession, SessionUpdate, Timestamp},
    random::uuid_v4,
};

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
            adapter
                .get_session_and_user(session.session_token.expose())
                .await,
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
            adapter
                .get_session_and_user(session.session_token.expose())
                .await,
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
                    session_token: uuid_v4().into(),
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
            adapter.delete_session(session.session_token.expose()).await,
            "delete_session"
        ),
        Some(extended),
        "delete_session must return the deleted session"
    );
    assert_eq!(
        ok(
            adapter
                .get_session_and_user(session.session_token.expose())
                .await,
            "get_session_and_user(deleted)"
        ),
        None,
        "a deleted session must be gone"
    );
    assert_eq!(
        ok(
            adapter.delete_session(session.session_token.expose()).await,
            "delete_session(again)"
        ),
        None,
        "deleting a deleted session must give None"
    );
    assert_eq!(
        ok(
            adapter
                .get_session_and_user(second.session_token.expose())
                .await,
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
            adapter
                .get_session_and_user(session.session_token.expose())
                .await,
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
            adapter
                .get_session_and_user(session.session_token.expose())
                .await,
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
            adapter.delete_session(orphan.session_token.expose()).await,
            "delete_session(orphan)"
        ),
        None,
        "a rejected session must not be stored"
    );
}
