//! Titles and line descriptions reach the certificate, emails and pages:
//! no forged lines, terminal escapes or reordering characters in them.

use super::*;

fn described(description: &str) -> Vec<QuoteLine> {
    vec![line(7, description, "1", "3.00", "20")]
}

#[test]
fn a_title_is_one_line_without_escapes_or_overrides() {
    for title in [
        "New\nboiler",
        "New\u{1b}[2J boiler",
        "New \u{202e}reliob",
        "New\u{200b}boiler",
    ] {
        given::<Quote>([])
            .when(titled(title))
            .then_refused(QuoteError::TitleHasHiddenCharacters);
    }
    let edit = QuoteCommand::Edit {
        team: team(),
        by: staff(),
        title: Some("New\tboiler".to_owned()),
        expires_on: None,
        lines: None,
    };
    given::<Quote>([drafted()])
        .when(edit)
        .then_refused(QuoteError::TitleHasHiddenCharacters);
}

#[test]
fn a_line_description_may_span_lines_but_holds_no_escapes_or_overrides() {
    for description in [
        "Pipe\r\nfitting",
        "Pipe\u{1b}]0;x\u{7}",
        "Pipe \u{2066}x\u{2069}",
    ] {
        given::<Quote>([])
            .when(draft_cmd(described(description)))
            .then_refused(QuoteError::DescriptionHasHiddenCharacters(LineId(
                Uuid::from_u128(7),
            )));
        given::<Quote>([drafted()])
            .when(edit_lines(described(description)))
            .then_refused(QuoteError::DescriptionHasHiddenCharacters(LineId(
                Uuid::from_u128(7),
            )));
    }
    let lines = described("Copper pipe\n\t15 mm, 2 m");
    given::<Quote>([])
        .at(now())
        .when(draft_cmd(lines.clone()))
        .then([drafted_with(lines)]);
}
