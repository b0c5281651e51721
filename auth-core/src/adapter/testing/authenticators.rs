//! The checks on WebAuthn authenticators.

use super::{bare_account, create_user, new_authenticator, new_user, ok, rejected};
use crate::{
    adapter::{Adapter, Authenticator},
    model::ProviderKind,
    random::uuid_v4,
};

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
