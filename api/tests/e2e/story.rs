//! The client portal's whole story, through the pages, in two browsers: the
//! business's owner at desktop width and their client on a phone.
//!
//! Sign-up → a client with two emails → the invite wording → Portal access
//! and Send invite → the client sets a password and sees only their sections
//! → a quote with an optional line → the client's choice, a line comment and
//! its reply → acceptance with a drawn signature → an uploaded photo → a
//! message and its reply → a meeting booked, seen in the diary, cancelled,
//! and one too close to cancel → the portal switched off under the client.
//!
//! Every step goes through the pages; none needs the JSON API behind the
//! browsers' backs. Every page passed through is photographed at phone and
//! desktop width (`story-...`) and checked with axe-core.

use crate::harness::{Browser, Driver, Email, Role, Server, Viewport};
use base64::Engine;
use fantoccini::Locator;
use fantoccini::elements::Element;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BUSINESS: &str = "Sparks & Sons";
const OWNER_NAME: &str = "Sam Sparks";
const OWNER: &str = "sam@sparks.example";
const CLIENT: &str = "Jo Bloggs";
const HOME_EMAIL: &str = "jo@home.example";
const WORK_EMAIL: &str = "jo@work.example";

const INVITE_SUBJECT: &str = "{{client_name}}, your {{business_name}} portal is ready";
const INVITE_BODY: &str = "Hi {{client_name}},\n\n\
    Your project portal with {{business_name}} is ready: quotes, photos and bookings in one place.\n\n\
    Set your password here:\n{{portal_link}}\n\n\
    See you on site,\n{{staff_name}}";

const QUOTE: &str = "Kitchen rewiring";
const MAIN_LINE: &str = "Rewire kitchen circuits";
const OPTIONAL_LINE: &str = "Under-cabinet LED lights";

#[tokio::test]
async fn a_client_is_invited_accepts_a_quote_shares_a_photo_chats_books_and_is_suspended() {
    let started = Instant::now();
    let server = Server::start().await;
    let driver = Driver::start().await;
    let mut staff = driver.browser(&server, Viewport::Desktop).await;
    let mut client = driver.browser(&server, Viewport::Phone).await;

    staff_signs_up(&mut staff).await;
    let client_id = staff_adds_a_client_with_two_emails(&mut staff).await;
    staff_customises_the_invite_wording(&mut staff).await;
    staff_invites_the_client(&mut staff, &client_id).await;
    let invite = the_invite_email_carries_the_wording(&server).await;

    client_sets_a_password(&mut client, &invite).await;
    client_sees_only_the_enabled_sections(&mut client).await;

    let quote_path = staff_writes_and_sends_a_quote(&mut staff, &client_id).await;
    client_opens_the_quote_and_adds_the_optional_line(&mut client).await;
    client_comments_on_a_line(&client).await;
    staff_sees_the_comment_and_replies(&mut staff, &quote_path).await;
    client_sees_the_reply(&client).await;
    client_signs_and_accepts(&mut client).await;
    staff_sees_the_acceptance_evidence(&mut staff, &quote_path).await;

    client_uploads_a_photo(&mut client).await;
    staff_gets_the_upload_email(&server).await;

    client_sends_a_message(&mut client).await;
    staff_sees_it_unread_and_replies(&mut staff).await;
    client_sees_the_reply_without_reloading(&mut client).await;

    client_books_a_meeting(&mut client).await;
    staff_sees_it_in_the_diary(&mut staff).await;
    client_cancels_the_meeting(&client).await;
    client_books_inside_24_hours_and_cannot_cancel(&mut client).await;

    staff_switches_the_portal_off(&mut staff, &client_id).await;
    client_is_sent_to_the_login_page(&mut client).await;

    eprintln!("the story took {:?}", started.elapsed());
    client.close().await;
    staff.close().await;
}

// ---- Staff: sign-up, a client, the invite ----

