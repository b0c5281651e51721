//! Every preset of `presets::all`, configured through the `AUTH_<ID>_*` values the real Auth.js
//! was given for `fixtures/providers/authjs-presets.json`.

use std::collections::HashMap;

use auth_core::{AuthConfig, providers::presets};
use serde_json::Value;

/// What `@auth/core` 0.41.3 answered with all 93 presets configured (made by `make.mjs`).
pub fn fixture() -> Value {
    serde_json::from_str(include_str!("../fixtures/providers/authjs-presets.json"))
        .expect("the fixture is JSON")
}

/// `config` with every preset added and configured from the fixture's environment.
pub fn with_every_preset(mut config: AuthConfig, fx: &Value) -> AuthConfig {
    let mut env: HashMap<String, String> = HashMap::new();
    for preset in fx["presets"].as_array().expect("presets") {
        for (name, value) in preset["env"].as_object().expect("env") {
            env.insert(name.clone(), value.as_str().expect("text").to_owned());
        }
    }
    for preset in presets::all() {
        // The RESTlet Auth.js's NetSuite was given (NetSuite has no userinfo of its own).
        let preset = match preset.provider_id() {
            "netsuite" => {
                let restlet = fx["presets"]
                    .as_array()
                    .and_then(|all| all.iter().find(|p| p["id"] == "netsuite"))
                    .and_then(|p| p["patch"]["userinfo"].as_str())
                    .expect("the NetSuite RESTlet");
                preset.userinfo_url(restlet)
            }
            _ => preset,
        };
        config = config.provider(preset);
    }
    config.env_defaults_from(move |name| env.get(name).cloned())
}
