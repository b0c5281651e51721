//! The request each service's Auth.js provider makes for a message.

use base64::Engine as _;
use serde_json::json;

use super::{EmailService, HttpMailer, VerificationMessage};

impl HttpMailer {
    /// The request Auth.js's provider makes for `message`.
    pub(super) fn request(
        &self,
        message: &VerificationMessage,
    ) -> Result<http::Request<Vec<u8>>, String> {
        let key = self
            .api_key
            .as_ref()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| format!("Missing {} API Key", self.service.name()))?
            .expose();
        let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
        let builder = http::Request::post(self.endpoint_url());
        let (builder, body) = match &self.service {
            EmailService::Resend | EmailService::ForwardEmail => {
                let auth = if self.service == EmailService::Resend {
                    format!("Bearer {key}")
                } else {
                    format!("Basic {}", b64(format!("{key}:")))
                };
                let body = json!({
                    "from": self.from,
                    "to": message.to,
                    "subject": message.subject,
                    "html": message.html,
                    "text": message.text,
                });
                (json_headers(builder).header("Authorization", auth), body)
            }
            EmailService::SendGrid => {
                let body = json!({
                    "personalizations": [{ "to": [{ "email": message.to }] }],
                    "from": { "email": self.from },
                    "subject": message.subject,
                    "content": [
                        { "type": "text/plain", "value": message.text },
                        { "type": "text/html", "value": message.html },
                    ],
                });
                let builder =
                    json_headers(builder).header("Authorization", format!("Bearer {key}"));
                (builder, body)
            }
            EmailService::Postmark => {
                let body = json!({
                    "From": self.from,
                    "To": message.to,
                    "Subject": message.subject,
                    "TextBody": message.text,
                    "HtmlBody": message.html,
                    "MessageStream": "outbound",
                });
                let builder = builder
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .header("X-Postmark-Server-Token", key);
                (builder, body)
            }
            EmailService::Loops { transactional_id } => {
                if transactional_id.is_empty() {
                    return Err("Missing Loops API Key or TransactionalId".into());
                }
                let body = json!({
                    "transactionalId": transactional_id,
                    "email": message.to,
                    "dataVariables": { "url": message.url },
                });
                let builder =
                    json_headers(builder).header("Authorization", format!("Bearer {key}"));
                (builder, body)
            }
            EmailService::Mailgun(_) => return self.mailgun_request(message, key),
        };
        let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        builder
            .body(body)
            .map_err(|e| format!("invalid endpoint: {e}"))
    }

    /// Mailgun's multipart form, posted to the sender's domain.
    fn mailgun_request(
        &self,
        message: &VerificationMessage,
        key: &str,
    ) -> Result<http::Request<Vec<u8>>, String> {
        let address = sender_address(&self.from);
        let domain = address
            .split_once('@')
            .map(|(_, d)| d)
            .filter(|d| !d.is_empty())
            .ok_or("malformed Mailgun domain")?;
        // Auth.js sends `${name} <${from}>`; a `from` that already names the sender is kept.
        let from = if self.from.contains('<') {
            self.from.clone()
        } else {
            format!("{} <{}>", self.name, self.from)
        };
        let boundary = format!(
            "----authcore{}",
            crate::csrf::hex(&crate::random::bytes::<16>())
        );
        let mut body = String::new();
        for (name, value) in [
            ("from", from.as_str()),
            ("to", message.to.as_str()),
            ("subject", message.subject.as_str()),
            ("html", message.html.as_str()),
            ("text", message.text.as_str()),
        ] {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let url = self
            .endpoint_url()
            .replace("{domain}", &crate::encoding::encode_component(domain));
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("api:{key}"));
        http::Request::post(url)
            .header("Authorization", format!("Basic {auth}"))
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body.into_bytes())
            .map_err(|e| format!("invalid endpoint: {e}"))
    }
}

fn json_headers(builder: http::request::Builder) -> http::request::Builder {
    builder.header("Content-Type", "application/json")
}

/// The address of `Name <address>`, or the text itself.
pub(super) fn sender_address(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(start), Some(end)) if start < end => from[start + 1..end].trim(),
        _ => from.trim(),
    }
}