async fn staff_signs_up(staff: &mut Browser) {
    staff.goto("/signup").await;
    staff.wait_for_heading("Sign up your business").await;
    staff.fill("Business name", BUSINESS).await;
    staff.fill("Your name", OWNER_NAME).await;
    staff.fill("Email", OWNER).await;
    staff.fill("Password", "sparks and sons since 1998").await;
    staff.fill("Time zone", "Europe/London").await;
    staff.screenshots("story-signup").await;
    staff.check_accessibility("the sign-up page").await;
    staff.click_button("Create account").await;
    staff.wait_for_path("/clients").await;
    staff.wait_for_heading("Clients").await;
}

/// The first client: the form is open while there are none.
async fn staff_adds_a_client_with_two_emails(staff: &mut Browser) -> String {
    staff.fill("Name", CLIENT).await;
    staff.fill("Email 1", HOME_EMAIL).await;
    staff.click_button("Add another email").await;
    staff.fill("Email 2", WORK_EMAIL).await;
    staff.screenshots("story-clients-add").await;
    staff
        .check_accessibility("the clients page with Add client")
        .await;
    staff.click_button("Add client").await;
    staff.wait_for_heading(CLIENT).await;
    staff.wait_for_text(HOME_EMAIL).await;
    staff.wait_for_text(WORK_EMAIL).await;
    let path = staff.path().await;
    let id = path
        .strip_prefix("/clients/")
        .unwrap_or_else(|| panic!("Add client leads to the client's record, not {path}"));
    id.to_owned()
}

async fn staff_customises_the_invite_wording(staff: &mut Browser) {
    staff.click_link("Settings").await;
    staff.wait_for_heading("Invite email").await;
    staff.fill("Subject", INVITE_SUBJECT).await;
    staff.fill("Message", INVITE_BODY).await;
    // The live preview fills the placeholders with its sample values.
    let preview = section_text(staff, "Preview").await;
    for words in [
        "Alex Morgan, your Sparks & Sons portal is ready",
        "Hi Alex Morgan,",
        "Your project portal with Sparks & Sons is ready",
        "/portal/set-password?token=",
        "See you on site,\nSam Taylor",
    ] {
        assert!(
            preview.contains(words),
            "the invite preview lacks {words:?}:\n{preview}"
        );
    }
    staff.click_button("Save invite email").await;
    staff.wait_for_text("Saved").await;
    staff.screenshots("story-settings-invite").await;
    staff.check_accessibility("the settings page").await;
}

/// Portal access: the work address, every section but Invoices, Send invite.
async fn staff_invites_the_client(staff: &mut Browser, client_id: &str) {
    staff.goto(&format!("/clients/{client_id}")).await;
    staff.wait_for_heading("Portal access").await;
    assert_eq!(portal_badge(staff).await, "Not invited");
    staff.fill("Invite email", WORK_EMAIL).await;
    for (section, on) in [
        ("Quotes", true),
        ("Invoices", false),
        ("Files", true),
        ("Meetings", true),
        ("Messages", true),
    ] {
        set_switch(staff, section, on).await;
    }
    staff.click_button("Send invite").await;
    staff
        .wait_for_text(&format!("Invite sent to {WORK_EMAIL}"))
        .await;
    staff
        .wait_for("the Invited badge", async || {
            (portal_badge(staff).await == "Invited").then_some(())
        })
        .await;
    staff.screenshots("story-client-invited").await;
    staff.check_accessibility("the client's record").await;
}

/// The invite went to the chosen address only, in the team's own words.
async fn the_invite_email_carries_the_wording(server: &Server) -> Email {
    let invite = server.newest_email_to(WORK_EMAIL).await;
    assert_eq!(
        invite.subject,
        format!("{CLIENT}, your {BUSINESS} portal is ready")
    );
    for words in [
        "Hi Jo Bloggs,",
        "Your project portal with Sparks & Sons is ready",
        "See you on site,",
        OWNER_NAME,
    ] {
        assert!(
            invite.text.contains(words),
            "the invite lacks {words:?}:\n{}",
            invite.text
        );
    }
    assert!(
        !server.emails().iter().any(|e| e.is_to(HOME_EMAIL)),
        "nothing goes to the address not chosen"
    );
    invite
}

// ---- The client's first visit ----

