//! Portal invite (the team's own template, docs/product.md §3.3) and password reset.

use super::{brand, business_reply_to, contact_email, local_time, paragraphs, with_button};
use crate::email::body::Block;
use crate::email::draft::Draft;
use crate::email::kind::EmailKind;
use cma_domain::Timestamp;
use cma_domain::team::Team;
use cma_domain::team::template::{InviteValues, render};

/// The invite, rendered from the team's template.
pub fn invite(team: &Team, client_name: &str, staff_name: &str, to: &str, link: &str) -> Draft {
    let rendered = render(
        &team.invite_email,
        &InviteValues {
            client_name,
            business_name: &team.business_name,
            portal_link: link,
            staff_name,
        },
    );
    Draft {
        kind: EmailKind::PortalInvite,
        team: team.id,
        recipients: vec![to.to_owned()],
        subject: rendered.subject,
        blocks: with_button(paragraphs(&rendered.body), link, "Open your portal"),
        brand: brand(team),
        calendar: None,
        reply_to: business_reply_to(team),
    }
}

/// A password reset link for `name` at `to`.
pub fn reset(team: &Team, name: &str, to: &str, link: &str, expires_at: Timestamp) -> Draft {
    Draft {
        kind: EmailKind::PasswordReset,
        team: team.id,
        recipients: vec![to.to_owned()],
        subject: format!("Reset your password for {}", team.business_name),
        blocks: vec![
            Block::Para(format!("Hello {name},")),
            Block::Para(format!(
                "We received a request to reset the password of your {} portal login. \
                 Choose a new password here:",
                team.business_name
            )),
            Block::Link {
                label: "Choose a new password".to_owned(),
                url: link.to_owned(),
            },
            Block::Para(format!(
                "The link works once and expires on {}. If you did not ask for this, \
                 you can ignore this email: your password stays as it is.",
                local_time(expires_at, team)
            )),
        ],
        brand: brand(team),
        calendar: None,
        reply_to: business_reply_to(team),
    }
}

/// To `previous`, the address a portal login had until a link re-pointed
/// it to `now`: in case it was not the client's doing.
pub fn sign_in_email_changed(team: &Team, name: &str, previous: &str, now: &str) -> Draft {
    let business = &team.business_name;
    let contact = match contact_email(team) {
        Some(email) => format!("contact {business} at {email}"),
        None => format!("contact {business}"),
    };
    Draft {
        kind: EmailKind::SignInEmailChanged,
        team: team.id,
        recipients: vec![previous.to_owned()],
        subject: format!("Your sign-in email for {business} was changed"),
        blocks: vec![
            Block::Para(format!("Hello {name},")),
            Block::Para(format!(
                "Your portal sign-in email was changed to {now}. From now on you sign in \
                 to your {business} portal with that address, and this address no longer \
                 signs in."
            )),
            Block::Para(format!(
                "If this wasn't you, {contact} straight away, so they can give your portal \
                 back to you."
            )),
        ],
        brand: brand(team),
        calendar: None,
        reply_to: business_reply_to(team),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cma_domain::team::EmailTemplate;

    #[test]
    fn the_invite_follows_the_teams_own_template() {
        let team = Team {
            business_name: "Pipe & Co".to_owned(),
            invite_email: EmailTemplate {
                subject: "{{client_name}}, welcome to {{business_name}}".to_owned(),
                body: "Dear {{client_name}}\n\n{{staff_name}} invites you:\n{{portal_link}}"
                    .to_owned(),
            },
            ..Team::default()
        };
        let draft = invite(
            &team,
            "Ann",
            "Bob",
            "ann@x.test",
            "https://p.test/portal/set-password?token=t",
        );
        assert_eq!(draft.subject, "Ann, welcome to Pipe & Co");
        assert_eq!(
            draft.blocks,
            vec![
                Block::Para("Dear Ann".to_owned()),
                Block::Para("Bob invites you:".to_owned()),
                Block::Link {
                    label: "Open your portal".to_owned(),
                    url: "https://p.test/portal/set-password?token=t".to_owned(),
                },
            ]
        );
        assert_eq!(draft.recipients, ["ann@x.test"]);
    }

    #[test]
    fn the_reset_email_links_and_says_when_the_link_expires_in_team_time() {
        let team = Team {
            business_name: "Pipe & Co".to_owned(),
            ..Team::default()
        };
        let expires =
            Timestamp::parse_rfc3339("2026-07-01T12:00:00Z").unwrap_or(Timestamp::UNIX_EPOCH);
        let draft = reset(
            &team,
            "Ann",
            "ann@x.test",
            "https://p.test/portal/reset?token=t",
            expires,
        );
        assert!(draft.blocks.contains(&Block::Link {
            label: "Choose a new password".to_owned(),
            url: "https://p.test/portal/reset?token=t".to_owned(),
        }));
        let Some(Block::Para(last)) = draft.blocks.last() else {
            panic!("the last block is a paragraph");
        };
        assert!(last.contains("Wednesday 1 July 2026, 13:00"), "{last}");
    }
}
