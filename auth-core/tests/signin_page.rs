//! The sign-in page with all 93 presets configured, through the handler: every button's label is
//! legible (WCAG contrast ≥ 4.5:1, computed from the page's own stylesheet and each button's
//! inline style, light and dark themes, at rest and hovered), and the page asks no other host
//! for anything (logos inline, no fonts, stylesheets or scripts from elsewhere).
#![allow(missing_docs)]

mod common;

use std::collections::BTreeMap;

use auth_core::{AuthConfig, ColorScheme, Theme};
use common::{Client, ORIGIN, credentials};
use http::StatusCode;

/// The sign-in page of an `Auth` with every preset, an email provider and the credentials one.
async fn page_with_every_preset(scheme: ColorScheme) -> String {
    let fx = common::presets::fixture();
    let config = AuthConfig::new()
        .secret(common::SECRET)
        .trust_host(true)
        .theme(Theme {
            color_scheme: scheme,
            ..Theme::default()
        })
        .provider(credentials());
    let auth = common::presets::with_every_preset(config, &fx)
        .build()
        .expect("every preset builds");
    let mut client = Client::new(auth);
    let r = client.get("/auth/signin").await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

// ---- A small evaluator of the page's own CSS -------------------------------------------

/// One rule: its selectors (comma-split, trimmed), whether it sits in
/// `@media (prefers-color-scheme: dark)`, and its declarations in order.
struct Rule {
    selectors: Vec<String>,
    dark_media: bool,
    declarations: Vec<(String, String)>,
}

fn parse_css(css: &str) -> Vec<Rule> {
    let mut css = css.to_owned();
    while let Some(start) = css.find("/*") {
        let end = css[start..].find("*/").map_or(css.len(), |e| start + e + 2);
        css.replace_range(start..end, "");
    }
    let mut rules = Vec::new();
    let mut dark_media = false;
    let mut rest = css.as_str();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            // The end of an @media block.
            dark_media = false;
            rest = after;
            continue;
        }
        let Some(open) = rest.find('{') else { break };
        let prelude = rest[..open].trim();
        if prelude.starts_with("@media") {
            dark_media = prelude.contains("prefers-color-scheme: dark");
            rest = &rest[open + 1..];
            continue;
        }
        let close = rest[open..].find('}').expect("a closed rule") + open;
        let declarations = rest[open + 1..close]
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(p, v)| {
                (
                    p.trim().to_owned(),
                    v.split_whitespace().collect::<Vec<_>>().join(" "),
                )
            })
            .collect();
        rules.push(Rule {
            selectors: prelude
                .split(',')
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect(),
            dark_media,
            declarations,
        });
        rest = &rest[close + 1..];
    }
    rules
}

