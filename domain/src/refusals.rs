//! Every rule a command can break, by its stable code: the problem types the
//! API answers refusals with (docs/api.md, Problem types).

use crate::aggregate::{RefusalKind, Rule};
use crate::{access, client, conversation, credentials, diary, file, invoice, invoice_numbers};
use crate::{quote, schedule, team};

/// One rule: its code, how it is reported, and the error type it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCode {
    pub code: &'static str,
    pub kind: RefusalKind,
    pub error: &'static str,
}

/// Codes two error types share because they name the same rule; any other
/// code names one rule of one error type, so a variant name two error types
/// share for different rules carries its aggregate's name first
/// (`quote-name-missing`, `client-name-missing`).
pub const SHARED: &[&str] = &["portal-suspended", "invalid-email"];

fn of<R: Rule>(error: &'static str) -> impl Iterator<Item = RuleCode> {
    R::iter().map(move |rule| RuleCode {
        code: rule.into(),
        kind: rule.kind(),
        error,
    })
}

/// Every rule of every error type, a shared code once per error type.
pub fn all() -> Vec<RuleCode> {
    let mut rules = Vec::new();
    rules.extend(of::<access::AccessRule>("AccessDenied"));
    rules.extend(of::<client::ClientRule>("ClientError"));
    rules.extend(of::<conversation::ConversationRule>("ConversationError"));
    rules.extend(of::<credentials::CredentialsRule>("CredentialsError"));
    rules.extend(of::<diary::DiaryRule>("DiaryError"));
    rules.extend(of::<file::FileRule>("FileError"));
    rules.extend(of::<invoice::InvoiceRule>("InvoiceError"));
    rules.extend(of::<invoice_numbers::InvoiceNumbersRule>(
        "InvoiceNumbersError",
    ));
    rules.extend(of::<quote::QuoteRule>("QuoteError"));
    rules.extend(of::<schedule::ScheduleRule>("ScheduleError"));
    rules.extend(of::<team::TeamRule>("TeamError"));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Refusal;
    use crate::access::{AccessDenied, Section};
    use std::collections::BTreeMap;

    #[test]
    fn every_code_is_kebab_case_and_names_one_rule() {
        let mut seen: BTreeMap<&str, RuleCode> = BTreeMap::new();
        for rule in all() {
            assert!(
                !rule.code.is_empty()
                    && rule
                        .code
                        .split('-')
                        .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())),
                "{rule:?} is not kebab case"
            );
            if let Some(first) = seen.insert(rule.code, rule) {
                assert!(
                    SHARED.contains(&rule.code) && first.kind == rule.kind,
                    "{} and {} both answer {:?}: give them distinct codes, or list \
                     the code in SHARED when it is the same rule",
                    first.error,
                    rule.error,
                    rule.code
                );
            }
        }
        for code in SHARED {
            assert_eq!(
                all().iter().filter(|r| r.code == *code).count(),
                2,
                "{code} is not shared"
            );
        }
    }

    #[test]
    fn a_variant_wrapping_another_refusal_answers_its_code() {
        let off = AccessDenied::SectionOff(Section::Quotes);
        assert_eq!(off.code(), "section-off");
        assert_eq!(crate::quote::QuoteError::from(off).code(), "section-off");
        assert_eq!(
            crate::diary::DiaryError::from(AccessDenied::PortalSuspended).code(),
            "portal-suspended"
        );
        let overlap = crate::schedule::ScheduleError::Overlap(crate::schedule::Weekday::Mon);
        assert_eq!(crate::team::TeamError::from(overlap).code(), "overlap");
        assert!(
            all()
                .iter()
                .all(|r| !["access", "schedule"].contains(&r.code))
        );
    }

    #[test]
    fn a_wrapping_variant_has_the_kind_of_every_rule_it_wraps() {
        use crate::{conversation::ConversationRule, diary::DiaryRule, file::FileRule};
        let access = [
            ConversationRule::Access.kind(),
            DiaryRule::Access.kind(),
            FileRule::Access.kind(),
            quote::QuoteRule::Access.kind(),
        ];
        for rule in of::<access::AccessRule>("AccessDenied") {
            assert!(access.iter().all(|kind| *kind == rule.kind), "{rule:?}");
        }
        for rule in of::<schedule::ScheduleRule>("ScheduleError") {
            assert_eq!(rule.kind, team::TeamRule::Schedule.kind(), "{rule:?}");
        }
    }

    #[test]
    fn codes_are_the_variant_names() {
        assert_eq!(
            crate::quote::QuoteError::AlreadyAccepted.code(),
            "already-accepted"
        );
        assert_eq!(crate::diary::DiaryError::SlotTaken.code(), "slot-taken");
        assert_eq!(
            crate::quote::QuoteError::RevisionChanged {
                shown: 1,
                current: 2
            }
            .code(),
            "revision-changed"
        );
        assert_eq!(
            crate::quote::QuoteError::NameMissing.code(),
            "quote-name-missing"
        );
    }
}
