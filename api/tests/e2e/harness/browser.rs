//! One headless Chromium session: navigation, finding elements the way a
//! person does (by label, by button or link text, by heading), waiting,
//! screenshots, the accessibility check and pointer drawing.
//!
//! Every look-up waits up to [`WAIT`] for the page to show what it looks
//! for; a wait that runs out fails the test with the page's URL and
//! visible text, and a screenshot under `target/e2e-screenshots/failures/`.

use super::{WAIT, axe, target_dir};
use fantoccini::actions::{
    ActionSequence, InputSource, MOUSE_BUTTON_LEFT, MouseActions, PenActions, PointerAction,
    TouchActions,
};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The window sizes pages are tried and photographed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewport {
    /// 375 × 812 CSS pixels.
    Phone,
    /// 1280 × 900 CSS pixels.
    Desktop,
}

impl Viewport {
    pub const ALL: [Viewport; 2] = [Viewport::Phone, Viewport::Desktop];

    /// Width and height in CSS pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Viewport::Phone => (375, 812),
            Viewport::Desktop => (1280, 900),
        }
    }

    /// `phone` or `desktop`: the end of screenshot file names.
    pub fn name(self) -> &'static str {
        match self {
            Viewport::Phone => "phone",
            Viewport::Desktop => "desktop",
        }
    }
}

/// What kind of element a look-up wants, by its role on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A form control (input, select, textarea, ...), named by its
    /// `<label>`, `aria-label` or `aria-labelledby`; never by placeholder.
    Field,
    /// `<button>`, a submit input or `role=button`, named by its text.
    Button,
    /// `<a href>` or `role=link`, named by its text.
    Link,
    /// `<h1>`–`<h6>` or `role=heading`, named by its text.
    Heading,
    /// A `<canvas>`, named by `aria-label`, `aria-labelledby` or `title`.
    Canvas,
}

impl Role {
    fn key(self) -> &'static str {
        match self {
            Role::Field => "field",
            Role::Button => "button",
            Role::Link => "link",
            Role::Heading => "heading",
            Role::Canvas => "canvas",
        }
    }
}

/// The device a drawing is made with (the `pointerType` of its events).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    Mouse,
    Pen,
    Touch,
}

/// A browser session on one server; closed when dropped.
pub struct Browser {
    pub client: fantoccini::Client,
    /// The server's `http://127.0.0.1:<port>`: relative paths go there.
    pub base: String,
    viewport: Viewport,
    /// How much larger the window is than the page's viewport (the
    /// browser's own frame, even when headless).
    frame: (u32, u32),
    driver_url: String,
    session: Option<String>,
    _profile: TempDir,
}

/// Finds the visible elements of a role on the page and their accessible
/// names, and picks the one named `wanted`: exactly, or else the only one
/// whose name contains it (ignoring case). Arguments: role, name, scope
/// element or null.
const FIND: &str = r#"
const [role, wanted, scope] = arguments;
const root = scope || document;
const norm = s => (s || '').replace(/\s+/g, ' ').trim();
const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
const byIds = ids => ids.split(/\s+/).map(id => document.getElementById(id))
    .filter(Boolean).map(e => e.innerText || e.textContent).join(' ');
const selectors = {
  field: 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),'
    + ' select, textarea, [contenteditable=""], [contenteditable=true], [role=textbox], [role=searchbox],'
    + ' [role=combobox], [role=checkbox], [role=radio], [role=switch], [role=slider], [role=spinbutton]',
  button: 'button, input[type=submit], input[type=button], input[type=reset], [role=button]',
  link: 'a[href], [role=link]',
  heading: 'h1, h2, h3, h4, h5, h6, [role=heading]',
  canvas: 'canvas',
};
const name = el => {
  const labelledby = el.getAttribute('aria-labelledby');
  if (labelledby && norm(byIds(labelledby))) return norm(byIds(labelledby));
  if (norm(el.getAttribute('aria-label'))) return norm(el.getAttribute('aria-label'));
  if (role === 'field') {
    if (el.labels && el.labels.length) {
      return norm([...el.labels].map(l => l.innerText || l.textContent).join(' '));
    }
    return norm(el.getAttribute('title'));
  }
  if (role === 'canvas') return norm(el.getAttribute('title'));
  if (el.tagName === 'INPUT') return norm(el.value);
  const alt = [...el.querySelectorAll('img[alt]')].map(i => i.alt).join(' ');
  return norm(norm(el.innerText || el.textContent) || alt || el.getAttribute('title'));
};
const all = [...root.querySelectorAll(selectors[role])].filter(visible)
  .map(el => ({el, name: name(el)}));
