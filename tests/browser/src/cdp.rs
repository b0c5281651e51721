//! Headless Chromium over the DevTools protocol: a blocking JSON-over-WebSocket client that sends
//! a command and reads until its answer, keeping the console messages it sees on the way.
//!
//! Every [`Page`] lives in a browser context of its own (an incognito profile: its own cookies),
//! attached with `flatten`, so that one WebSocket carries the commands of every page.

use std::{
    cell::{Cell, RefCell},
    fs,
    io::{BufRead, BufReader},
    net::TcpStream,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    thread,
    time::{Duration, Instant},
};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// The flags Chromium needs on this closed network (DEPENDENCIES.md): without them it keeps
/// retrying refused background connections.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
];

/// How long one DevTools command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long [`Page::wait_for`] waits by default.
pub const WAIT: Duration = Duration::from_secs(20);

/// The Chromium binary: `AUTH_TEST_CHROMIUM` (set by `cargo xtask ci`), else `/usr/bin/chromium`
/// when it exists.
fn chromium_path() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("AUTH_TEST_CHROMIUM").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Ok(debian);
    }
    Err(
        "the browser suite needs Chromium: set AUTH_TEST_CHROMIUM to its binary, or run \
         `cargo xtask ci`, which installs Debian's `chromium` and sets it"
            .to_owned(),
    )
}

/// A running headless Chromium; killed (and its profile removed) when dropped.
pub struct Browser {
    child: Child,
    profile: PathBuf,
    ws: RefCell<WebSocket<TcpStream>>,
    next_id: Cell<u64>,
    /// Console messages and uncaught exceptions, per DevTools session.
    console: RefCell<Vec<(String, String)>>,
    /// What Chromium printed on stderr (the last lines).
    stderr: Arc<Mutex<Vec<String>>>,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Starts Chromium with a fresh profile and connects to its DevTools endpoint.
    pub fn launch() -> Result<Self, String> {
        let path = chromium_path()?;
        let profile = std::env::temp_dir().join(format!(
            "auth-browser-{}-{}",
            std::process::id(),
            crate::unique()
        ));
        fs::create_dir_all(&profile).map_err(|e| format!("profile folder: {e}"))?;
        let mut child = Command::new(&path)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (found, endpoint) = mpsc::channel();
        if let Some(pipe) = child.stderr.take() {
            let lines = Arc::clone(&stderr);
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if let Some(url) = line.strip_prefix("DevTools listening on ") {
                        let _ = found.send(url.trim().to_owned());
                    }
                    let mut lines = lines.lock().unwrap_or_else(|e| e.into_inner());
                    if lines.len() > 200 {
                        lines.remove(0);
                    }
                    lines.push(line);
                }
            });
        }
        let url = match endpoint.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let printed = stderr.lock().map(|l| l.join("\n")).unwrap_or_default();
                return Err(format!(
                    "{} printed no DevTools endpoint within 30 s; its stderr:\n{printed}",
                    path.display()
                ));
            }
        };
        let ws = connect(&url).inspect_err(|_| {
            let _ = child.kill();
            let _ = child.wait();
        })?;
        Ok(Self {
            child,
            profile,
            ws: RefCell::new(ws),
            next_id: Cell::new(1),
            console: RefCell::new(Vec::new()),
            stderr,
        })
    }

    /// Sends one command (to the browser, or to a page's `session`) and returns its result.
    pub fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut ws = self.ws.borrow_mut();
        ws.send(Message::text(message.to_string()))
            .map_err(|e| format!("{method}: cannot send: {e}"))?;
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            if Instant::now() > deadline {
                return Err(format!("{method}: no answer within {COMMAND_TIMEOUT:?}"));
            }
            let text = match ws.read() {
                Ok(Message::Text(text)) => text,
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(format!("{method}: the DevTools connection failed: {e}")),
            };
            let Ok(reply) = serde_json::from_str::<Value>(text.as_str()) else {
                continue;
            };
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(reply["result"].clone());
            }
            self.note_event(&reply);
        }
    }

    /// Keeps console messages and uncaught exceptions, for the failure report.
    fn note_event(&self, event: &Value) {
        let session = event["sessionId"].as_str().unwrap_or("").to_owned();
        let params = &event["params"];
        let line = match event["method"].as_str() {
            Some("Runtime.consoleAPICalled") => {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| match &a["value"] {
                        Value::String(s) => s.clone(),
                        Value::Null => a["description"].as_str().unwrap_or("").to_owned(),
                        other => other.to_string(),
                    })
                    .collect();
                format!(
                    "console.{}: {}",
                    params["type"].as_str().unwrap_or("log"),
                    args.join(" ")
                )
            }
            Some("Runtime.exceptionThrown") => {
                let details = &params["exceptionDetails"];
                format!(
                    "uncaught: {} {}",
                    details["text"].as_str().unwrap_or(""),
                    details["exception"]["description"].as_str().unwrap_or("")
                )
            }
            _ => return,
        };
        self.console.borrow_mut().push((session, line));
    }

    /// A new tab in a browser context of its own (no cookies shared with other pages).
    pub fn new_page(&self) -> Result<Page<'_>, String> {
        let context = self.call(
            None,
            "Target.createBrowserContext",
            json!({ "disposeOnDetach": true }),
        )?["browserContextId"]
            .as_str()
            .ok_or("Target.createBrowserContext: no browserContextId")?
            .to_owned();
        let target = self.call(
            None,
            "Target.createTarget",
            json!({ "url": "about:blank", "browserContextId": context }),
        )?["targetId"]
            .as_str()
            .ok_or("Target.createTarget: no targetId")?
            .to_owned();
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        )?["sessionId"]
            .as_str()
            .ok_or("Target.attachToTarget: no sessionId")?
            .to_owned();
        let page = Page {
            browser: self,
            session,
            context,
        };
        page.call("Page.enable", json!({}))?;
        page.call("Runtime.enable", json!({}))?;
        Ok(page)
    }

    /// The last lines Chromium printed.
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|l| l.join("\n")).unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// The WebSocket to `url` (`ws://127.0.0.1:PORT/devtools/browser/…`), with a read timeout so
/// that a silent browser cannot hang a test.
fn connect(url: &str) -> Result<WebSocket<TcpStream>, String> {
    let address = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .ok_or_else(|| format!("not a DevTools endpoint: {url}"))?;
    let stream = TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .map_err(|e| format!("{address}: {e}"))?;
    let (mut ws, _) =
        tungstenite::client::client(url, stream).map_err(|e| format!("handshake {url}: {e}"))?;
    // Screenshots of long pages are several megabytes of base64.
    let mut config = *ws.get_config();
    config.max_message_size = Some(256 << 20);
    config.max_frame_size = Some(256 << 20);
    ws.set_config(|c| *c = config);
    Ok(ws)
}

