//! Free slots.

use super::*;

#[test]
fn free_slots_across_the_london_spring_forward_week_stay_at_local_hours() {
    let s = london();
    // Friday 27 March 2026, 12:00 GMT; clocks go forward on Sunday 29 March.
    let slots = free_slots(&s, &[], at("2026-03-27T12:00:00Z"));
    let local = local(&s, &slots);
    // Friday after noon (4), two full weeks minus Friday 10 April (9 × 8), and
    // Friday 10 April up to the horizon at 13:00 BST inclusive (5).
    assert_eq!(slots.len(), 4 + 9 * 8 + 5);
    assert_eq!(local[0], ("2026-03-27".into(), "13:00".into()));
    assert_eq!(slots[0].starts_at, at("2026-03-27T13:00:00Z"));
    assert_eq!(local[4], ("2026-03-30".into(), "09:00".into()));
    assert_eq!(
        slots[4],
        slot("2026-03-30T08:00:00Z", "2026-03-30T09:00:00Z")
    );
    assert_eq!(local.last(), Some(&("2026-04-10".into(), "13:00".into())));
    assert!(in_default_hours(&local));
}

#[test]
fn free_slots_across_the_london_fall_back_week_stay_at_local_hours() {
    let s = london();
    // Friday 23 October 2026 16:30 BST; clocks go back on Sunday 25 October.
    let slots = free_slots(&s, &[], at("2026-10-23T15:30:00Z"));
    let local = local(&s, &slots);
    assert_eq!(local[0], ("2026-10-26".into(), "09:00".into()));
    assert_eq!(slots[0].starts_at, at("2026-10-26T09:00:00Z"));
    let friday_before = at("2026-10-23T08:00:00Z");
    assert!(slots.iter().all(|s| s.starts_at > friday_before));
    // Two full weeks of weekdays, then Friday 6 November up to 15:30 GMT: 09:00..15:00.
    assert_eq!(slots.len(), 9 * 8 + 7);
    assert!(in_default_hours(&local));
}

#[test]
fn a_spring_forward_gap_offers_no_slot() {
    let s = sunday_night(60, "00:00", "04:00");
    let slots = free_slots(&s, &[], at("2026-03-28T12:00:00Z"));
    let first_sunday: Vec<Slot> = slots.into_iter().take(3).collect();
    assert_eq!(
        first_sunday,
        vec![
            slot("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"), // 00:00 GMT
            slot("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"), // 02:00 BST; 01:00 does not exist
            slot("2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"), // 03:00 BST
        ]
    );
}

#[test]
fn a_fall_back_fold_offers_the_earlier_instant_once() {
    let s = sunday_night(60, "00:00", "04:00");
    let slots = free_slots(&s, &[], at("2026-10-24T12:00:00Z"));
    let first_sunday: Vec<Timestamp> = slots.iter().take(4).map(|s| s.starts_at).collect();
    assert_eq!(
        first_sunday,
        vec![
            at("2026-10-24T23:00:00Z"), // 00:00 BST
            at("2026-10-25T00:00:00Z"), // 01:00 BST, the earlier of two 01:00s
            at("2026-10-25T02:00:00Z"), // 02:00 GMT
            at("2026-10-25T03:00:00Z"), // 03:00 GMT
        ]
    );
    assert_eq!(
        is_bookable(
            &s,
            &[],
            at("2026-10-24T12:00:00Z"),
            at("2026-10-25T01:00:00Z")
        ),
        Err(NotBookable::Misaligned),
        "the later 01:00 is not a slot"
    );
}

#[test]
fn slots_made_to_overlap_by_a_clock_change_keep_the_earlier_one() {
    let s = sunday_night(45, "00:30", "04:00");
    let slots = free_slots(&s, &[], at("2026-03-28T12:00:00Z"));
    let sunday: Vec<Slot> = slots.into_iter().take(2).collect();
    // 00:30 GMT lasts to 01:15Z; 02:00 BST (01:00Z) would overlap it; 02:45 BST is next.
    assert_eq!(
        sunday,
        vec![
            slot("2026-03-29T00:30:00Z", "2026-03-29T01:15:00Z"),
            slot("2026-03-29T01:45:00Z", "2026-03-29T02:30:00Z"),
        ]
    );
}

#[test]
fn free_slots_in_new_york_follow_the_american_change_date() {
    let s = in_zone("America/New_York");
    // Friday 6 March 2026 12:00 EST; US clocks go forward on Sunday 8 March.
    let slots = free_slots(&s, &[], at("2026-03-06T17:00:00Z"));
    assert_eq!(slots[0].starts_at, at("2026-03-06T18:00:00Z")); // 13:00 EST
    assert_eq!(slots[4].starts_at, at("2026-03-09T13:00:00Z")); // 09:00 EDT
    assert!(in_default_hours(&local(&s, &slots)));
}

#[test]
fn free_slots_in_sydney_follow_the_southern_autumn_change() {
    let s = in_zone("Australia/Sydney");
    // Thursday 2 April 2026 18:00 AEDT; Sydney clocks go back on Sunday 5 April.
    let slots = free_slots(&s, &[], at("2026-04-02T07:00:00Z"));
    assert_eq!(slots[0].starts_at, at("2026-04-02T22:00:00Z")); // Fri 09:00 AEDT (+11)
    assert_eq!(slots[8].starts_at, at("2026-04-05T23:00:00Z")); // Mon 09:00 AEST (+10)
    let local = local(&s, &slots);
    assert!(in_default_hours(&local));
}

#[test]
fn weekends_offer_slots_only_when_the_team_sets_hours_for_them() {
    let s = london();
    let saturday = |slots: &[Slot]| local(&s, slots).iter().any(|(d, _)| d == "2026-03-28");
    assert!(!saturday(&free_slots(&s, &[], at("2026-03-27T12:00:00Z"))));
    let mut open = london();
    open.working_hours.sat = WorkingHours::from_entries([("sat", "10:00", "12:00")])
        .expect("valid")
        .sat;
    let slots = free_slots(&open, &[], at("2026-03-27T12:00:00Z"));
    assert!(slots.contains(&slot("2026-03-28T10:00:00Z", "2026-03-28T11:00:00Z")));
}

#[test]
fn scheduled_appointments_hide_every_slot_they_overlap() {
    let busy = [slot(
        "2026-03-30T09:30:00+01:00",
        "2026-03-30T11:00:00+01:00",
    )];
    let slots = free_slots(&london(), &busy, at("2026-03-27T12:00:00Z"));
    let monday: Vec<String> = local(&london(), &slots)
        .into_iter()
        .filter(|(d, _)| d == "2026-03-30")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        monday,
        ["11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]
    );
}

#[test]
fn a_slot_starting_exactly_now_is_not_free_and_one_at_the_horizon_is() {
    let now = at("2026-03-25T10:00:00Z");
    let slots = free_slots(&london(), &[], now);
    assert_eq!(slots[0].starts_at, at("2026-03-25T11:00:00Z"));
    assert_eq!(
        slots.last().map(|s| s.starts_at),
        Some(at("2026-04-08T10:00:00Z"))
    );
}