async fn client_sets_a_password(client: &mut Browser, invite: &Email) {
    client.goto(&invite.link("/portal/set-password")).await;
    client.wait_for_heading("Set your password").await;
    client
        .fill("New password", "lights on in the kitchen")
        .await;
    client
        .fill("Confirm password", "lights on in the kitchen")
        .await;
    client.screenshots("story-portal-set-password").await;
    client.check_accessibility("the set-password page").await;
    client.click_button("Set password and log in").await;
    client.wait_for_heading(&format!("Welcome, {CLIENT}")).await;
    client.wait_for_path("/portal/").await;
}

/// Invoices is neither in the navigation nor at its address.
async fn client_sees_only_the_enabled_sections(client: &mut Browser) {
    let nav = client
        .wait_for("the portal's navigation", async || {
            let links = client
                .execute(
                    "return [...document.querySelectorAll('nav[aria-label=\"Portal sections\"] a')]\
                     .map(a => a.innerText.trim());",
                    vec![],
                )
                .await;
            links.as_array().filter(|l| !l.is_empty()).cloned()
        })
        .await;
    assert_eq!(
        nav,
        vec![
            json!("Home"),
            json!("Quotes"),
            json!("Files"),
            json!("Meetings"),
            json!("Messages")
        ]
    );
    client.screenshots("story-portal-home").await;
    client.check_accessibility("the portal's home page").await;

    client.goto("/portal/invoices").await;
    client.wait_for_heading("Not available").await;
    client
        .wait_for_text("This section is not available in your portal")
        .await;
    client
        .screenshots("story-portal-invoices-not-available")
        .await;
    client.check_accessibility("the Not available page").await;
}

// ---- A quote ----

/// Two lines, the second optional and not selected by default; saved, then
/// sent. Gives the staff quote page's path.
async fn staff_writes_and_sends_a_quote(staff: &mut Browser, client_id: &str) -> String {
    staff.goto(&format!("/clients/{client_id}")).await;
    staff.click_link("New quote").await;
    staff.wait_for_heading("New quote").await;
    staff.fill("Title", QUOTE).await;
    let first = line_editor(staff, 0).await;
    fill_in(staff, &first, "Description", MAIN_LINE).await;
    fill_in(staff, &first, "Unit price", "850.00").await;
    staff.click_button("+ Add line").await;
    let second = line_editor(staff, 1).await;
    fill_in(staff, &second, "Description", OPTIONAL_LINE).await;
    fill_in(staff, &second, "Quantity", "4").await;
    fill_in(staff, &second, "Unit price", "45.50").await;
    staff
        .find_in(&second, Role::Field, "Optional")
        .await
        .click()
        .await
        .expect("ticking Optional");
    staff
        .find_in(&second, Role::Field, "Selected by default")
        .await
        .click()
        .await
        .expect("unticking Selected by default");
    // The live totals count the optional line as set: not included.
    staff.wait_for_text("£1,020.00").await;
    staff.screenshots("story-quote-editor").await;
    staff.check_accessibility("the quote editor").await;
    staff.click_button("Save").await;
    staff.wait_for_heading(QUOTE).await;
    staff.wait_for_text("Quote saved (revision 1).").await;
    staff.click_button("Send").await;
    staff
        .wait_for_text(&format!("Sent: {CLIENT} can see this quote"))
        .await;
    let path = staff.path().await;
    path.split('?').next().unwrap_or_default().to_owned()
}

async fn client_opens_the_quote_and_adds_the_optional_line(client: &mut Browser) {
    client.goto("/portal/").await;
    client.click_link("Quotes").await;
    client.wait_for_path("/portal/quotes").await;
    client.wait_for_heading("Quotes").await;
    client.screenshots("story-portal-quotes").await;
    client.check_accessibility("the portal's quote list").await;
    client.click_link(QUOTE).await;
    client.wait_for_heading(QUOTE).await;
    assert_eq!(grand_total(client).await, "£1,020.00");
    let optional = client.field(OPTIONAL_LINE).await;
    optional.click().await.expect("ticking the optional line");
    // The total is the one the server answers for the new choice.
    client
        .wait_for_text("Total now £1,238.40 including tax.")
        .await;
    assert_eq!(grand_total(client).await, "£1,238.40");
    client
        .wait_for_text("You are accepting ‘Kitchen rewiring’ (revision 1): 2 of 2 lines, total £1,238.40 including tax.")
        .await;
}

