//! The contrast check: every button of the sign-in page, with every preset the example knows
//! switched on, must have a label/background contrast of at least 4.5:1 (WCAG 2 AA for normal
//! text) in the light and in the dark theme (`prefers-color-scheme` emulated; the pages use
//! Auth.js's default theme, `auto`).

use serde_json::Value;

use crate::{
    cdp::Browser,
    example::{Example, free_port},
    keep_failure,
};

/// The least contrast WCAG 2 (AA, normal text) accepts.
const MINIMUM: f64 = 4.5;

/// For each `.provider` button: its label, the label's and the button's computed colours, and
/// the WCAG contrast ratio between the label's colour and the background it is drawn on
/// (transparent layers composited over their ancestors', down to a white canvas). CSS colours
/// are turned into sRGB bytes by painting them on a canvas, so `color(srgb …)`, `oklab(…)` and
/// the like compute too.
const MEASURE: &str = r#"(() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) =>
    [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(rgba(getComputedStyle(e).backgroundColor));
    let c = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
    return c;
  };
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  return Array.from(document.querySelectorAll('.provider button')).map((button) => {
    const label = button.querySelector('span') || button;
    const bg = background(button);
    const fg = over(rgba(getComputedStyle(label).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return {
      label: label.textContent.trim(),
      color: getComputedStyle(label).color,
      background: getComputedStyle(button).backgroundColor,
      ratio: (hi + 0.05) / (lo + 0.05),
    };
  });
})()"#;

/// Every preset's variables (the ones auth-core's preset parity test configures Auth.js with).
fn preset_env() -> Vec<(String, String)> {
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../auth-core/tests/fixtures/providers/authjs-presets.json"
    ))
    .unwrap_or(Value::Null);
    let mut env: Vec<(String, String)> = fixture["presets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["env"].as_object())
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    env.push((
        "AUTH_NETSUITE_USERINFO".to_owned(),
        "https://1234567.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=1&deploy=1"
            .to_owned(),
    ));
    env
}

/// Checks the contrast of every button on example-`framework`'s sign-in page with all presets
/// on, in the light and the dark theme; panics naming every button below 4.5:1.
///
/// It failed on the pages before the CSS fix (preset labels in their white `style.text` on the
/// light theme's white buttons: 49 of 96 buttons below 4.5:1 in the light theme).
pub fn run_contrast(framework: &str, binary: &str) {
    let port = free_port().unwrap_or_else(|e| panic!("{e}"));
    let mut env = preset_env();
    env.push(("AUTH_PASSKEY".to_owned(), "1".to_owned()));
    env.push((
        "AUTH_EMAIL_OUTBOX".to_owned(),
        std::env::temp_dir()
            .join(format!("auth-browser-outbox-{}.jsonl", std::process::id()))
            .display()
            .to_string(),
    ));
    let example = Example::start(framework, binary, port, env).unwrap_or_else(|e| panic!("{e}"));
    let browser = Browser::launch().unwrap_or_else(|e| panic!("{e}"));
    let mut failing = Vec::new();
    let mut measured = 0;
    for scheme in ["light", "dark"] {
        let result = (|| {
            let page = browser.new_page()?;
            page.color_scheme(scheme)?;
            page.goto(&format!("{}/auth/signin", example.base()))?;
            let buttons = page.eval(MEASURE)?;
            let buttons = buttons.as_array().cloned().unwrap_or_default();
            let low: Vec<String> = buttons
                .iter()
                .filter(|b| b["ratio"].as_f64().unwrap_or(0.0) < MINIMUM)
                .map(|b| {
                    format!(
                        "{}: {} on {} = {:.2}:1",
                        b["label"].as_str().unwrap_or("?"),
                        b["color"].as_str().unwrap_or("?"),
                        b["background"].as_str().unwrap_or("?"),
                        b["ratio"].as_f64().unwrap_or(0.0)
                    )
                })
                .collect();
            if buttons.len() < 90 {
                return Err(format!(
                    "{scheme}: only {} buttons on the sign-in page (the presets are not on?)",
                    buttons.len()
                ));
            }
            measured += buttons.len();
            if !low.is_empty() {
                let dir = keep_failure(
                    &format!("{framework}-contrast-{scheme}"),
                    Some(&page),
                    &example.log(),
                    &low.join("\n"),
                );
                return Err(format!(
                    "{scheme} theme: {} of {} buttons below {MINIMUM}:1 (screenshot and HTML in {}):\n    {}",
                    low.len(),
                    buttons.len(),
                    dir.display(),
                    low.join("\n    ")
                ));
            }
            Ok(())
        })();
        if let Err(e) = result {
            failing.push(e);
        }
    }
    assert!(
        failing.is_empty(),
        "contrast of the sign-in page's buttons on example-{framework}:\n  {}",
        failing.join("\n  ")
    );
    eprintln!("contrast {framework}: {measured} buttons at {MINIMUM}:1 or more");
}
