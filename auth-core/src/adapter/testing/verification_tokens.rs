//! The checks on verification tokens (magic links).

use super::{T0, ok, rejected};
use crate::{
    adapter::{Adapter, Timestamp, VerificationToken},
    random::uuid_v4,
};

/// `create_verification_token` stores exactly what it is given; `use_verification_token`
/// returns it once, then `None`; a wrong identifier or token gives `None` and spends nothing;
/// an expired token is still returned (the core checks expiry).
pub async fn verification_tokens(adapter: &impl Adapter) {
    let token = VerificationToken {
        identifier: format!("{}@example.com", uuid_v4()),
        token: format!("hashed-{}", uuid_v4()).into(),
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
                .use_verification_token("someone@example.com", token.token.expose())
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
                .use_verification_token(&token.identifier, token.token.expose())
                .await,
            "use_verification_token"
        ),
        Some(token.clone()),
        "the first use must return the stored token"
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&token.identifier, token.token.expose())
                .await,
            "use_verification_token(again)"
        ),
        None,
        "a used token must give None"
    );

    let expired = VerificationToken {
        identifier: token.identifier.clone(),
        token: format!("hashed-{}", uuid_v4()).into(),
        expires: Timestamp(1_000),
    };
    ok(
        adapter.create_verification_token(expired.clone()).await,
        "create_verification_token(expired)",
    );
    assert_eq!(
        ok(
            adapter
                .use_verification_token(&expired.identifier, expired.token.expose())
                .await,
            "use_verification_token(expired)"
        ),
        Some(expired),
        "an expired token must still be returned (and spent)"
    );
}