async fn client_comments_on_a_line(client: &Browser) {
    comment_on(
        client,
        MAIN_LINE,
        "Add a comment",
        "Does this include the extractor fan?",
        "Post comment",
    )
    .await;
    client
        .wait_for_text("Does this include the extractor fan?")
        .await;
}

async fn staff_sees_the_comment_and_replies(staff: &mut Browser, quote_path: &str) {
    staff.goto(quote_path).await;
    staff.wait_for_heading(QUOTE).await;
    // The staff page shows the client's choice and the server's total.
    assert_eq!(grand_total(staff).await, "£1,238.40");
    let optional = line_item(staff, OPTIONAL_LINE).await;
    assert!(
        optional
            .text()
            .await
            .unwrap_or_default()
            .contains("Included"),
        "staff see the optional line as included"
    );
    open_comments(staff, MAIN_LINE).await;
    staff
        .wait_for_text("Does this include the extractor fan?")
        .await;
    comment_on(
        staff,
        MAIN_LINE,
        "Reply",
        "Yes, the fan is wired on its own fused spur.",
        "Send reply",
    )
    .await;
    staff
        .wait_for_text("Yes, the fan is wired on its own fused spur.")
        .await;
    staff.screenshots("story-staff-quote-thread").await;
    staff.check_accessibility("the staff quote page").await;
}

async fn client_sees_the_reply(client: &Browser) {
    client.goto(&client.path().await).await;
    client.wait_for_heading(QUOTE).await;
    open_comments(client, MAIN_LINE).await;
    client
        .wait_for_text("Yes, the fan is wired on its own fused spur.")
        .await;
    let thread = line_item(client, MAIN_LINE).await;
    let text = thread.text().await.unwrap_or_default();
    assert!(
        text.contains(&format!("{BUSINESS} ·")) && text.contains("You ·"),
        "the thread signs both sides:\n{text}"
    );
}

/// A typed name and a signature drawn with pointer events, then Accept.
async fn client_signs_and_accepts(client: &mut Browser) {
    client.fill("Your full name", CLIENT).await;
    client.sign("Signature box").await;
    client.canvas("Signature box: signed").await;
    client.screenshots("story-portal-quote").await;
    client.check_accessibility("the portal's quote").await;
    client.click_button("Accept").await;
    client
        .wait_for_text("Thank you. Your acceptance has been recorded.")
        .await;
    let line = client
        .wait_for("the acceptance line", async || {
            let text = client
                .execute(
                    "const p = document.querySelector('.accepted-line'); return p ? p.innerText : null;",
                    vec![],
                )
                .await;
            text.as_str().map(str::to_owned)
        })
        .await;
    let today = local(client, "2026-12-07T08:00:00Z", DATE).await;
    assert_eq!(line, format!("Accepted on {today} by {CLIENT}"));
    let checkboxes = client
        .execute(
            "return document.querySelectorAll('main input[type=checkbox]').length;",
            vec![],
        )
        .await;
    assert_eq!(checkboxes, json!(0), "an accepted quote has no checkboxes");
    assert!(
        client.try_find(Role::Button, "Accept").await.is_none(),
        "an accepted quote has no Accept button"
    );
    assert!(
        client.try_find(Role::Canvas, "Signature").await.is_none(),
        "an accepted quote has no signature pad"
    );
    client.screenshots("story-portal-quote-accepted").await;
    client
        .check_accessibility("the portal's accepted quote")
        .await;
}

async fn staff_sees_the_acceptance_evidence(staff: &mut Browser, quote_path: &str) {
    staff.goto(quote_path).await;
    staff.wait_for_heading("Acceptance evidence").await;
    let evidence = section_text(staff, "Acceptance evidence").await;
    for words in [
        "Name typed\nJo Bloggs",
        "Revision accepted\n1",
        MAIN_LINE,
        OPTIONAL_LINE,
        "£1,238.40",
        "Matches",
        "Intact",
    ] {
        assert!(
            evidence.contains(words),
            "the evidence lacks {words:?}:\n{evidence}"
        );
    }
    let today = local(staff, "2026-12-07T08:00:00Z", DATE).await;
    staff
        .wait_for_text(&format!("Accepted on {today} by {CLIENT}"))
        .await;
    assert!(
        staff.try_find(Role::Link, "Edit").await.is_none(),
        "an accepted quote cannot be edited"
    );
    image_loaded(staff, &format!("Signature of {CLIENT}")).await;
    staff.screenshots("story-staff-quote-accepted").await;
    staff
        .check_accessibility("the staff quote with its evidence")
        .await;
}

