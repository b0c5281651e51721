// Writes the provider logos of the built-in sign-in page (`*.svg` and `mod.rs` beside this file)
// from two CC0 npm packages, unpacked (`npm pack <name>@<version>`, then `tar xzf`):
//
//   node make.mjs <simple-icons@16.37.0>/package <@iconify-json/logos@1.2.19>/package
//
// Simple Icons are one-colour marks: each gets its brand colour when that colour has a contrast of
// at least 3:1 (WCAG 1.4.11) against both themes' button background, and `currentColor` (the
// label's colour) otherwise. The few multi-colour marks come from SVG Logos. Run `cargo fmt`
// after it.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [simpleIcons, svgLogos] = process.argv.slice(2);
if (!svgLogos) throw new Error("usage: node make.mjs <simple-icons dir> <@iconify-json/logos dir>");
const here = dirname(fileURLToPath(import.meta.url));

// Preset id -> Simple Icons slug.
const SIMPLE = {
  "42-school": "42", apple: "apple", atlassian: "atlassian", auth0: "auth0",
  authentik: "authentik", battlenet: "battledotnet", bitbucket: "bitbucket", box: "box",
  bungie: "bungie", "click-up": "clickup", coinbase: "coinbase", discord: "discord",
  dribbble: "dribbble", dropbox: "dropbox", facebook: "facebook", faceit: "faceit",
  figma: "figma", foursquare: "foursquare", fusionauth: "fusionauth", github: "github",
  gitlab: "gitlab", google: "google", hubspot: "hubspot", huggingface: "huggingface",
  hydra: "ory", instagram: "instagram", kakao: "kakao", line: "line",
  mailchimp: "mailchimp", mailru: "maildotru", mastodon: "mastodon", mattermost: "mattermost",
  medium: "medium", naver: "naver", netlify: "netlify", nextcloud: "nextcloud", notion: "notion",
  okta: "okta", osu: "osu", patreon: "patreon", pinterest: "pinterest", reddit: "reddit",
  roblox: "roblox", simplelogin: "simplelogin", spotify: "spotify", strava: "strava",
  threads: "threads", tiktok: "tiktok", todoist: "todoist", trakt: "trakt", twitch: "twitch",
  twitter: "x", vk: "vk", wechat: "wechat", wikimedia: "wikimediafoundation",
  wordpress: "wordpress", zoho: "zoho", zoom: "zoom",
};
// Preset id -> SVG Logos icon (brands Simple Icons no longer carries).
const LOGOS = {
  "microsoft-entra-id": "microsoft-icon", "azure-ad": "microsoft-icon",
  "azure-ad-b2c": "azure-icon", "azure-devops": "azure-icon", cognito: "aws-cognito",
  eventbrite: "eventbrite-icon", linkedin: "linkedin-icon", salesforce: "salesforce",
  slack: "slack-icon", workos: "workos-icon",
};

const luminance = (hex) => {
  const c = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
// The buttons' backgrounds (`--provider-bg`) in the light and dark themes.
const BACKGROUNDS = ["ffffff", "161b22"];

const si = JSON.parse(readFileSync(join(simpleIcons, "data/simple-icons.json"), "utf8"));
const siIcons = Array.isArray(si) ? si : si.icons;
const siVersion = JSON.parse(readFileSync(join(simpleIcons, "package.json"), "utf8")).version;
const sl = JSON.parse(readFileSync(join(svgLogos, "icons.json"), "utf8"));
const slVersion = JSON.parse(readFileSync(join(svgLogos, "package.json"), "utf8")).version;

const open = (viewBox, fill) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}" width="24" height="24"` +
  ` aria-hidden="true" focusable="false"${fill ? ` fill="${fill}"` : ""}>`;
const files = new Map(); // file stem -> { svg, source }
const table = []; // [id, stem]
for (const [id, slug] of Object.entries(SIMPLE)) {
  const meta = siIcons.find((i) => i.slug === slug);
  if (!meta) throw new Error(`simple-icons has no ${slug}`);
  // Only marks Simple Icons ships under CC0 (Keycloak's and Webex's carry their owners' terms).
  if (meta.license && meta.license.type !== "CC0-1.0") throw new Error(`${slug}: ${meta.license.type}`);
  const raw = readFileSync(join(simpleIcons, "icons", `${slug}.svg`), "utf8");
  const path = raw.match(/<path d="[^"]+"\/>/)?.[0];
  if (!path || (raw.match(/<path/g) ?? []).length !== 1) throw new Error(`unexpected ${slug}.svg`);
  const legible = BACKGROUNDS.every((bg) => contrast(meta.hex, bg) >= 3);
  const fill = legible ? `#${meta.hex}` : "currentColor";
  files.set(slug, {
    svg: `${open("0 0 24 24", fill)}${path}</svg>`,
    source: `simple-icons ${siVersion} \`${slug}\` (${meta.title}), fill ${fill}`,
  });
  table.push([id, slug]);
}
for (const [id, name] of Object.entries(LOGOS)) {
  const icon = sl.icons[name];
  if (!icon) throw new Error(`SVG Logos has no ${name}`);
  const w = icon.width ?? sl.width, h = icon.height ?? sl.height;
  files.set(name, {
    svg: `${open(`0 0 ${w} ${h}`)}${icon.body}</svg>`,
    source: `@iconify-json/logos ${slVersion} \`${name}\` (SVG Logos)`,
  });
  table.push([id, name]);
}
for (const [stem, { svg }] of files) writeFileSync(join(here, `${stem}.svg`), svg + "\n");
table.sort(([a], [b]) => (a < b ? -1 : 1));
const arms = table.map(([id, stem]) => `        "${id}" => include_str!("${stem}.svg"),`).join("\n");
const sources = [...files].sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([stem, { source }]) => `//! - \`${stem}.svg\`: ${source}`).join("\n");
writeFileSync(join(here, "mod.rs"), `//! The provider logos the sign-in page shows inline (no request to another host), written by
//! \`make.mjs\` beside this file. Sources, all CC0 (the marks themselves stay their owners'
//! trademarks, shown only to name the provider on its own sign-in button):
${sources}

/// The inline SVG logo shipped for the provider \`id\`, if there is one.
pub(crate) fn provider_logo(id: &str) -> Option<&'static str> {
    Some(match id {
${arms}
        _ => return None,
    })
}
`);
console.log(`${files.size} files, ${table.length} presets`);
