//! The provider logos the sign-in page shows inline (no request to another host), written by
//! `make.mjs` beside this file. Sources, all CC0 (the marks themselves stay their owners'
//! trademarks, shown only to name the provider on its own sign-in button):
//! - `42.svg`: simple-icons 16.37.0 `42` (42), fill currentColor
//! - `apple.svg`: simple-icons 16.37.0 `apple` (Apple), fill currentColor
//! - `atlassian.svg`: simple-icons 16.37.0 `atlassian` (Atlassian), fill currentColor
//! - `auth0.svg`: simple-icons 16.37.0 `auth0` (Auth0), fill #EB5424
//! - `authentik.svg`: simple-icons 16.37.0 `authentik` (Authentik), fill #FD4B2D
//! - `aws-cognito.svg`: @iconify-json/logos 1.2.19 `aws-cognito` (SVG Logos)
//! - `azure-icon.svg`: @iconify-json/logos 1.2.19 `azure-icon` (SVG Logos)
//! - `battledotnet.svg`: simple-icons 16.37.0 `battledotnet` (Battle.net), fill #4381C3
//! - `bitbucket.svg`: simple-icons 16.37.0 `bitbucket` (Bitbucket), fill currentColor
//! - `box.svg`: simple-icons 16.37.0 `box` (Box), fill #0061D5
//! - `bungie.svg`: simple-icons 16.37.0 `bungie` (Bungie), fill #0075BB
//! - `clickup.svg`: simple-icons 16.37.0 `clickup` (ClickUp), fill #7B68EE
//! - `coinbase.svg`: simple-icons 16.37.0 `coinbase` (Coinbase), fill #0052FF
//! - `discord.svg`: simple-icons 16.37.0 `discord` (Discord), fill #5865F2
//! - `dribbble.svg`: simple-icons 16.37.0 `dribbble` (Dribbble), fill #EA4C89
//! - `dropbox.svg`: simple-icons 16.37.0 `dropbox` (Dropbox), fill #0061FF
//! - `eventbrite-icon.svg`: @iconify-json/logos 1.2.19 `eventbrite-icon` (SVG Logos)
//! - `facebook.svg`: simple-icons 16.37.0 `facebook` (Facebook), fill #0866FF
//! - `faceit.svg`: simple-icons 16.37.0 `faceit` (FACEIT), fill #FF5500
//! - `figma.svg`: simple-icons 16.37.0 `figma` (Figma), fill #F24E1E
//! - `foursquare.svg`: simple-icons 16.37.0 `foursquare` (Foursquare), fill currentColor
//! - `fusionauth.svg`: simple-icons 16.37.0 `fusionauth` (FusionAuth), fill currentColor
//! - `github.svg`: simple-icons 16.37.0 `github` (GitHub), fill currentColor
//! - `gitlab.svg`: simple-icons 16.37.0 `gitlab` (GitLab), fill currentColor
//! - `google.svg`: simple-icons 16.37.0 `google` (Google), fill #4285F4
//! - `hubspot.svg`: simple-icons 16.37.0 `hubspot` (HubSpot), fill currentColor
//! - `huggingface.svg`: simple-icons 16.37.0 `huggingface` (Hugging Face), fill currentColor
//! - `instagram.svg`: simple-icons 16.37.0 `instagram` (Instagram), fill #FF0069
//! - `kakao.svg`: simple-icons 16.37.0 `kakao` (Kakao), fill currentColor
//! - `line.svg`: simple-icons 16.37.0 `line` (LINE), fill currentColor
//! - `linkedin-icon.svg`: @iconify-json/logos 1.2.19 `linkedin-icon` (SVG Logos)
//! - `mailchimp.svg`: simple-icons 16.37.0 `mailchimp` (MailChimp), fill currentColor
//! - `maildotru.svg`: simple-icons 16.37.0 `maildotru` (Mail.Ru), fill #005FF9
//! - `mastodon.svg`: simple-icons 16.37.0 `mastodon` (Mastodon), fill #6364FF
//! - `mattermost.svg`: simple-icons 16.37.0 `mattermost` (Mattermost), fill currentColor
//! - `medium.svg`: simple-icons 16.37.0 `medium` (Medium), fill currentColor
//! - `microsoft-icon.svg`: @iconify-json/logos 1.2.19 `microsoft-icon` (SVG Logos)
//! - `naver.svg`: simple-icons 16.37.0 `naver` (Naver), fill currentColor
//! - `netlify.svg`: simple-icons 16.37.0 `netlify` (Netlify), fill currentColor
//! - `nextcloud.svg`: simple-icons 16.37.0 `nextcloud` (Nextcloud), fill #0082C9
//! - `notion.svg`: simple-icons 16.37.0 `notion` (Notion), fill currentColor
//! - `okta.svg`: simple-icons 16.37.0 `okta` (Okta), fill #007DC1
//! - `ory.svg`: simple-icons 16.37.0 `ory` (Ory), fill currentColor
//! - `osu.svg`: simple-icons 16.37.0 `osu` (osu!), fill currentColor
//! - `patreon.svg`: simple-icons 16.37.0 `patreon` (Patreon), fill currentColor
//! - `pinterest.svg`: simple-icons 16.37.0 `pinterest` (Pinterest), fill currentColor
//! - `reddit.svg`: simple-icons 16.37.0 `reddit` (Reddit), fill #FF4500
//! - `roblox.svg`: simple-icons 16.37.0 `roblox` (Roblox), fill currentColor
//! - `salesforce.svg`: @iconify-json/logos 1.2.19 `salesforce` (SVG Logos)
//! - `simplelogin.svg`: simple-icons 16.37.0 `simplelogin` (SimpleLogin), fill #EA319F
//! - `slack-icon.svg`: @iconify-json/logos 1.2.19 `slack-icon` (SVG Logos)
//! - `spotify.svg`: simple-icons 16.37.0 `spotify` (Spotify), fill currentColor
//! - `strava.svg`: simple-icons 16.37.0 `strava` (Strava), fill #FC4C02
//! - `threads.svg`: simple-icons 16.37.0 `threads` (Threads), fill currentColor
//! - `tiktok.svg`: simple-icons 16.37.0 `tiktok` (TikTok), fill currentColor
//! - `todoist.svg`: simple-icons 16.37.0 `todoist` (Todoist), fill #E44332
//! - `trakt.svg`: simple-icons 16.37.0 `trakt` (Trakt), fill #9F42C6
//! - `twitch.svg`: simple-icons 16.37.0 `twitch` (Twitch), fill #9146FF
//! - `vk.svg`: simple-icons 16.37.0 `vk` (VK), fill #0077FF
//! - `wechat.svg`: simple-icons 16.37.0 `wechat` (WeChat), fill currentColor
//! - `wikimediafoundation.svg`: simple-icons 16.37.0 `wikimediafoundation` (Wikimedia Foundation), fill currentColor
//! - `wordpress.svg`: simple-icons 16.37.0 `wordpress` (WordPress), fill #21759B
//! - `workos-icon.svg`: @iconify-json/logos 1.2.19 `workos-icon` (SVG Logos)
//! - `x.svg`: simple-icons 16.37.0 `x` (X), fill currentColor
//! - `zoho.svg`: simple-icons 16.37.0 `zoho` (Zoho), fill #E42527
//! - `zoom.svg`: simple-icons 16.37.0 `zoom` (Zoom), fill #0B5CFF