// ---- A photo ----

async fn client_uploads_a_photo(client: &mut Browser) {
    client.click_link("Files").await;
    client.wait_for_heading("Project Files & Inspiration").await;
    let folder = tempfile::tempdir().expect("temp dir");
    let photo = a_photo(client, folder.path(), "kitchen-inspiration.png").await;
    let input = client
        .client
        .find(Locator::Css("input[type=file]"))
        .await
        .expect("the file input behind Choose files");
    input
        .send_keys(&photo.to_string_lossy())
        .await
        .expect("choosing the photo");
    client
        .wait_for_text("kitchen-inspiration.png uploaded.")
        .await;
    client.wait_for_text("Uploaded by you").await;
    image_loaded(client, "kitchen-inspiration.png").await;
    client.screenshots("story-portal-files").await;
    client.check_accessibility("the portal's files page").await;
}

async fn staff_gets_the_upload_email(server: &Server) {
    let email = server
        .wait_for_email("the upload email to staff", |e| {
            e.is_to(OWNER) && e.subject.contains("uploaded")
        })
        .await;
    assert_eq!(
        email.subject,
        format!("{CLIENT} uploaded kitchen-inspiration.png")
    );
    assert!(
        email.text.contains("Project Files & Inspiration"),
        "{}",
        email.text
    );
}

// ---- Messages ----

async fn client_sends_a_message(client: &mut Browser) {
    client.click_link("Messages").await;
    client.wait_for_heading("Messages").await;
    client
        .fill("Your message", "Could you start on Monday the 14th?")
        .await;
    client.click_button("Send").await;
    client
        .wait_for_text("Could you start on Monday the 14th?")
        .await;
}

async fn staff_sees_it_unread_and_replies(staff: &mut Browser) {
    staff.click_link("Messages").await;
    staff.wait_for_path("/inbox").await;
    staff.wait_for_heading("Messages").await;
    let count = staff
        .wait_for("the header's unread count", async || {
            let count = staff
                .execute(
                    "const c = document.querySelector('header nav .count'); \
                     return c && !c.hidden ? [c.innerText, c.getAttribute('aria-label')] : null;",
                    vec![],
                )
                .await;
            (!count.is_null()).then_some(count)
        })
        .await;
    assert_eq!(count, json!(["1", "1 unread"]));
    staff.wait_for_text("1 unread").await;
    staff.screenshots("story-staff-inbox").await;
    staff.check_accessibility("the staff inbox").await;
    staff.click_link(CLIENT).await;
    staff
        .wait_for_heading(&format!("Messages with {CLIENT}"))
        .await;
    staff
        .wait_for_text("Could you start on Monday the 14th?")
        .await;
    staff
        .fill("Your message", "Monday the 14th suits us. See you at 8.")
        .await;
    staff.click_button("Send").await;
    staff
        .wait_for_text("Monday the 14th suits us. See you at 8.")
        .await;
    // Read now: the header's count is gone.
    staff
        .wait_for("the unread count to clear", async || {
            let hidden = staff
                .execute(
                    "const c = document.querySelector('header nav .count'); return !c || c.hidden;",
                    vec![],
                )
                .await;
            (hidden == json!(true)).then_some(())
        })
        .await;
    staff.screenshots("story-staff-thread").await;
    staff.check_accessibility("the staff message thread").await;
}

/// The portal's thread polls: the reply appears on the open page.
async fn client_sees_the_reply_without_reloading(client: &mut Browser) {
    client
        .wait_for_text("Monday the 14th suits us. See you at 8.")
        .await;
    client.wait_for_text(&format!("{BUSINESS} ·")).await;
    client.screenshots("story-portal-messages").await;
    client.check_accessibility("the portal's messages").await;
}

// ---- Meetings ----

