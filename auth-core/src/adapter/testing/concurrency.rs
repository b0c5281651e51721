//! The concurrency checks: calls that overlap on one row. They spawn Tokio tasks.

use std::{collections::BTreeSet, sync::Arc};

use tokio::sync::Barrier;

use super::{CONCURRENCY, T0, new_account, new_user, ok};
use crate::{
    adapter::{Adapter, AdapterAccount, VerificationToken},
    model::ProviderKind,
    random::uuid_v4,
};

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
        token: uuid_v4().into(),
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
            adapter
                .use_verification_token(&identifier, value.expose())
                .await
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