/// The page's `<style>` blocks, in order.
fn stylesheet(html: &str) -> String {
    html.split("<style>")
        .skip(1)
        .filter_map(|s| s.split_once("</style>").map(|(css, _)| css))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The last value of `property` among the rules whose selector is one of `selectors` (given
/// from least to most specific; a more specific one wins, then the later rule). Rules in the
/// dark `@media` block count only for `dark`.
fn declared(rules: &[Rule], selectors: &[&str], property: &str, dark: bool) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for rule in rules.iter().filter(|r| !r.dark_media || dark) {
        for (specificity, selector) in selectors.iter().enumerate() {
            if !rule.selectors.iter().any(|s| s == selector) {
                continue;
            }
            for (p, v) in &rule.declarations {
                if p == property && best.as_ref().is_none_or(|(s, _)| specificity >= *s) {
                    best = Some((specificity, v.clone()));
                }
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The custom properties in force on a button: `:root`, the theme class, then the button's own
/// `style` attribute.
fn variables(rules: &[Rule], scheme: &str, inline: &str) -> BTreeMap<String, String> {
    let class = format!(".__next-auth-theme-{scheme}");
    let mut vars = BTreeMap::new();
    for rule in rules.iter().filter(|r| !r.dark_media) {
        if rule.selectors.iter().any(|s| s == ":root" || *s == class) {
            for (p, v) in &rule.declarations {
                if p.starts_with("--") {
                    vars.insert(p.clone(), v.clone());
                }
            }
        }
    }
    for (p, v) in inline.split(';').filter_map(|d| d.split_once(':')) {
        vars.insert(p.trim().to_owned(), v.trim().to_owned());
    }
    vars
}

/// `var(--x, fallback)` resolved, recursively.
fn resolve(value: &str, vars: &BTreeMap<String, String>) -> String {
    let Some(start) = value.find("var(") else {
        return value.to_owned();
    };
    let mut depth = 0;
    let mut end = start + 4;
    for (i, c) in value[start + 4..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = start + 4 + i;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    let inner = &value[start + 4..end];
    let (name, fallback) = inner
        .split_once(',')
        .map_or((inner, None), |(n, f)| (n, Some(f)));
    let replacement = vars
        .get(name.trim())
        .cloned()
        .or_else(|| fallback.map(|f| f.trim().to_owned()))
        .unwrap_or_else(|| panic!("undefined {name} and no fallback in {value}"));
    let replaced = format!(
        "{}{}{}",
        &value[..start],
        resolve(&replacement, vars),
        &value[end + 1..]
    );
    resolve(&replaced, vars)
}

type Rgb = [f64; 3];

/// `#rgb`, `#rrggbb`, `rgb(r, g, b)`, `white`, `black` and `color-mix(in srgb, A p%, B)`.
fn color(value: &str) -> Rgb {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix('#') {
        let hex: String = if hex.len() == 3 {
            hex.chars().flat_map(|c| [c, c]).collect()
        } else {
            hex.to_owned()
        };
        let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"));
        return [channel(0), channel(2), channel(4)];
    }
    if let Some(args) = value.strip_prefix("rgb(").and_then(|v| v.strip_suffix(')')) {
        let c: Vec<f64> = args
            .split(',')
            .map(|x| x.trim().parse().expect("a channel"))
            .collect();
        return [c[0], c[1], c[2]];
    }
    if let Some(args) = value
        .strip_prefix("color-mix(in srgb,")
        .and_then(|v| v.strip_suffix(')'))
    {
        // `A p%, B`: A's colour may itself hold commas (rgb()), so split at the last comma.
        let (a, b) = args.rsplit_once(',').expect("two colours");
        let (a, percent) = a.trim().rsplit_once(' ').expect("a percentage");
        let p = percent
            .trim_end_matches('%')
            .parse::<f64>()
            .expect("percent")
            / 100.0;
        let (a, b) = (color(a), color(b));
        return [0, 1, 2].map(|i| a[i] * p + b[i] * (1.0 - p));
    }
    match value {
        "white" => [255.0; 3],
        "black" => [0.0; 3],
        other => panic!("a colour this test does not read: {other}"),
    }
}

/// WCAG 2 relative luminance and contrast ratio.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let luminance = |c: Rgb| {
        let lin = |v: f64| {
            let v = v / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    };
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Each OAuth button of the page: (provider id, its inline `style`).
fn oauth_buttons(html: &str) -> Vec<(String, String)> {
    html.split("<form action=\"")
        .skip(1)
        .filter_map(|form| {
            let (action, rest) = form.split_once('"')?;
            let id = action.strip_prefix(&format!("{ORIGIN}/auth/signin/"))?;
            let button = rest
                .split_once("<button type=\"submit\" class=\"button\"")?
                .1;
            let style = button
                .split_once("style=\"")
                .map_or("", |(_, s)| s.split_once('"').map_or("", |(s, _)| s));
            Some((id.to_owned(), style.to_owned()))
        })
        .filter(|(id, _)| id != "email")
        .collect()
}

#[tokio::test]
async fn every_preset_button_label_is_legible_in_both_themes() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (scheme, colour_scheme) in [("light", ColorScheme::Light), ("dark", ColorScheme::Dark)] {
        let html = page_with_every_preset(colour_scheme).await;
        let rules = parse_css(&stylesheet(&html));
        let dark = scheme == "dark";
        let buttons = oauth_buttons(&html);
        assert_eq!(buttons.len(), 93, "one button per preset");
        for (id, inline) in &buttons {
            let vars = variables(&rules, scheme, inline);
            // The label is the button's `<span>`; it inherits the button's colour.
            let label = declared(
                &rules,
                &[
                    "button",
                    "button.button",
                    "button span",
                    "button.button span",
                ],
                "color",
                dark,
            )
            .expect("a label colour");
            let states = [
                ("at rest", &["button", "button.button"][..]),
                ("hovered", &["button:hover", "button.button:hover"][..]),
            ];
            for (state, selectors) in states {
                let background = declared(&rules, selectors, "background-color", dark)
                    .or_else(|| {
                        declared(
                            &rules,
                            &["button", "button.button"],
                            "background-color",
                            dark,
                        )
                    })
                    .expect("a background");
                let (fg, bg) = (resolve(&label, &vars), resolve(&background, &vars));
                let ratio = contrast(color(&fg), color(&bg));
                checked += 1;
                if ratio < 4.5 {
                    failures.push(format!(
                        "{id} ({scheme}, {state}): label {fg} on {bg} = {ratio:.2}:1"
                    ));
                }
            }
        }
        // The form buttons (`#submitButton`) with the default theme.
        let vars = variables(&rules, scheme, "");
        let fg = resolve(
            &declared(&rules, &["button", "#submitButton"], "color", dark).expect("colour"),
            &vars,
        );
        let bg = resolve(
            &declared(
                &rules,
                &["button", "#submitButton"],
                "background-color",
                dark,
            )
            .expect("background"),
            &vars,
        );
        let ratio = contrast(color(&fg), color(&bg));
        checked += 1;
        if ratio < 4.5 {
            failures.push(format!(
                "#submitButton ({scheme}): label {fg} on {bg} = {ratio:.2}:1"
            ));
        }
    }
    assert_eq!(checked, 2 * (93 * 2 + 1));
    assert!(
        failures.is_empty(),
        "{} of {checked} button labels have a contrast under 4.5:1:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_contrast_arithmetic_is_wcags() {
    assert!((contrast([0.0; 3], [255.0; 3]) - 21.0).abs() < 1e-9);
    assert!((contrast(color("#fff"), color("white")) - 1.0).abs() < 1e-9);
    // #767676 on white is the well-known 4.54:1.
    assert!((contrast(color("#767676"), color("#fff")) - 4.54).abs() < 0.01);
    assert_eq!(color("color-mix(in srgb, #000 30%, #fff)"), [178.5; 3]);
    assert_eq!(color("rgb(1, 2, 3)"), [1.0, 2.0, 3.0]);
    let vars = BTreeMap::from([("--a".to_owned(), "var(--b, #123)".to_owned())]);
    assert_eq!(resolve("var(--a)", &vars), "#123");
    assert_eq!(resolve("var(--missing, var(--a))", &vars), "#123");
}

/// Every URL the page would load or link to, with where it was found.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let markers = [
        ("src=\"", '"'),
        ("href=\"", '"'),
        ("action=\"", '"'),
        ("url(", ')'),
        ("@import", ';'),
    ];
    for (marker, end) in markers {
        for piece in html.split(marker).skip(1) {
            let end = piece.find(end).unwrap_or(piece.len());
            found.push(piece[..end].trim_matches(['\'', '"', ' ']).to_owned());
        }
    }
    found
}

#[tokio::test]
async fn the_sign_in_page_loads_nothing_from_another_host() {
    for scheme in [ColorScheme::Auto, ColorScheme::Light, ColorScheme::Dark] {
        let html = page_with_every_preset(scheme).await;
        let foreign: Vec<String> = urls(&html)
            .into_iter()
            .filter(|u| {
                let same_origin = u.starts_with(&format!("{ORIGIN}/"));
                let relative = u.starts_with('/') && !u.starts_with("//");
                !(same_origin || relative || u.starts_with('#') || u.starts_with("data:"))
            })
            .collect();
        assert!(
            foreign.is_empty(),
            "{scheme:?}: URLs of other hosts: {foreign:?}"
        );
        assert!(!html.contains("authjs.dev"), "no logo from authjs.dev");
        assert!(!html.contains("<link"), "no external stylesheet or font");
        assert!(
            !html.contains("<script"),
            "no script without a WebAuthn provider"
        );
    }
}

#[test]
fn the_url_scan_sees_every_kind_of_reference() {
    let found = urls(
        "<img src=\"https://a.test/x.svg\"/><a href=\"/auth\"></a><style>x{background:url('//b.test/y')}@import \"https://c.test/z.css\";</style>",
    );
    assert_eq!(
        found,
        [
            "https://a.test/x.svg",
            "/auth",
            "//b.test/y",
            "https://c.test/z.css"
        ]
    );
}