/// Wednesday 9 December, 10:00–11:00 London time: more than 24 hours ahead.
const WEDNESDAY: (&str, &str) = ("2026-12-09T10:00:00Z", "2026-12-09T11:00:00Z");
/// Monday 7 December, 15:00–16:00: today, within 24 hours of the clock.
const TODAY: (&str, &str) = ("2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z");

async fn client_books_a_meeting(client: &mut Browser) {
    client.click_link("Meetings").await;
    client.wait_for_heading("Book a meeting").await;
    client
        .wait_for_text("Times are shown in Europe/London time.")
        .await;
    client.screenshots("story-portal-meetings").await;
    client.check_accessibility("the Book a meeting page").await;
    let wednesday = Slot::shown_by(client, WEDNESDAY).await;
    book(client, &wednesday).await;
    let mine = section_text(client, "Your meetings").await;
    assert!(
        mine.contains(&wednesday.when()) && mine.contains("Scheduled"),
        "the booking is under Your meetings:\n{mine}"
    );
}

async fn staff_sees_it_in_the_diary(staff: &mut Browser) {
    staff.goto("/diary?week=2026-12-07").await;
    staff.wait_for_heading("Diary").await;
    let slot = Slot::shown_by(staff, WEDNESDAY).await;
    let wednesday = staff
        .wait_for("Wednesday's appointment", async || {
            let text = day_text(staff, &slot.day).await;
            text.contains(&slot.range()).then_some(text)
        })
        .await;
    for words in [CLIENT, "Scheduled", "Booked by client"] {
        assert!(
            wednesday.contains(words),
            "Wednesday lacks {words:?}:\n{wednesday}"
        );
    }
    staff.screenshots("story-staff-diary").await;
    staff.check_accessibility("the diary").await;
}

async fn client_cancels_the_meeting(client: &Browser) {
    let wednesday = Slot::shown_by(client, WEDNESDAY).await;
    client
        .click_button(&format!("Cancel meeting on {}", wednesday.when()))
        .await;
    client.click_button("Yes, cancel meeting").await;
    client
        .wait_for_text(&format!(
            "Your meeting on {} is cancelled.",
            wednesday.when()
        ))
        .await;
    let mine = section_text(client, "Your meetings").await;
    assert!(
        mine.contains("Cancelled") && !mine.contains("Scheduled"),
        "the meeting shows as cancelled:\n{mine}"
    );
}

/// Today 15:00 is within 24 hours of the clock (Monday 08:00): no Cancel.
async fn client_books_inside_24_hours_and_cannot_cancel(client: &mut Browser) {
    let today = Slot::shown_by(client, TODAY).await;
    book(client, &today).await;
    client
        .wait_for_text("This meeting starts within 24 hours: please contact us to change it.")
        .await;
    assert!(
        client
            .try_find(Role::Button, &format!("Cancel meeting on {}", today.when()))
            .await
            .is_none(),
        "a meeting within 24 hours has no Cancel button"
    );
    client.link("Send us a message").await;
    client.screenshots("story-portal-meetings-booked").await;
}

// ---- The portal switched off ----

async fn staff_switches_the_portal_off(staff: &mut Browser, client_id: &str) {
    staff.goto(&format!("/clients/{client_id}")).await;
    staff.wait_for_heading("Portal access").await;
    staff
        .wait_for("the Active badge", async || {
            (portal_badge(staff).await == "Active").then_some(())
        })
        .await;
    set_switch(staff, "Enable portal", false).await;
    staff.click_button("Save access").await;
    staff.wait_for_text("Access saved").await;
    staff
        .wait_for("the Suspended badge", async || {
            (portal_badge(staff).await == "Suspended").then_some(())
        })
        .await;
    staff.screenshots("story-client-suspended").await;
}

