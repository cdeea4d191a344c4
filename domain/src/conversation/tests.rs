use super::*;
use crate::access::{AccessDenied, Author, By, ClientPortal, Section, Sections};
use crate::ids::{ClientId, MessageId};
use crate::testing::fixtures::{alice, bob, portal, staff};
use crate::testing::given;
use crate::{Refusal, RefusalKind};
use uuid::Uuid;

fn msg(n: u128) -> MessageId {
    MessageId(Uuid::from_u128(n))
}

fn as_client(client: ClientId) -> By {
    By::Client(portal(client))
}

fn post(n: u128, by: By, text: &str) -> ConversationCommand {
    ConversationCommand::Post {
        message: msg(n),
        client: alice(),
        by,
        text: text.into(),
    }
}

fn posted(n: u128, author: Author, text: &str) -> ConversationEvent {
    ConversationEvent::Posted(MessagePosted {
        message: msg(n),
        client: alice(),
        author,
        text: text.into(),
    })
}

fn mark(by: By, up_to: u128) -> ConversationCommand {
    ConversationCommand::MarkRead {
        client: alice(),
        by,
        up_to: msg(up_to),
    }
}

fn marked(side: Side, up_to: u128, by: Author) -> ConversationEvent {
    ConversationEvent::MarkedRead(MarkedRead {
        client: alice(),
        side,
        up_to: msg(up_to),
        by,
    })
}

fn from_alice(n: u128) -> ConversationEvent {
    posted(n, Author::Client(alice()), "hello")
}

fn from_staff(n: u128) -> ConversationEvent {
    posted(n, Author::Staff(staff()), "hi")
}

#[test]
fn a_client_posts_a_trimmed_message_to_their_thread() {
    given::<Conversation>([])
        .when(post(1, as_client(alice()), "  Is Tuesday OK?\r\n "))
        .then([posted(1, Author::Client(alice()), "Is Tuesday OK?")]);
}

#[test]
fn staff_post_to_a_clients_thread() {
    given::<Conversation>([from_alice(1)])
        .when(post(2, By::Staff(staff()), "Tuesday is fine"))
        .then([posted(2, Author::Staff(staff()), "Tuesday is fine")]);
}

#[test]
fn an_empty_message_is_refused() {
    given::<Conversation>([])
        .when(post(1, as_client(alice()), " \n\t "))
        .then_refused(ConversationError::EmptyMessage);
}

#[test]
fn a_message_of_ten_thousand_characters_is_accepted() {
    let text = "é".repeat(MAX_MESSAGE_CHARS);
    given::<Conversation>([])
        .when(post(1, as_client(alice()), &text))
        .then([posted(1, Author::Client(alice()), &text)]);
}

#[test]
fn a_message_over_ten_thousand_characters_is_refused() {
    given::<Conversation>([])
        .when(post(
            1,
            as_client(alice()),
            &"a".repeat(MAX_MESSAGE_CHARS + 1),
        ))
        .then_refused(ConversationError::MessageTooLong {
            max: MAX_MESSAGE_CHARS,
        });
}

#[test]
fn control_characters_are_dropped_but_line_breaks_kept() {
    assert_eq!(normalize_text("a\u{0}b\r\nc\rd\te\u{7}"), "ab\nc\nd\te");
}

#[test]
fn a_client_cannot_post_with_messages_off() {
    let by = By::Client(ClientPortal {
        client: alice(),
        enabled: true,
        sections: Sections {
            messages: false,
            ..Sections::ALL
        },
    });
    given::<Conversation>([])
        .when(post(1, by, "hi"))
        .then_refused(AccessDenied::SectionOff(Section::Messages).into());
}

#[test]
fn a_suspended_client_cannot_post() {
    let by = By::Client(ClientPortal {
        client: alice(),
        enabled: false,
        sections: Sections::ALL,
    });
    given::<Conversation>([])
        .when(post(1, by, "hi"))
        .then_refused(AccessDenied::PortalSuspended.into());
}

#[test]
fn a_client_cannot_post_to_another_clients_thread() {
    given::<Conversation>([from_alice(1)])
        .when(post(2, as_client(bob()), "hi"))
        .then_refused(ConversationError::UnknownConversation);
}

#[test]
fn reposting_the_same_message_records_nothing() {
    given::<Conversation>([from_alice(1)])
        .when(post(1, as_client(alice()), "hello"))
        .then_nothing();
}

#[test]
fn a_message_id_cannot_be_reused_for_other_text() {
    given::<Conversation>([from_alice(1)])
        .when(post(1, as_client(alice()), "goodbye"))
        .then_refused(ConversationError::MessageExists(msg(1)));
}

#[test]
fn each_side_counts_the_other_sides_unread_messages() {
    let thread = given::<Conversation>([from_alice(1), from_alice(2), from_staff(3)])
        .state()
        .clone();
    assert_eq!(thread.unread(Side::Staff), 2);
    assert_eq!(thread.unread(Side::Client), 1);
}

#[test]
fn staff_marking_read_clears_the_staff_unread_count_only() {
    let thread = given::<Conversation>([from_alice(1), from_alice(2), from_staff(3)])
        .when(mark(By::Staff(staff()), 2))
        .then([marked(Side::Staff, 2, Author::Staff(staff()))]);
    assert_eq!(thread.unread(Side::Staff), 0);
    assert_eq!(thread.unread(Side::Client), 1);
}

#[test]
fn messages_after_the_marker_are_unread_again() {
    let thread = given::<Conversation>([
        from_alice(1),
        marked(Side::Staff, 1, Author::Staff(staff())),
        from_alice(2),
    ])
    .state()
    .clone();
    assert_eq!(thread.unread(Side::Staff), 1);
}

#[test]
fn marking_read_up_to_an_earlier_message_records_nothing() {
    given::<Conversation>([
        from_alice(1),
        from_alice(2),
        marked(Side::Staff, 2, Author::Staff(staff())),
    ])
    .when(mark(By::Staff(staff()), 1))
    .then_nothing();
}

#[test]
fn a_client_marks_their_own_side_read() {
    given::<Conversation>([from_staff(1)])
        .when(mark(as_client(alice()), 1))
        .then([marked(Side::Client, 1, Author::Client(alice()))]);
}

#[test]
fn marking_read_up_to_an_unknown_message_is_refused() {
    given::<Conversation>([from_staff(1)])
        .when(mark(as_client(alice()), 9))
        .then_refused(ConversationError::UnknownMessage(msg(9)));
}

#[test]
fn the_unread_helper_counts_only_the_other_side_after_the_marker() {
    let sides = [Side::Client, Side::Staff, Side::Client, Side::Client];
    assert_eq!(unread_count(sides, 0, Side::Staff), 3);
    assert_eq!(unread_count(sides, 2, Side::Staff), 2);
    assert_eq!(unread_count(sides, 4, Side::Staff), 0);
    assert_eq!(unread_count(sides, 9, Side::Client), 0);
    assert_eq!(unread_count(sides, 0, Side::Client), 1);
}

#[test]
fn refusals_map_to_their_status_kinds() {
    assert_eq!(
        ConversationError::UnknownConversation.kind(),
        RefusalKind::NotFound
    );
    assert_eq!(
        ConversationError::EmptyMessage.kind(),
        RefusalKind::Unprocessable
    );
    assert_eq!(
        ConversationError::from(AccessDenied::PortalSuspended).kind(),
        RefusalKind::Forbidden
    );
}