/// The inline SVG logo shipped for the provider `id`, if there is one.
pub(crate) fn provider_logo(id: &str) -> Option<&'static str> {
    Some(match id {
        "42-school" => include_str!("42.svg"),
        "apple" => include_str!("apple.svg"),
        "atlassian" => include_str!("atlassian.svg"),
        "auth0" => include_str!("auth0.svg"),
        "authentik" => include_str!("authentik.svg"),
        "azure-ad" => include_str!("microsoft-icon.svg"),
        "azure-ad-b2c" => include_str!("azure-icon.svg"),
        "azure-devops" => include_str!("azure-icon.svg"),
        "battlenet" => include_str!("battledotnet.svg"),
        "bitbucket" => include_str!("bitbucket.svg"),
        "box" => include_str!("box.svg"),
        "bungie" => include_str!("bungie.svg"),
        "click-up" => include_str!("clickup.svg"),
        "cognito" => include_str!("aws-cognito.svg"),
        "coinbase" => include_str!("coinbase.svg"),
        "discord" => include_str!("discord.svg"),
        "dribbble" => include_str!("dribbble.svg"),
        "dropbox" => include_str!("dropbox.svg"),
        "eventbrite" => include_str!("eventbrite-icon.svg"),
        "facebook" => include_str!("facebook.svg"),
        "faceit" => include_str!("faceit.svg"),
        "figma" => include_str!("figma.svg"),
        "foursquare" => include_str!("foursquare.svg"),
        "fusionauth" => include_str!("fusionauth.svg"),
        "github" => include_str!("github.svg"),
        "gitlab" => include_str!("gitlab.svg"),
        "google" => include_str!("google.svg"),
        "hubspot" => include_str!("hubspot.svg"),
        "huggingface" => include_str!("huggingface.svg"),
        "hydra" => include_str!("ory.svg"),
        "instagram" => include_str!("instagram.svg"),
        "kakao" => include_str!("kakao.svg"),
        "line" => include_str!("line.svg"),
        "linkedin" => include_str!("linkedin-icon.svg"),
        "mailchimp" => include_str!("mailchimp.svg"),
        "mailru" => include_str!("maildotru.svg"),
        "mastodon" => include_str!("mastodon.svg"),
        "mattermost" => include_str!("mattermost.svg"),
        "medium" => include_str!("medium.svg"),
        "microsoft-entra-id" => include_str!("microsoft-icon.svg"),
        "naver" => include_str!("naver.svg"),
        "netlify" => include_str!("netlify.svg"),
        "nextcloud" => include_str!("nextcloud.svg"),
        "notion" => include_str!("notion.svg"),
        "okta" => include_str!("okta.svg"),
        "osu" => include_str!("osu.svg"),
        "patreon" => include_str!("patreon.svg"),
        "pinterest" => include_str!("pinterest.svg"),
        "reddit" => include_str!("reddit.svg"),
        "roblox" => include_str!("roblox.svg"),
        "salesforce" => include_str!("salesforce.svg"),
        "simplelogin" => include_str!("simplelogin.svg"),
        "slack" => include_str!("slack-icon.svg"),
        "spotify" => include_str!("spotify.svg"),
        "strava" => include_str!("strava.svg"),
        "threads" => include_str!("threads.svg"),
        "tiktok" => include_str!("tiktok.svg"),
        "todoist" => include_str!("todoist.svg"),
        "trakt" => include_str!("trakt.svg"),
        "twitch" => include_str!("twitch.svg"),
        "twitter" => include_str!("x.svg"),
        "vk" => include_str!("vk.svg"),
        "wechat" => include_str!("wechat.svg"),
        "wikimedia" => include_str!("wikimediafoundation.svg"),
        "wordpress" => include_str!("wordpress.svg"),
        "workos" => include_str!("workos-icon.svg"),
        "zoho" => include_str!("zoho.svg"),
        "zoom" => include_str!("zoom.svg"),
        _ => return None,
    })
}