/// The open Meetings page notices within its 10-second re-check.
async fn client_is_sent_to_the_login_page(client: &mut Browser) {
    let started = Instant::now();
    while !client.path().await.starts_with("/portal/login") {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the client's page is still {} 15 s after the portal was switched off:\n{}",
            client.url().await,
            client.visible_text().await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client
        .wait_for_text("Your session has ended. Please log in again.")
        .await;
    client.field("Email").await;
    client.field("Password").await;
    client
        .screenshots("story-portal-login-after-suspension")
        .await;
    client
        .check_accessibility("the portal's login page after the session ended")
        .await;
}

// ---- Small helpers ----

/// The `i`-th line of the quote editor.
async fn line_editor(browser: &Browser, i: usize) -> Element {
    browser
        .wait_for(&format!("line {} of the quote editor", i + 1), async || {
            let lines = browser
                .client
                .find_all(Locator::Css("li.line-editor"))
                .await
                .ok()?;
            lines.into_iter().nth(i)
        })
        .await
}

/// Types into the field labelled `label` inside `scope`.
async fn fill_in(browser: &Browser, scope: &Element, label: &str, value: &str) {
    let field = browser.find_in(scope, Role::Field, label).await;
    field.clear().await.expect("clearing a field");
    field.send_keys(value).await.expect("typing in a field");
}

/// The quote line (staff or portal page) whose text has `description`.
async fn line_item(browser: &Browser, description: &str) -> Element {
    browser
        .wait_for(&format!("the line {description:?}"), async || {
            for line in browser
                .client
                .find_all(Locator::Css("li.line"))
                .await
                .ok()?
            {
                if line.text().await.ok()?.contains(description) {
                    return Some(line);
                }
            }
            None
        })
        .await
}

/// Opens the "Comments (n)" disclosure of a line.
async fn open_comments(browser: &Browser, description: &str) {
    let line = line_item(browser, description).await;
    let summary = line
        .find(Locator::Css("details.line-thread > summary"))
        .await
        .expect("the line's Comments disclosure");
    summary.click().await.expect("opening the comments");
}

/// Writes in a line's thread (opening it first if need be) and sends it.
async fn comment_on(browser: &Browser, description: &str, label: &str, text: &str, send: &str) {
    let line = line_item(browser, description).await;
    let open = browser
        .execute(
            "return arguments[0].querySelector('details.line-thread').open;",
            vec![json!(line)],
        )
        .await;
    if open != json!(true) {
        open_comments(browser, description).await;
    }
    let field = browser.find_in(&line, Role::Field, label).await;
    field.send_keys(text).await.expect("typing a comment");
    browser
        .find_in(&line, Role::Button, send)
        .await
        .click()
        .await
        .expect("sending the comment");
    browser.wait_for_text("Comment added.").await;
    browser.wait_for_text(text).await;
}

/// The text of the grand total of a quote page.
async fn grand_total(browser: &Browser) -> String {
    let total = browser
        .execute(
            "const dd = document.querySelector('section[aria-label=\"Quote total\"] dd.grand'); \
             return dd ? dd.innerText.trim() : null;",
            vec![],
        )
        .await;
    total.as_str().unwrap_or_default().to_owned()
}

/// The visible text of the section (or region) headed `heading`.
async fn section_text(browser: &Browser, heading: &str) -> String {
    let heading_el = browser.heading(heading).await;
    let text = browser
        .execute(
            "const [h] = arguments; \
             const box = h.closest('section, .email-preview, [aria-labelledby]') || h.parentElement; \
             return box.innerText;",
            vec![json!(heading_el)],
        )
        .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// The badge beside "Portal access" on a client's record.
async fn portal_badge(staff: &Browser) -> String {
    let text = staff
        .execute(
            "const h = [...document.querySelectorAll('h2')].find(e => e.innerText.trim() === 'Portal access'); \
             const b = h && h.parentElement.querySelector('.badge'); return b ? b.innerText.trim() : '';",
            vec![],
        )
        .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// Turns the switch labelled `label` on or off.
async fn set_switch(browser: &Browser, label: &str, on: bool) {
    let switch = browser.field(label).await;
    let checked = |v: Value| v == json!(true);
    let now = browser
        .execute("return arguments[0].checked;", vec![json!(switch)])
        .await;
    if checked(now) != on {
        switch.click().await.expect("flipping a switch");
    }
    let after = browser
        .execute("return arguments[0].checked;", vec![json!(switch)])
        .await;
    assert_eq!(checked(after), on, "the switch {label:?}");
}

/// Waits until the image with alt text `alt` has loaded (a real picture).
async fn image_loaded(browser: &Browser, alt: &str) {
    browser
        .wait_for(&format!("the image {alt:?} to load"), async || {
            let loaded = browser
                .execute(
                    "const [alt] = arguments; \
                     const img = [...document.images].find(i => i.alt === alt); \
                     if (img) img.scrollIntoView({block: 'center'}); \
                     return !!img && img.complete && img.naturalWidth > 0;",
                    vec![json!(alt)],
                )
                .await;
            (loaded == json!(true)).then_some(())
        })
        .await
}

/// A PNG photo-like picture drawn by the browser, saved as `name` in `folder`.
async fn a_photo(browser: &Browser, folder: &Path, name: &str) -> PathBuf {
    let url = browser
        .execute(
            "const c = document.createElement('canvas'); c.width = 320; c.height = 240; \
             const g = c.getContext('2d'); \
             const sky = g.createLinearGradient(0, 0, 0, 240); \
             sky.addColorStop(0, '#f5e6c8'); sky.addColorStop(1, '#8a6f4d'); \
             g.fillStyle = sky; g.fillRect(0, 0, 320, 240); \
             g.fillStyle = '#2f4f4f'; g.fillRect(20, 150, 280, 70); \
             g.fillStyle = '#ffd966'; for (let x = 40; x < 300; x += 60) g.fillRect(x, 140, 30, 6); \
             return c.toDataURL('image/png');",
            vec![],
        )
        .await;
    let data = url
        .as_str()
        .and_then(|u| u.strip_prefix("data:image/png;base64,"))
        .expect("a PNG data URL");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64");
    let path = folder.join(name);
    std::fs::write(&path, bytes).expect("writing the photo");
    path
}

/// Chooses a free time on Book a meeting and confirms it.
async fn book(client: &Browser, slot: &Slot) {
    client
        .click_button(&format!("{}, {}", slot.start, slot.day))
        .await;
    client
        .wait_for_text(&format!("Book {}?", slot.when()))
        .await;
    client.click_button("Confirm booking").await;
    client
        .wait_for_text(&format!("Your meeting on {} is booked.", slot.when()))
        .await;
}

/// "7 December 2026" in the browser's language.
const DATE: &str = r#"{"day": "numeric", "month": "long", "year": "numeric"}"#;

/// An instant as the pages write it: in the team's zone (Europe/London)
/// and the browser's language, with `Intl.DateTimeFormat` `options` (JSON).
async fn local(browser: &Browser, iso: &str, options: &str) -> String {
    let options: Value = serde_json::from_str(options).expect("JSON options");
    let text = browser
        .execute(
            "const [iso, options] = arguments; \
             return new Intl.DateTimeFormat(undefined, {timeZone: 'Europe/London', ...options}) \
               .format(new Date(iso));",
            vec![json!(iso), options],
        )
        .await;
    text.as_str().unwrap_or_default().to_owned()
}

/// A meeting slot as the pages name it: "Wednesday 9 December", "10:00", "11:00".
struct Slot {
    day: String,
    start: String,
    end: String,
}

impl Slot {
    async fn shown_by(browser: &Browser, (starts, ends): (&str, &str)) -> Slot {
        const DAY: &str = r#"{"weekday": "long", "day": "numeric", "month": "long"}"#;
        const TIME: &str = r#"{"hour": "2-digit", "minute": "2-digit"}"#;
        Slot {
            day: local(browser, starts, DAY).await,
            start: local(browser, starts, TIME).await,
            end: local(browser, ends, TIME).await,
        }
    }

    /// "10:00–11:00".
    fn range(&self) -> String {
        format!("{}–{}", self.start, self.end)
    }

    /// "Wednesday 9 December, 10:00–11:00".
    fn when(&self) -> String {
        format!("{}, {}", self.day, self.range())
    }
}

/// The text of one day of the diary's week.
async fn day_text(staff: &Browser, day: &str) -> String {
    let text = staff
        .execute(
            "const [day] = arguments; \
             const s = [...document.querySelectorAll('section.day')] \
               .find(e => (e.getAttribute('aria-label') || '').startsWith(day)); \
             return s ? s.innerText : '';",
            vec![json!(day)],
        )
        .await;
    text.as_str().unwrap_or_default().to_owned()
}
