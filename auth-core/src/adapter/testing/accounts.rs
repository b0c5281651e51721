//! The checks on accounts: linking and lookup, uniqueness, unlinking, and the first sign-in's
//! `create_user_and_link_account`.

use super::{bare_account, create_user, new_account, new_user, ok, rejected};
use crate::{
    adapter::{Adapter, AdapterAccount, AdapterUser},
    model::ProviderKind,
    random::uuid_v4,
};

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
