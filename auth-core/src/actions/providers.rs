//! `GET /providers`: the configured providers as JSON.

use serde_json::{Map, Value, json};

use crate::{context::RequestContext, response::AuthResponse};

pub(super) fn list(ctx: &RequestContext<'_>) -> AuthResponse {
    let providers: Map<String, Value> = ctx
        .auth
        .providers
        .iter()
        .map(|p| {
            let id = p.id();
            let entry = json!({
                "id": id,
                "name": p.name(),
                "type": p.kind().as_str(),
                "signinUrl": ctx.action_url(&format!("signin/{id}")),
                "callbackUrl": ctx.action_url(&format!("callback/{id}")),
            });
            (id.to_owned(), entry)
        })
        .collect();
    AuthResponse::json(Value::Object(providers))
}
