//! The check that timestamps keep their milliseconds.

use super::{T0, create_user, new_session, new_user, ok};
use crate::{
    adapter::{Adapter, Timestamp, UserUpdate, VerificationToken},
    random::uuid_v4,
};

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
                adapter
                    .get_session_and_user(session.session_token.expose())
                    .await,
                "get_session_and_user"
            )
            .map(|(s, _)| s.expires),
            Some(at),
            "a session expiring at {millis} ms must read back the same instant"
        );
        let token = VerificationToken {
            identifier: format!("{}@example.com", uuid_v4()),
            token: uuid_v4().into(),
            expires: at,
        };
        ok(
            adapter.create_verification_token(token.clone()).await,
            "create_verification_token",
        );
        assert_eq!(
            ok(
                adapter
                    .use_verification_token(&token.identifier, token.token.expose())
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