const w = norm(wanted);
let hits = all.filter(c => c.name === w);
if (hits.length === 0) hits = all.filter(c => c.name.toLowerCase().includes(w.toLowerCase()));
if (hits.length === 1) return {found: hits[0].el};
return {found: null, matches: hits.length, names: all.map(c => c.name)};
"#;

/// The WebDriver wire form of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    pub(super) async fn new(
        client: fantoccini::Client,
        base: String,
        driver_url: String,
        viewport: Viewport,
        profile: TempDir,
    ) -> Browser {
        let session = client.session_id().await.ok().flatten();
        let mut browser = Browser {
            client,
            base,
            viewport,
            frame: (0, 0),
            driver_url,
            session,
            _profile: profile,
        };
        browser.measure_frame().await;
        browser.set_viewport(viewport).await;
        browser
    }

    /// Finds the size of the window's frame, so the viewport is the size asked.
    async fn measure_frame(&mut self) {
        let (width, height) = self.viewport.size();
        self.resize(width, height).await;
        let inner = self
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .expect("the window's inner size");
        let inner = |i: usize| inner[i].as_u64().map_or(0, |v| v as u32);
        self.frame = (
            width.saturating_sub(inner(0)),
            height.saturating_sub(inner(1)),
        );
    }

    /// Makes the page's viewport `width` × `height` CSS pixels.
    async fn resize(&self, width: u32, height: u32) {
        let (w, h) = (width + self.frame.0, height + self.frame.1);
        self.client
            .set_window_size(w, h)
            .await
            .unwrap_or_else(|e| panic!("cannot resize the window to {w}×{h}: {e}"));
    }

    // --- Navigation and reading the page ---

    /// Opens a path on the server (`/portal/`) or an absolute URL (a link
    /// from an email), and waits for the document to load.
    pub async fn goto(&self, path_or_url: &str) {
        let url = if path_or_url.starts_with('/') {
            format!("{}{path_or_url}", self.base)
        } else {
            path_or_url.to_owned()
        };
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The page's URL.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(unknown URL: {e})"))
    }

    /// The page's path and query (`/portal/quotes?x=1`).
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            },
            Err(e) => format!("(unknown URL: {e})"),
        }
    }

    /// The page's `<title>`.
    pub async fn title(&self) -> String {
        self.client.title().await.unwrap_or_default()
    }

    /// The text a person sees on the page (`document.body.innerText`).
    pub async fn visible_text(&self) -> String {
        self.client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Runs a script in the page (`arguments[i]` are `args`; elements may
    /// be passed with `json!(element)`), failing the test on a script error.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(value) => value,
            Err(e) => panic!("script failed on {}: {e}\n{script}", self.url().await),
        }
    }

    // --- Waiting ---

    /// Polls `probe` until it gives a value, for up to [`WAIT`]; fails the
    /// test saying what was awaited, with the page's URL and visible text.
    pub async fn wait_for<T>(&self, what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            if started.elapsed() > WAIT {
                panic!("{}", self.failure(what, "").await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `text` is part of the page's visible text.
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_for(&format!("the text {text:?}"), async || {
            self.visible_text().await.contains(text).then_some(())
        })
        .await
    }

    /// Waits until the page's path (with its query) is `path`.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_for(&format!("the page {path}"), async || {
            (self.path().await == path).then_some(())
        })
        .await
    }

    /// Waits until the page has loaded and rendered: the document complete,
    /// nothing marked `aria-busy="true"`, fonts loaded, two frames drawn.
    pub async fn settle(&self) {
        self.wait_for("the page to finish loading", async || {
            let ready = self
                .client
                .execute(
                    "return document.readyState === 'complete' \
                     && !document.querySelector('[aria-busy=\"true\"]') \
                     && document.fonts.status === 'loaded';",
                    vec![],
                )
                .await;
            matches!(ready, Ok(Value::Bool(true))).then_some(())
        })
        .await;
        self.two_frames().await;
    }

    /// Waits for the browser to draw twice, so a layout just changed is on
    /// the screen.
    async fn two_frames(&self) {
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
    }

    /// Asserts that the page is no wider than the window, so it does not
    /// scroll sideways; `what` names the page and the window.
    pub async fn assert_no_sideways_scroll(&self, what: &str) {
        let widths = self
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await;
        assert!(
            widths[0].as_u64() <= widths[1].as_u64(),
            "{what} scrolls sideways: the page is {} px wide in a {} px window",
            widths[0],
            widths[1]
        );
    }

    // --- Finding elements as a person does ---

    /// The element of `role` named `name`, waiting for it (see [`Role`] for
    /// how names are found; an exact name wins, else the only one that
    /// contains `name`).
    pub async fn find(&self, role: Role, name: &str) -> Element {
        self.find_within(None, role, name).await
    }

    /// [`Browser::find`] inside `scope` (a form, a dialog, a list item).
    pub async fn find_in(&self, scope: &Element, role: Role, name: &str) -> Element {
        self.find_within(Some(scope), role, name).await
    }

    /// The element of `role` named `name` if the page shows one now.
    pub async fn try_find(&self, role: Role, name: &str) -> Option<Element> {
        self.look_up(None, role, name).await.ok()
    }

    async fn find_within(&self, scope: Option<&Element>, role: Role, name: &str) -> Element {
        let started = Instant::now();
        loop {
            let seen = match self.look_up(scope, role, name).await {
                Ok(element) => return element,
                Err(seen) => seen,
            };
            if started.elapsed() > WAIT {
                let what = format!("a {} named {name:?}", role.key());
                panic!("{}", self.failure(&what, &seen).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element, or a description of what was there instead.
    async fn look_up(
        &self,
        scope: Option<&Element>,
        role: Role,
        name: &str,
    ) -> Result<Element, String> {
        let scope = scope.map_or(Value::Null, |s| json!(s));
        let answer = self
            .client
            .execute(FIND, vec![json!(role.key()), json!(name), scope])
            .await
            .map_err(|e| format!("the look-up failed: {e}"))?;
        if let Some(id) = answer["found"][ELEMENT_KEY].as_str() {
            return Ok(Element::from_element_id(
                self.client.clone(),
                id.to_owned().into(),
            ));
        }
        let names: Vec<String> = answer["names"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| format!("{:?}", n.as_str().unwrap_or_default()))
            .collect();
        let matches = answer["matches"].as_u64().unwrap_or(0);
        Err(format!(
            "{}the visible {}s are named: {}",
            if matches > 1 {
                format!("{matches} match, so the name is ambiguous; ")
            } else {
                String::new()
            },
            role.key(),
            if names.is_empty() {
                "(there are none)".to_owned()
            } else {
                names.join(", ")
            }
        ))
    }

    /// The form control labelled `label`.
    pub async fn field(&self, label: &str) -> Element {
        self.find(Role::Field, label).await
    }

    /// The button whose text (or accessible name) is `text`.
    pub async fn button(&self, text: &str) -> Element {
        self.find(Role::Button, text).await
    }

    /// The link whose text (or accessible name) is `text`.
    pub async fn link(&self, text: &str) -> Element {
        self.find(Role::Link, text).await
    }

    /// Waits for the heading `text` and gives it.
    pub async fn heading(&self, text: &str) -> Element {
        self.find(Role::Heading, text).await
    }

    /// Waits for the heading `text`.
    pub async fn wait_for_heading(&self, text: &str) {
        self.heading(text).await;
    }

    /// The canvas named `label`.
    pub async fn canvas(&self, label: &str) -> Element {
        self.find(Role::Canvas, label).await
    }

    // --- Acting on the page ---

    /// Types `value` into the field labelled `label`, replacing what was
    /// there; a `<select>` gets the option whose text is `value`.
    pub async fn fill(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        let fail = async |e: CmdError| panic!("cannot fill {label:?} on {}: {e}", self.url().await);
        if field.tag_name().await.is_ok_and(|t| t == "select") {
            if let Err(e) = field.select_by_label(value).await {
                fail(e).await
            }
            return;
        }
        if let Err(e) = field.clear().await {
            fail(e).await
        }
        if let Err(e) = field.send_keys(value).await {
            fail(e).await
        }
    }

    /// Sets the value of the field labelled `label` by script, firing
    /// `input` and `change`: for controls that typing does not suit (dates,
    /// times, ranges).
    pub async fn set_value(&self, label: &str, value: &str) {
        let field = self.field(label).await;
        self.execute(
            "const [el, value] = arguments; el.focus(); el.value = value; \
             el.dispatchEvent(new Event('input', {bubbles: true})); \
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(field), json!(value)],
        )
        .await;
    }

    /// Clicks the button `text` once it is there and enabled.
    pub async fn click_button(&self, text: &str) {
        self.click(Role::Button, text).await
    }

    /// Clicks the link `text`.
    pub async fn click_link(&self, text: &str) {
        self.click(Role::Link, text).await
    }

    /// Clicks the element of `role` named `name`, retrying while it is
    /// disabled or covered (an animation, a notice) for up to [`WAIT`].
    pub async fn click(&self, role: Role, name: &str) {
        let what = format!("the {} {name:?} to be clickable", role.key());
        self.wait_for(&what, async || {
            let element = self.look_up(None, role, name).await.ok()?;
            if !element.is_enabled().await.ok()? {
                return None;
            }
            element.click().await.ok()
        })
        .await
    }

    // --- Screenshots ---

    /// The current window size.
    pub fn viewport(&self) -> Viewport {
        self.viewport
    }

    /// Resizes the window (the page's viewport) to `viewport`.
    pub async fn set_viewport(&mut self, viewport: Viewport) {
        let (width, height) = viewport.size();
        self.resize(width, height).await;
        self.viewport = viewport;
    }

    /// A screenshot of the whole page (not only the visible part) at the
    /// current viewport width, to `target/e2e-screenshots/<name>-<phone|desktop>.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "screenshot names are letters, digits, - and _: {name:?}"
        );
        self.settle().await;
        let path = screenshot_dir().join(format!("{name}-{}.png", self.viewport.name()));
        self.save_screenshot(&path).await;
        path
    }

    /// Screenshots at both widths (phone, then desktop), coming back to the
    /// current one.
    pub async fn screenshots(&mut self, name: &str) -> Vec<PathBuf> {
        let current = self.viewport;
        let mut paths = Vec::new();
        for viewport in Viewport::ALL {
            self.set_viewport(viewport).await;
            paths.push(self.screenshot(name).await);
        }
        self.set_viewport(current).await;
        paths
    }

    async fn save_screenshot(&self, path: &PathBuf) {
        let (width, height) = self.viewport.size();
        // Stretch the window to the page's height for the picture.
        let full = self
            .client
            .execute(
                "return Math.max(document.documentElement.scrollHeight, \
                 document.body ? document.body.scrollHeight : 0);",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .map_or(height, |h| (h.ceil() as u32).clamp(height, 10_000));
        if full > height {
            self.resize(width, full).await;
            self.two_frames().await;
        }
        let png = self.client.screenshot().await;
        if full > height {
            self.resize(width, height).await;
        }
        let png = png.unwrap_or_else(|e| panic!("cannot take a screenshot: {e}"));
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("screenshot folder");
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    // --- Accessibility ---

    /// Runs axe-core on the page as it is now (after [`Browser::settle`]);
    /// fails listing every violation of serious or critical impact. `name`
    /// says which page this is in the failure message.
    pub async fn check_accessibility(&self, name: &str) {
        self.settle().await;
        let violations = axe::run(&self.client).await;
        let (failing, other): (Vec<_>, Vec<_>) = violations
            .into_iter()
            .partition(|v| matches!(v.impact.as_str(), "serious" | "critical"));
        for v in &other {
            eprintln!(
                "axe ({name}, {}): {} violation {}: {}",
                self.viewport.name(),
                v.impact,
                v.id,
                v.help
            );
        }
        if !failing.is_empty() {
            let list: Vec<String> = failing.iter().map(ToString::to_string).collect();
            let what = format!(
                "no serious or critical accessibility violations on {name} ({} found)",
                failing.len()
            );
            panic!("{}", self.failure(&what, &list.join("\n")).await);
        }
    }

    // --- Drawing ---

    /// Draws `strokes` on `canvas` with real pointer events (down, moves,
    /// up) from a device of `kind`. Points are fractions of the canvas's
    /// width and height from its top-left corner: `(0.5, 0.5)` is its centre.
    pub async fn draw(&self, canvas: &Element, strokes: &[&[(f64, f64)]], kind: PointerKind) {
        let (_, _, width, height) = canvas
            .rectangle()
            .await
            .unwrap_or_else(|e| panic!("cannot measure the canvas: {e}"));
        let at = |(fx, fy): (f64, f64), duration: u64| PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: Some(Duration::from_millis(duration)),
            // The origin of an element is its centre.
            x: ((fx - 0.5) * width).round(),
            y: ((fy - 0.5) * height).round(),
        };
        let mut actions = Vec::new();
        for stroke in strokes {
            let Some((first, rest)) = stroke.split_first() else {
                continue;
            };
            actions.push(at(*first, 0));
            actions.push(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
            for point in rest {
                actions.push(at(*point, 20));
            }
            actions.push(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        }
        let sequence: ActionSequence = match kind {
            PointerKind::Mouse => fold(MouseActions::new("mouse".into()), actions).into(),
            PointerKind::Pen => fold(PenActions::new("pen".into()), actions).into(),
            PointerKind::Touch => fold(TouchActions::new("finger".into()), actions).into(),
        };
        self.client
            .perform_actions(sequence)
            .await
            .unwrap_or_else(|e| panic!("cannot draw on the canvas: {e}"));
        let _ = self.client.release_actions().await;
    }

    /// Draws a signature-like scribble (two strokes) on the canvas labelled
    /// `label` with a mouse.
    pub async fn sign(&self, label: &str) {
        let canvas = self.canvas(label).await;
        let scribble: &[(f64, f64)] = &[
            (0.10, 0.60),
            (0.18, 0.30),
            (0.26, 0.70),
            (0.34, 0.35),
            (0.42, 0.65),
            (0.50, 0.40),
            (0.58, 0.60),
            (0.70, 0.45),
        ];
        let underline: &[(f64, f64)] = &[(0.15, 0.80), (0.50, 0.78), (0.85, 0.80)];
        self.draw(&canvas, &[scribble, underline], PointerKind::Mouse)
            .await;
    }

    // --- Ending ---

    /// Ends the session (Chromium quits).
    pub async fn close(mut self) {
        if self.session.take().is_some() {
            let _ = self.client.clone().close().await;
        }
    }

    /// The failure message of a wait for `what` that ran out: the page's
    /// URL, what it shows, and a screenshot of it.
    async fn failure(&self, what: &str, detail: &str) -> String {
        let url = self.url().await;
        let text = self.visible_text().await;
        let text = if text.chars().count() > 4000 {
            let cut: String = text.chars().take(4000).collect();
            format!("{cut}\n[…]")
        } else {
            text
        };
        let slug: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(60)
            .collect();
        let shot = screenshot_dir()
            .join("failures")
            .join(format!("{slug}-{}.png", self.viewport.name()));
        self.save_screenshot(&shot).await;
        format!(
            "waited {WAIT:?} for {what}, in vain{}\n  at {url} ({} viewport)\n  screenshot: {}\n\
             --- the page's visible text ---\n{text}\n---",
            if detail.is_empty() {
                String::new()
            } else {
                format!(":\n{detail}")
            },
            self.viewport.name(),
            shot.display()
        )
    }
}

fn fold<S: InputSource<Action = PointerAction>>(source: S, actions: Vec<PointerAction>) -> S {
    actions.into_iter().fold(source, |s, a| s.then(a))
}

/// `{target}/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("e2e-screenshots")
}

impl Drop for Browser {
    /// Ends the session unless [`Browser::close`] did: a blocking
    /// `DELETE /session/{id}`, since the runtime may be gone (fantoccini's
    /// own clean-up runs on it) and chromedriver, when killed, leaves its
    /// Chromium running.
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        let Some(address) = self.driver_url.strip_prefix("http://") else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect(address) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let request = format!(
            "DELETE /session/{session} HTTP/1.1\r\nHost: {address}\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n"
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}