/// One tab, in its own browser context; the context is disposed of when dropped.
pub struct Page<'b> {
    browser: &'b Browser,
    session: String,
    context: String,
}

impl std::fmt::Debug for Page<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        let _ = self.browser.call(
            None,
            "Target.disposeBrowserContext",
            json!({ "browserContextId": self.context }),
        );
    }
}

/// A CSS selector as a JavaScript string literal.
fn js_str(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

impl Page<'_> {
    /// One command to this page's session.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        self.browser.call(Some(&self.session), method, params)
    }

    /// Evaluates `expression` (promises awaited) and returns its value as JSON.
    pub fn eval(&self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!(
                "{expression}: {} {}",
                details["text"].as_str().unwrap_or(""),
                details["exception"]["description"].as_str().unwrap_or("")
            ));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Polls `expression` every 100 ms until it gives a truthy value (errors while a page is
    /// loading count as not yet), for at most `timeout`.
    pub fn wait_for_within(
        &self,
        what: &str,
        expression: &str,
        timeout: Duration,
    ) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let mut last: String;
        loop {
            match self.eval(expression) {
                Ok(Value::Null | Value::Bool(false)) => last = "false".to_owned(),
                Ok(Value::String(s)) if s.is_empty() => last = "\"\"".to_owned(),
                Ok(value) => return Ok(value),
                Err(e) => last = e,
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "waited {timeout:?} for {what} (`{expression}`), last seen: {last}; the page is at {}",
                    self.url()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// [`Self::wait_for_within`] with the default [`WAIT`].
    pub fn wait_for(&self, what: &str, expression: &str) -> Result<Value, String> {
        self.wait_for_within(what, expression, WAIT)
    }

    /// Opens `url` and waits until the page has loaded.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        let result = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(error) = result["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(format!("cannot open {url}: {error}"));
        }
        self.wait_loaded()
    }

    /// Waits until the document is complete.
    pub fn wait_loaded(&self) -> Result<(), String> {
        self.wait_for(
            "the page to load",
            "document.readyState === 'complete' && location.href !== 'about:blank'",
        )
        .map(drop)
    }

    /// Waits until the page's URL starts with `prefix` and the page has loaded.
    pub fn wait_for_url(&self, prefix: &str) -> Result<String, String> {
        let expression = format!(
            "document.readyState === 'complete' && location.href.startsWith({}) && location.href",
            js_str(prefix)
        );
        self.wait_for(&format!("a page at {prefix}…"), &expression)
            .map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// The page's URL (empty when it cannot be read).
    pub fn url(&self) -> String {
        self.eval("location.href")
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The page's text (`document.body.innerText`).
    pub fn text(&self) -> Result<String, String> {
        self.eval("document.body ? document.body.innerText : ''")
            .map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// Clicks the middle of the element `selector` with the mouse, as a person would (after
    /// scrolling it into view); waits for it to be there and visible first.
    pub fn click(&self, selector: &str) -> Result<(), String> {
        let expression = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             if (r.width === 0 || r.height === 0) return null; \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            js_str(selector)
        );
        let at = self.wait_for(&format!("a visible {selector}"), &expression)?;
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        self.call(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseMoved", "x": x, "y": y }),
        )?;
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            )?;
        }
        Ok(())
    }

    /// Types `text` key by key into whatever has the focus.
    pub fn type_text(&self, text: &str) -> Result<(), String> {
        for c in text.chars() {
            let key = c.to_string();
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyDown", "key": key, "text": key, "unmodifiedText": key }),
            )?;
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyUp", "key": key }),
            )?;
        }
        Ok(())
    }

    /// Clicks into the field `selector` and types `text`.
    pub fn type_into(&self, selector: &str, text: &str) -> Result<(), String> {
        self.click(selector)?;
        self.type_text(text)
    }

    /// Presses and releases `Tab` or `Enter`.
    pub fn press(&self, key: &str) -> Result<(), String> {
        let (code, text) = match key {
            "Tab" => (9, None),
            "Enter" => (13, Some("\r")),
            other => return Err(format!("no key code for {other}")),
        };
        let mut down = json!({
            "type": if text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": key, "code": key,
            "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code,
        });
        if let Some(text) = text {
            down["text"] = json!(text);
            down["unmodifiedText"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down)?;
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": key,
                    "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code }),
        )
        .map(drop)
    }

    /// The cookies of this page's browser context: `(name, value)`.
    pub fn cookies(&self) -> Result<Vec<(String, String)>, String> {
        let result = self.browser.call(
            None,
            "Storage.getCookies",
            json!({ "browserContextId": self.context }),
        )?;
        Ok(result["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or_default().to_owned(),
                    c["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }

    /// A PNG of the whole page.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let result = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        )?;
        base64::engine::general_purpose::STANDARD
            .decode(result["data"].as_str().unwrap_or_default())
            .map_err(|e| format!("screenshot: {e}"))
    }

    /// The page's HTML as it is now.
    pub fn html(&self) -> Result<String, String> {
        self.eval("document.documentElement ? document.documentElement.outerHTML : ''")
            .map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// What this page logged to the console (and its uncaught exceptions), so far.
    pub fn console(&self) -> Vec<String> {
        self.browser
            .console
            .borrow()
            .iter()
            .filter(|(session, _)| *session == self.session)
            .map(|(_, line)| line.clone())
            .collect()
    }

    /// Emulates `prefers-color-scheme: <scheme>` (`light` or `dark`).
    pub fn color_scheme(&self, scheme: &str) -> Result<(), String> {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .map(drop)
    }

    /// Adds Chromium's virtual authenticator (CTAP2, built in, discoverable credentials, user
    /// verification that always succeeds); returns its id.
    pub fn add_virtual_authenticator(&self) -> Result<String, String> {
        self.call("WebAuthn.enable", json!({ "enableUI": false }))?;
        let result = self.call(
            "WebAuthn.addVirtualAuthenticator",
            json!({ "options": {
                "protocol": "ctap2", "transport": "internal",
                "hasResidentKey": true, "hasUserVerification": true,
                "isUserVerified": true, "automaticPresenceSimulation": true,
            } }),
        )?;
        result["authenticatorId"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "WebAuthn.addVirtualAuthenticator: no authenticatorId".to_owned())
    }

    /// Whether the virtual authenticator `id` answers user-presence checks by itself (off: a
    /// ceremony waits, as for a person who has not touched the key or picked a passkey yet).
    pub fn set_presence(&self, id: &str, automatic: bool) -> Result<(), String> {
        self.call(
            "WebAuthn.setAutomaticPresenceSimulation",
            json!({ "authenticatorId": id, "enabled": automatic }),
        )
        .map(drop)
    }

    /// The credentials the virtual authenticator `id` holds.
    pub fn credentials(&self, id: &str) -> Result<Vec<Value>, String> {
        let result = self.call("WebAuthn.getCredentials", json!({ "authenticatorId": id }))?;
        Ok(result["credentials"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// Removes every credential from the virtual authenticator `id`.
    pub fn clear_credentials(&self, id: &str) -> Result<(), String> {
        self.call(
            "WebAuthn.clearCredentials",
            json!({ "authenticatorId": id }),
        )
        .map(drop)
    }
}
