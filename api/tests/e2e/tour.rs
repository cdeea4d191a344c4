//! The page tour: one business seeded through the JSON API (a client with
//! every section, another with some off, quotes in each state, a part-paid
//! invoice, files, messages, a meeting, a customised invite and an accent
//! colour), then every page of the staff app and of the client portal at
//! phone and desktop width. Each page shows its heading, passes axe-core,
//! does not scroll sideways, logs no errors to the console (a 4xx resource
//! load aside) and is photographed as `tour-<app>-<page>`.
//!
//! Beside the tour: a client named like markup is shown as text, a refused
//! save is a sentence beside its button, a meeting slot taken meanwhile is
//! explained above the fresh free times, an ended session goes to the login
//! page with a notice, and the client record works from the keyboard.

use crate::harness::{Browser, Driver, Server, Viewport};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

const PASSWORD: &str = "correct horse battery";
const OWNER: &str = "sam@sparks.example";
const JO: &str = "jo@home.example";
const PAT: &str = "pat@flat.example";
const MARKUP: &str = "<img src=x onerror=alert(1)>";

// --- The JSON API, behind the browser's back ---

/// Requests to the server's API that read their own writes (each command's
/// `position` goes back as `X-Min-Position` on later reads).
struct Api<'a> {
    server: &'a Server,
    http: reqwest::Client,
    position: AtomicU64,
}

impl<'a> Api<'a> {
    fn new(server: &'a Server) -> Self {
        Api {
            server,
            http: reqwest::Client::new(),
            position: AtomicU64::new(0),
        }
    }

    async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
        let token = (!token.is_empty()).then_some(token);
        let response = self
            .server
            .request(&self.http, &method, path, token, body.as_ref())
            .header("X-Min-Position", self.position.load(Ordering::SeqCst))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        self.answer(&format!("{method} {path}"), response).await
    }

    async fn answer(&self, what: &str, response: reqwest::Response) -> Value {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{what}: {status} {body}");
        if let Some(p) = body["position"].as_u64() {
            self.position.fetch_max(p, Ordering::SeqCst);
        }
        body
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        self.call(Method::GET, path, token, None).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.call(Method::POST, path, token, Some(body)).await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> Value {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    async fn upload(&self, path: &str, token: &str, name: &str, bytes: Vec<u8>) -> Value {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let response = self
            .http
            .post(self.server.url(path))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload to {path}: {e}"));
        self.answer(&format!("upload {name} to {path}"), response)
            .await
    }

    /// Signs up Sparks & Sons; the owner's token.
    async fn sign_up(&self) -> String {
        self.post(
            "/api/v1/teams",
            "",
            json!({"business_name": "Sparks & Sons", "owner_name": "Sam Sparks",
                   "owner_email": OWNER, "owner_password": PASSWORD,
                   "time_zone": "Europe/London"}),
        )
        .await;
        let login = json!({"email": OWNER, "password": PASSWORD});
        self.session("/api/v1/auth/staff/login", login).await
    }

    /// The session token a login (or a link's new password) answers with.
    async fn session(&self, path: &str, body: Value) -> String {
        text(&self.post(path, "", body).await["token"])
    }

    async fn add_client(&self, staff: &str, name: &str, emails: &[&str]) -> String {
        let created = self
            .post(
                "/api/v1/clients",
                staff,
                json!({"name": name, "emails": emails}),
            )
            .await;
        text(&created["client_id"])
    }

    /// Invites the client with `sections` and sets their password from the
    /// invite email's link; the client's token.
    async fn invite_and_set_password(
        &self,
        staff: &str,
        client: &str,
        email: &str,
        sections: Value,
    ) -> String {
        self.post(
            &format!("/api/v1/clients/{client}/portal/invite"),
            staff,
            json!({"email": email, "sections": sections}),
        )
        .await;
        let link = self
            .server
            .newest_email_to(email)
            .await
            .link("/portal/set-password");
        let token = link.split("token=").nth(1).expect("a token in the link");
        let set = json!({"token": token, "password": PASSWORD});
        self.session("/api/v1/auth/portal/set-password", set).await
    }

    async fn quote(&self, staff: &str, client: &str, title: &str, send: bool) -> String {
        let created = self
            .post(
                &format!("/api/v1/clients/{client}/quotes"),
                staff,
                json!({"title": title, "currency": "GBP", "expires_on": "2027-01-31", "lines": [
                    {"description": "Combination boiler, fitted", "quantity": "1",
                     "unit_price": "1850.00", "tax_rate": "20", "optional": false, "selected": true},
                    {"description": "Labour (hours)", "quantity": "6.5",
                     "unit_price": "45.00", "tax_rate": "20", "optional": false, "selected": true},
                    {"description": "Magnetic system filter", "quantity": "1",
                     "unit_price": "95.50", "tax_rate": "20", "optional": true, "selected": false},
                    {"description": "Smart thermostat", "quantity": "1",
                     "unit_price": "189.99", "tax_rate": "20", "optional": true, "selected": true}]}),
            )
            .await;
        let quote = text(&created["quote_id"]);
        if send {
            self.post(&format!("/api/v1/quotes/{quote}/send"), staff, json!({}))
                .await;
        }
        quote
    }

    /// The client accepts the quote with a drawn signature.
    async fn accept(&self, portal: &str, quote: &str) {
        let shown = self
            .get(&format!("/api/v1/portal/quotes/{quote}"), portal)
            .await;
        self.post(
            &format!("/api/v1/portal/quotes/{quote}/accept"),
            portal,
            json!({"name": "Jo Bloggs", "signature": signature(), "revision": shown["revision"]}),
        )
        .await;
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"))
        .to_owned()
}

fn signature() -> String {
    use base64::Engine;
    let png = cma_domain::quote::signature::tiny_png(40, 20);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn sections(off: &[&str]) -> Value {
    let all = ["quotes", "invoices", "files", "meetings", "messages"];
    Value::Object(
        all.iter()
            .map(|s| ((*s).to_owned(), json!(!off.contains(s))))
            .collect(),
    )
}

/// What the tour visits.
struct Business {
    jo: String,
    draft: String,
    sent: String,
    accepted: String,
    invoice: String,
}

/// Sparks & Sons with everything each page can show.
async fn seed(api: &Api<'_>) -> Business {
    let staff = api.sign_up().await;
    api.put(
        "/api/v1/team/settings",
        &staff,
        json!({
            "invite_email": {
                "subject": "Your {{business_name}} portal is ready",
                "body": "Hello {{client_name}},\n\nYour quotes, invoices and files are waiting at {{portal_link}}\n\n{{staff_name}}, {{business_name}}"
            },
            "branding": {"accent_colour": "#0a7d5a", "tagline": "Warm homes since 1998"}
        }),
    )
    .await;

    let jo = api
        .add_client(&staff, "Jo Bloggs", &[JO, "jo@work.example"])
        .await;
    let portal = api
        .invite_and_set_password(&staff, &jo, JO, sections(&[]))
        .await;
    let pat = api.add_client(&staff, "Pat Partial", &[PAT]).await;
    api.invite_and_set_password(&staff, &pat, PAT, sections(&["invoices", "meetings"]))
        .await;

    let draft = api.quote(&staff, &jo, "Loft insulation", false).await;
    let sent = api.quote(&staff, &jo, "New boiler", true).await;
    let accepted = api.quote(&staff, &jo, "Radiator upgrade", true).await;
    api.accept(&portal, &accepted).await;
    let lines = api
        .get(&format!("/api/v1/portal/quotes/{sent}"), &portal)
        .await;
    let boiler = text(&lines["lines"][0]["line_id"]);
    let comments = format!("/quotes/{sent}/lines/{boiler}/comments");
    let asked = json!({"text": "Which brand is the boiler?"});
    api.post(&format!("/api/v1/portal{comments}"), &portal, asked)
        .await;
    let answered = json!({"text": "A Worcester Bosch, with a ten-year guarantee."});
    api.post(&format!("/api/v1{comments}"), &staff, answered)
        .await;

    let invoice = api
        .post(
            &format!("/api/v1/clients/{jo}/invoices"),
            &staff,
            json!({"number": "INV-0042", "currency": "GBP", "due_on": "2026-12-21", "lines": [
                {"description": "Boiler service", "quantity": "1", "unit_price": "95.00", "tax_rate": "20"},
                {"description": "Replacement valve", "quantity": "2", "unit_price": "12.50", "tax_rate": "20"}]}),
        )
        .await;
    let invoice = text(&invoice["invoice_id"]);
    api.post(
        &format!("/api/v1/invoices/{invoice}/payments"),
        &staff,
        json!({"amount": "50.00", "paid_on": "2026-12-07"}),
    )
    .await;

    api.upload(
        &format!("/api/v1/clients/{jo}/files"),
        &staff,
        "boiler cupboard.png",
        cma_domain::quote::signature::tiny_png(120, 80),
    )
    .await;
    api.upload(
        "/api/v1/portal/files",
        &portal,
        "kitchen plan.pdf",
        b"%PDF-1.7\n%%EOF\n".to_vec(),
    )
    .await;

    let news = json!({"text": "Hello Jo, the boiler arrives on Thursday."});
    api.post(&format!("/api/v1/clients/{jo}/messages"), &staff, news)
        .await;
    let reply = json!({"text": "Thanks! Could you come in the morning?"});
    api.post("/api/v1/portal/messages", &portal, reply).await;

    let slots = api.get("/api/v1/portal/meetings/slots", &portal).await;
    let first = slots["slots"][0]["starts_at"].clone();
    assert!(first.is_string(), "no free slot to book: {slots}");
    api.post(
        "/api/v1/portal/meetings",
        &portal,
        json!({"starts_at": first}),
    )
    .await;

    Business {
        jo,
        draft,
        sent,
        accepted,
        invoice,
    }
}

// --- The tourist: one browser and its console ---

/// A browser that checks each page it is shown.
struct Tourist {
    browser: Browser,
    /// chromedriver's `…/session/{id}/se/log`: the console's entries since
    /// the last read.
    log_url: String,
}

impl Tourist {
    async fn new(driver: &Driver, server: &Server) -> Tourist {
        let browser = driver.browser(server, Viewport::Desktop).await;
        let session = browser
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        Tourist {
            browser,
            log_url: format!("{}/session/{session}/se/log", driver.url),
        }
    }

    /// The console's messages since the last call, as `LEVEL message`.
    async fn console(&self) -> Vec<(String, String)> {
        let answer: Value = reqwest::Client::new()
            .post(&self.log_url)
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("chromedriver's log as JSON");
        answer["value"]
            .as_array()
            .unwrap_or_else(|| panic!("chromedriver gave no browser log: {answer}"))
            .iter()
            .map(|e| (text(&e["level"]), text(&e["message"])))
            .collect()
    }

    /// Opens `path`, waits for its one `<h1>` to read `heading`, and checks
    /// the page at both widths; photographs it as `tour-<name>`.
    async fn visit(&mut self, path: &str, heading: &str, name: &str) -> Vec<String> {
        self.browser.goto(path).await;
        self.check(heading, name).await
    }

    /// Checks the page now shown (see [`Tourist::visit`]); the refused
    /// resource loads it logged.
    async fn check(&mut self, heading: &str, name: &str) -> Vec<String> {
        let browser = &self.browser;
        browser
            .wait_for(&format!("the one h1 {heading:?}"), async || {
                let h1s = browser
                    .execute(
                        "return [...document.querySelectorAll('h1')].map(h => h.innerText.trim());",
                        vec![],
                    )
                    .await;
                (h1s == json!([heading])).then_some(())
            })
            .await;
        let page = format!("{name} ({})", browser.path().await);
        for viewport in Viewport::ALL {
            self.browser.set_viewport(viewport).await;
            self.browser.check_accessibility(&page).await;
            let window = format!("{page} at {} width", viewport.name());
            self.browser.assert_no_sideways_scroll(&window).await;
        }
        self.browser.screenshots(&format!("tour-{name}")).await;
        let (refused, errors): (Vec<String>, Vec<String>) = self
            .console()
            .await
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .map(|(_, message)| message)
            .partition(|message| expected_failure(message));
        assert!(
            errors.is_empty(),
            "{page} logged errors to the console:\n{}",
            errors.join("\n")
        );
        refused
    }

    async fn staff_login(&self) {
        let b = &self.browser;
        b.fill("Email", OWNER).await;
        b.fill("Password", PASSWORD).await;
        b.click_button("Log in").await;
    }

    async fn portal_login(&self, email: &str) {
        let b = &self.browser;
        b.goto("/portal/login").await;
        b.fill("Email", email).await;
        b.fill("Password", PASSWORD).await;
        b.click_button("Log in").await;
    }
}

/// A request the page expects to be refused (a 401 before login, a 403 for
/// a section that is off, the not-found page's own 404): Chromium logs each
/// as "Failed to load resource: … status of 4xx".
fn expected_failure(message: &str) -> bool {
    message.contains("Failed to load resource: the server responded with a status of 4")
}

// --- The tour ---

/// Sparks & Sons seeded on `server`, and a tourist through `driver`.
async fn seeded_tour(server: &Server, driver: &Driver) -> (Business, Tourist) {
    let business = seed(&Api::new(server)).await;
    (business, Tourist::new(driver, server).await)
}

#[tokio::test]
async fn every_staff_page_at_both_widths() {
    let (server, driver) = (Server::start().await, Driver::start().await);
    let (b, mut t) = seeded_tour(&server, &driver).await;

    t.visit("/signup", "Sign up your business", "staff-signup")
        .await;
    t.visit("/login", "Log in", "staff-login").await;
    t.staff_login().await;
    t.check("Clients", "staff-clients").await;
    t.browser.wait_for_text("Pat Partial").await;

    let jo = &b.jo;
    #[rustfmt::skip]
    let pages = [
        (format!("/clients/{jo}"), "Jo Bloggs", "staff-client"),
        (format!("/clients/{jo}/files"), "Files for Jo Bloggs", "staff-client-files"),
        (format!("/clients/{jo}/quotes/new"), "New quote", "staff-quote-new"),
        (format!("/quotes/{}", b.draft), "Loft insulation", "staff-quote-draft"),
        (format!("/quotes/{}", b.sent), "New boiler", "staff-quote-sent"),
        (format!("/quotes/{}", b.accepted), "Radiator upgrade", "staff-quote-accepted"),
        (format!("/quotes/{}/edit", b.draft), "Edit quote", "staff-quote-edit"),
        (format!("/clients/{jo}/invoices/new"), "New invoice", "staff-invoice-new"),
        (format!("/invoices/{}", b.invoice), "Invoice INV-0042", "staff-invoice"),
        ("/inbox".to_owned(), "Messages", "staff-inbox"),
        (format!("/inbox/{jo}"), "Messages with Jo Bloggs", "staff-thread"),
        ("/diary?week=2026-12-07".to_owned(), "Diary", "staff-diary"),
        ("/settings".to_owned(), "Settings", "staff-settings"),
        ("/emails".to_owned(), "Emails", "staff-emails"),
        ("/no-such-page".to_owned(), "Page not found", "staff-not-found"),
    ];
    for (path, heading, name) in &pages {
        t.visit(path, heading, name).await;
    }
    t.browser.close().await;
}

#[tokio::test]
async fn every_portal_page_at_both_widths() {
    let (server, driver) = (Server::start().await, Driver::start().await);
    let (b, mut t) = seeded_tour(&server, &driver).await;

    for (path, heading, name) in [
        ("/portal/login", "Log in to your portal", "portal-login"),
        ("/portal/forgot", "Reset your password", "portal-forgot"),
        (
            "/portal/set-password?token=bad",
            "Set your password",
            "portal-set-password",
        ),
        (
            "/portal/reset?token=bad",
            "Choose a new password",
            "portal-reset",
        ),
    ] {
        t.visit(path, heading, name).await;
    }

    t.portal_login(JO).await;
    t.check("Welcome, Jo Bloggs", "portal-home").await;
    #[rustfmt::skip]
    let pages = [
        ("/portal/quotes".to_owned(), "Quotes", "portal-quotes"),
        (format!("/portal/quotes/{}", b.sent), "New boiler", "portal-quote-sent"),
        (format!("/portal/quotes/{}", b.accepted), "Radiator upgrade", "portal-quote-accepted"),
        ("/portal/invoices".to_owned(), "Invoices", "portal-invoices"),
        (format!("/portal/invoices/{}", b.invoice), "Invoice INV-0042", "portal-invoice"),
        ("/portal/files".to_owned(), "Project Files & Inspiration", "portal-files"),
        ("/portal/messages".to_owned(), "Messages", "portal-messages"),
        ("/portal/meetings".to_owned(), "Book a meeting", "portal-meetings"),
        ("/portal/no/such/page".to_owned(), "Page not found", "portal-not-found"),
    ];
    for (path, heading, name) in &pages {
        t.visit(path, heading, name).await;
    }

    // A client whose Invoices are off.
    t.browser.click_button("Log out").await;
    t.browser.wait_for_path("/portal/login").await;
    t.portal_login(PAT).await;
    t.check("Welcome, Pat Partial", "portal-home-partial").await;
    assert!(
        t.browser
            .try_find(crate::harness::Role::Link, "Invoices")
            .await
            .is_none(),
        "the menu offers Invoices to a client who has them off"
    );
    t.visit("/portal/invoices", "Not available", "portal-not-available")
        .await;
    t.browser.close().await;
}

// --- Beside the tour ---

/// Sparks & Sons with one client who has set a password; the staff token,
/// the client's id and the client's token.
async fn one_client(api: &Api<'_>, name: &str, email: &str) -> (String, String, String) {
    let staff = api.sign_up().await;
    let client = api.add_client(&staff, name, &[email]).await;
    let portal = api
        .invite_and_set_password(&staff, &client, email, sections(&[]))
        .await;
    (staff, client, portal)
}

/// Whether the page has an `<img>` whose `src` is `x`, as the markup in the
/// name would have made.
async fn has_injected_image(browser: &Browser) -> bool {
    browser
        .execute(
            "return [...document.images].some(i => i.getAttribute('src') === 'x');",
            vec![],
        )
        .await
        == json!(true)
}

async fn assert_shown_as_text(t: &Tourist, page: &str) {
    t.browser.wait_for_text(MARKUP).await;
    assert!(
        !has_injected_image(&t.browser).await,
        "the name became an <img> on {page}"
    );
    assert!(
        t.browser.client.get_alert_text().await.is_err(),
        "an alert is open on {page}"
    );
}

#[tokio::test]
async fn a_client_named_like_markup_is_shown_as_text() {
    let server = Server::start().await;
    let api = Api::new(&server);
    let (_, client, _) = one_client(&api, MARKUP, "mark@up.example").await;
    let driver = Driver::start().await;

    let mut staff = Tourist::new(&driver, &server).await;
    staff.browser.goto("/login").await;
    staff.staff_login().await;
    staff.check("Clients", "markup-staff-clients").await;
    assert_shown_as_text(&staff, "the clients list").await;
    staff
        .visit(&format!("/clients/{client}"), MARKUP, "markup-staff-client")
        .await;
    assert_shown_as_text(&staff, "the client record").await;
    staff.browser.close().await;

    let mut portal = Tourist::new(&driver, &server).await;
    portal.portal_login("mark@up.example").await;
    portal
        .check(&format!("Welcome, {MARKUP}"), "markup-portal-home")
        .await;
    assert_shown_as_text(&portal, "the portal's home").await;
    portal.browser.close().await;
}

/// The error shown beside the submit button of the form the button `button`
/// is in, once there is one.
async fn error_beside(browser: &Browser, button: &str) -> String {
    let button = browser.button(button).await;
    browser
        .wait_for("an error beside the button", async || {
            let text = browser
                .execute(
                    "const e = arguments[0].closest('.actions').nextElementSibling; \
                     return e && e.matches('[role=alert]') && !e.hidden ? e.innerText.trim() : '';",
                    vec![json!(button)],
                )
                .await;
            text.as_str().filter(|t| !t.is_empty()).map(str::to_owned)
        })
        .await
}

#[tokio::test]
async fn a_refused_save_is_a_sentence_beside_its_button() {
    let server = Server::start().await;
    let api = Api::new(&server);
    let (staff, client, portal) = one_client(&api, "Jo Bloggs", JO).await;
    let quote = api.quote(&staff, &client, "New boiler", true).await;
    let driver = Driver::start().await;
    let mut t = Tourist::new(&driver, &server).await;
    let b = &t.browser;
    b.goto(&format!("/login?next=/quotes/{quote}/edit")).await;
    t.staff_login().await;
    b.wait_for_heading("Edit quote").await;
    b.fill("Title", "New boiler, revised").await;

    // The client accepts while staff are editing: the save is refused (409).
    api.accept(&portal, &quote).await;
    b.click_button("Save").await;
    let error = error_beside(b, "Save").await;
    assert!(
        error.starts_with(char::is_uppercase) && error.ends_with('.'),
        "the refusal is not a sentence: {error:?}"
    );
    for raw in ["409", "{", "problem", "http", "conflict"] {
        assert!(
            !error.to_lowercase().contains(raw),
            "the refusal shows {raw:?}: {error:?}"
        );
    }
    assert_eq!(b.path().await, format!("/quotes/{quote}/edit"));
    let title = b.field("Title").await.prop("value").await.expect("value");
    assert_eq!(
        title.as_deref(),
        Some("New boiler, revised"),
        "what was typed stays"
    );
    t.browser.screenshots("tour-staff-quote-edit-refused").await;
    t.browser
        .check_accessibility("the refused quote edit")
        .await;
}

#[tokio::test]
async fn an_ended_portal_session_goes_to_login_with_a_notice() {
    let server = Server::start().await;
    let api = Api::new(&server);
    let (staff, client, _) = one_client(&api, "Jo Bloggs", JO).await;
    let driver = Driver::start().await;
    let mut t = Tourist::new(&driver, &server).await;
    t.portal_login(JO).await;
    t.browser.wait_for_heading("Welcome, Jo Bloggs").await;

    // Suspending and re-enabling the portal revokes the client's sessions.
    let access = format!("/api/v1/clients/{client}/portal/access");
    api.put(&access, &staff, json!({"enabled": false})).await;
    api.put(&access, &staff, json!({"enabled": true})).await;

    t.browser.click_link("Quotes").await;
    t.browser
        .wait_for_text("Your session has ended. Please log in again.")
        .await;
    t.check("Log in to your portal", "portal-login-ended").await;
    t.browser.fill("Email", JO).await;
    t.browser.fill("Password", PASSWORD).await;
    t.browser.click_button("Log in").await;
    t.browser.wait_for_path("/portal/quotes").await;
    t.browser.wait_for_heading("Quotes").await;
}

/// Presses `key` on the keyboard (a real key event through WebDriver).
async fn press(browser: &Browser, key: Key) {
    let key: char = key.into();
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser
        .client
        .perform_actions(actions)
        .await
        .expect("key presses");
}

/// What has the focus: its label or text, whether it is a switch and
/// checked, and whether its focus outline shows.
async fn focused(browser: &Browser) -> Value {
    browser
        .execute(
            "const e = document.activeElement; \
             const name = (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || '').trim(); \
             const style = getComputedStyle(e); \
             return {name, switch: e.getAttribute('role') === 'switch', checked: !!e.checked, \
                     outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0};",
            vec![],
        )
        .await
}

/// Tabs forward until `name` has the focus; the names passed on the way.
async fn tab_to(browser: &Browser, name: &str) -> (Value, Vec<String>) {
    let mut passed = Vec::new();
    for _ in 0..40 {
        press(browser, Key::Tab).await;
        let now = focused(browser).await;
        if now["name"] == name {
            return (now, passed);
        }
        passed.push(text(&now["name"]));
    }
    panic!("Tab never reached {name:?}; it went through {passed:?}");
}

#[tokio::test]
async fn the_client_record_works_from_the_keyboard() {
    let server = Server::start().await;
    let api = Api::new(&server);
    let staff = api.sign_up().await;
    let client = api.add_client(&staff, "Jo Bloggs", &[JO]).await;
    let driver = Driver::start().await;
    let t = Tourist::new(&driver, &server).await;
    let b = &t.browser;
    b.goto(&format!("/login?next=/clients/{client}")).await;
    t.staff_login().await;
    b.wait_for_heading("Portal access").await;
    b.settle().await;
    b.execute("document.querySelector('h1').focus();", vec![])
        .await;

    let (quotes, _) = tab_to(b, "Quotes").await;
    assert_eq!(quotes["switch"], true, "Quotes is not a switch: {quotes}");
    assert_eq!(quotes["outline"], true, "no visible focus on Quotes");
    press(b, Key::Space).await;
    let toggled = focused(b).await;
    assert_ne!(
        toggled["checked"], quotes["checked"],
        "Space did not toggle the Quotes switch"
    );

    let (send, passed) = tab_to(b, "Send invite").await;
    for section in ["Invoices", "Files", "Meetings", "Messages", "Enable portal"] {
        assert!(
            passed.iter().any(|n| n == section),
            "Tab skipped the {section} switch: {passed:?}"
        );
    }
    assert_eq!(send["outline"], true, "no visible focus on Send invite");
    press(b, Key::Enter).await;
    b.wait_for_text(&format!("Invite sent to {JO}")).await;
    let invite = server.newest_email_to(JO).await;
    assert!(
        invite.text.contains("/portal/set-password"),
        "{}",
        invite.text
    );
}

#[tokio::test]
async fn a_slot_taken_meanwhile_is_explained_and_the_free_times_shown_afresh() {
    let server = Server::start().await;
    let api = Api::new(&server);
    let (staff, client, portal) = one_client(&api, "Jo Bloggs", JO).await;
    let slots = api.get("/api/v1/portal/meetings/slots", &portal).await;
    let first = slots["slots"][0].clone();
    let driver = Driver::start().await;
    let mut t = Tourist::new(&driver, &server).await;
    t.portal_login(JO).await;
    t.browser.wait_for_heading("Welcome, Jo Bloggs").await;
    t.browser.goto("/portal/meetings").await;
    t.browser.wait_for_heading("Book a meeting").await;
    t.browser
        .execute(
            "document.querySelector('.slot-times button').click();",
            vec![],
        )
        .await;
    t.browser.button("Confirm booking").await;

    // Staff book the same time for the client while they decide.
    api.post(
        "/api/v1/diary/appointments",
        &staff,
        json!({"client_id": client, "starts_at": first["starts_at"], "ends_at": first["ends_at"]}),
    )
    .await;
    t.browser.click_button("Confirm booking").await;
    let notice = "That time was just taken. Here are the free times now.";
    t.browser.wait_for_text(notice).await;
    let focused = t
        .browser
        .execute("return document.activeElement.innerText.trim();", vec![])
        .await;
    assert_eq!(focused, json!(notice), "the notice does not have the focus");
    let offered = t
        .browser
        .execute(
            "return document.querySelectorAll('.slot-times button').length;",
            vec![],
        )
        .await;
    let before = slots["slots"].as_array().map_or(0, Vec::len) as u64;
    assert_eq!(
        offered.as_u64(),
        Some(before - 1),
        "the page does not offer the free times as they are now (one fewer)"
    );
    t.check("Book a meeting", "portal-meetings-taken").await;
}
