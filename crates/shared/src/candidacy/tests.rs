use super::*;
use crate::model::ApplicationState as S;
use ApplicationAction as A;

/// The campaign of these tests: 2024-2026, as of 1 June 2026 (the server accepts 2000-2027).
fn campaign() -> Campaign {
    Campaign { start_year: 2024, years: 3, ..Campaign::default_plan() }
}

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap().and_hms_opt(9, 0, 0).unwrap()
}

/// Where a year lies relative to the campaign's years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    Before,
    First,
    Middle,
    Last,
    /// After the campaign, and the last year the server accepts (next calendar year).
    After,
}

const RELS: [Rel; 5] = [Rel::Before, Rel::First, Rel::Middle, Rel::Last, Rel::After];

fn year(rel: Rel) -> i32 {
    match rel {
        Rel::Before => 2023,
        Rel::First => 2024,
        Rel::Middle => 2025,
        Rel::Last => 2026,
        Rel::After => 2027,
    }
}

/// An outcome, as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Out {
    To(S),
    /// Refused by the workflow (state, role, reason).
    Workflow,
    /// Refused: outside the campaign's years.
    Outside,
    /// Refused: a year the server would refuse.
    Implausible,
    /// Refused: the record was carried over already (names the next year's record).
    Duplicate,
}

fn outcome<T>(r: Result<T, CandidacyError>, to: impl Fn(T) -> S) -> Out {
    match r {
        Ok(v) => Out::To(to(v)),
        Err(CandidacyError::Workflow(_)) => Out::Workflow,
        Err(CandidacyError::OutsideCampaign { .. }) => Out::Outside,
        Err(CandidacyError::ImplausibleYear { .. }) => Out::Implausible,
        Err(CandidacyError::Duplicate { .. }) => Out::Duplicate,
        Err(e) => panic!("unexpected {e:?}"),
    }
}

/// A pipeline village leader of `year` in `state` (carried-over records name their next one).
fn pipeline(state: S, year: i32) -> Candidate {
    Candidate {
        person_id: Uuid::from_u128(7),
        branch_id: "b1".into(),
        category: Some(Category::VillageLeader),
        year,
        state,
        pipeline: true,
        carried_to: (state == S::CarriedOver).then(|| Uuid::from_u128(99)),
        reason: "理由".into(),
        ..Default::default()
    }
}

/// The expected outcome of `action` by the town office on a pipeline record of `rel` in
/// `state`, written out by hand: only carry-over depends on the year (the next year must be a
/// campaign year the server accepts); every other step is the workflow table's.
fn expected(state: S, action: A, rel: Rel) -> Out {
    let open =
        [S::Applied, S::BranchAggregated, S::TownApproved, S::CountyFiled, S::Named, S::Adjusted];
    match action {
        A::CarryOver if state == S::CarriedOver => Out::Duplicate,
        A::CarryOver if !open.contains(&state) => Out::Workflow,
        A::CarryOver => match rel {
            Rel::Before | Rel::First | Rel::Middle => Out::To(S::CarriedOver),
            Rel::Last => Out::Outside,
            Rel::After => Out::Implausible,
        },
        _ => {
            let allowed: &[(S, A, S)] = &[
                (S::Returned, A::Apply, S::Applied),
                (S::Adjusted, A::Apply, S::Applied),
                (S::Applied, A::Aggregate, S::BranchAggregated),
                (S::BranchAggregated, A::Approve, S::TownApproved),
                (S::TownApproved, A::File, S::CountyFiled),
                (S::CountyFiled, A::Name, S::Named),
                (S::Applied, A::Return, S::Returned),
                (S::BranchAggregated, A::Return, S::Returned),
                (S::TownApproved, A::Return, S::Returned),
                (S::CountyFiled, A::Return, S::Returned),
                (S::Applied, A::Remove, S::Removed),
                (S::BranchAggregated, A::Remove, S::Removed),
                (S::TownApproved, A::Remove, S::Removed),
                (S::CountyFiled, A::Remove, S::Removed),
                (S::Named, A::Remove, S::Removed),
                (S::Returned, A::Remove, S::Removed),
                (S::Adjusted, A::Remove, S::Removed),
                (S::TownApproved, A::Adjust, S::Adjusted),
                (S::CountyFiled, A::Adjust, S::Adjusted),
                (S::Named, A::Adjust, S::Adjusted),
                (S::Removed, A::Restore, S::Applied),
            ];
            allowed
                .iter()
                .find(|(f, a, _)| (*f, *a) == (state, action))
                .map_or(Out::Workflow, |(_, _, to)| Out::To(*to))
        }
    }
}

/// Every (state, action, year relative to the campaign's years), as the office takes it.
#[test]
fn year_boundaries_every_state_action_and_year() {
    let campaign = campaign();
    let mut checked = 0;
    for state in S::ALL.iter().copied() {
        for action in A::ALL.iter().copied() {
            for rel in RELS {
                let c = pipeline(state, year(rel));
                let got = if action == A::CarryOver {
                    let r = carry_over(
                        Uuid::from_u128(1),
                        &c,
                        &campaign,
                        "镇组织办",
                        Role::TownOffice,
                        at(),
                    );
                    if let Ok(done) = &r {
                        assert_eq!(done.next.year, year(rel) + 1);
                        assert_eq!(done.next.state, S::Applied);
                        assert_eq!(done.next.carried_from, Some(Uuid::from_u128(1)));
                        assert_eq!(done.closed.carried_to, Some(done.next_id));
                        assert_eq!(done.closed.history.last().map(|e| e.to), Some(S::CarriedOver));
                    }
                    outcome(r, |done| done.closed.state)
                } else {
                    let mut c = c;
                    let r = workflow::apply_transition(
                        &mut c,
                        action,
                        "镇组织办",
                        Role::TownOffice,
                        at(),
                        Some("理由"),
                    );
                    outcome(r.map_err(CandidacyError::from), |s| s)
                };
                assert_eq!(got, expected(state, action, rel), "{state:?} {action:?} {rel:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9 * 10 * 5);

    // A new application, by year.
    for rel in RELS {
        let mut c = pipeline(S::Applied, year(rel));
        c.history.clear();
        let got = outcome(check_new(&c, &campaign, Role::Surveyor, at().date()), |()| S::Applied);
        let want = match rel {
            Rel::First | Rel::Middle | Rel::Last => Out::To(S::Applied),
            Rel::Before | Rel::After => Out::Outside,
        };
        assert_eq!(got, want, "new application {rel:?}");
    }
    assert_eq!(
        outcome(
            check_new(&pipeline(S::Applied, 2028), &campaign, Role::Surveyor, at().date()),
            |()| S::Applied
        ),
        Out::Implausible
    );
}

#[test]
fn the_key_gives_one_record_id_on_every_device() {
    let c = pipeline(S::Applied, 2025);
    let key = CandidacyKey::of(&c).unwrap();
    assert_eq!(key.record_id(), CandidacyKey::of(&c.clone()).unwrap().record_id());
    assert_eq!(key.record_id().get_version_num(), 8);
    let other_year = CandidacyKey { year: 2026, ..key };
    let other_category = CandidacyKey { category: Category::EnterprisePost, ..key };
    let other_person = CandidacyKey { person_id: Uuid::from_u128(8), ..key };
    for other in [other_year, other_category, other_person] {
        assert_ne!(other.record_id(), key.record_id(), "{other:?}");
    }
    assert_eq!(CandidacyKey::of(&Candidate::default()), None);
}

#[test]
fn a_second_record_of_the_same_candidacy_is_refused_naming_the_first() {
    let first = pipeline(S::Removed, 2025);
    let second = pipeline(S::Applied, 2025);
    let others = [(Uuid::from_u128(1), &first)];
    let err = check_unique(Uuid::from_u128(2), &second, others).unwrap_err();
    assert_eq!(err.existing(), Some(Uuid::from_u128(1)));
    assert_eq!(
        err.to_string(),
        "duplicate_candidacy(category=category:village_leader, state=application-state:removed, year=2025)"
    );
    // The record itself is no duplicate of itself; another year or category is another one.
    assert_eq!(check_unique(Uuid::from_u128(1), &first, others), Ok(()));
    let next_year = pipeline(S::Applied, 2026);
    assert_eq!(check_unique(Uuid::from_u128(2), &next_year, others), Ok(()));
    let mut enterprise = second.clone();
    enterprise.category = Some(Category::EnterprisePost);
    assert_eq!(check_unique(Uuid::from_u128(2), &enterprise, others), Ok(()));
}

#[test]
fn carrying_over_twice_on_two_tablets_writes_the_same_record() {
    let campaign = campaign();
    let old = pipeline(S::Applied, 2024);
    let a = carry_over(Uuid::from_u128(1), &old, &campaign, "甲", Role::Surveyor, at()).unwrap();
    let later = at() + chrono::Duration::minutes(5);
    let b = carry_over(Uuid::from_u128(1), &old, &campaign, "乙", Role::BranchSecretary, later)
        .unwrap();
    assert_eq!(a.next_id, b.next_id, "both tablets name the same next-year record");
    assert_eq!(a.next_id, CandidacyKey::of(&a.next).unwrap().record_id());
    assert_eq!(
        (a.next.year, a.next.pipeline, a.next.carried_from),
        (2025, false, Some(Uuid::from_u128(1)))
    );
    assert_eq!(a.next.history[0].action, Some(A::CarryOver));
    // The notes are messages (worded in the reader's language); `reason` keeps their zh-Hans
    // words for apps from before the note.
    assert_eq!(a.next.history[0].note, Some(carried_from_note(2024)));
    assert_eq!(a.next.history[0].reason, "由2024年度记录转入");
    assert_eq!(a.closed.history.last().unwrap().note, Some(carried_to_note(2025)));
    assert_eq!(a.closed.history.last().unwrap().reason, "已转入2025年度");
    assert_eq!(history_note(&a.next.history[0]).unwrap().to_string(), "carried_from(year=2024)");
    // Pressed again on the same tablet: refused, naming the next year's record.
    let err = carry_over(Uuid::from_u128(1), &a.closed, &campaign, "甲", Role::Surveyor, later)
        .unwrap_err();
    assert_eq!(err.existing(), Some(a.next_id));
    // A record that is neither pipeline nor service post does not go on.
    let mut plain = old.clone();
    plain.pipeline = false;
    assert_eq!(
        carry_over(Uuid::from_u128(1), &plain, &campaign, "甲", Role::Surveyor, at()),
        Err(CandidacyError::NotCarriable)
    );
    // Service posts are chosen every year, by the office.
    let service = Candidate { category: Some(Category::ServicePost), pipeline: false, ..old };
    assert!(
        carry_over(Uuid::from_u128(1), &service, &campaign, "镇组织办", Role::TownOffice, at())
            .is_ok()
    );
    assert!(matches!(
        carry_over(Uuid::from_u128(1), &service, &campaign, "甲", Role::Surveyor, at()),
        Err(CandidacyError::Workflow(WorkflowError::RoleNotAllowed(_)))
    ));
}

/// A carry-over recorded before history entries had a note kept only its zh-Hans words: they
/// are read back as the note, so they too are worded in the reader's language; any other
/// reason (a person's) is shown as written.
#[test]
fn carry_over_notes_stored_before_the_note_are_read_back() {
    let entry = |action, reason: &str| TransitionEntry {
        action: Some(action),
        reason: reason.to_owned(),
        ..TransitionEntry::default()
    };
    let old: TransitionEntry = serde_json::from_value(serde_json::json!({
        "from": null, "to": "applied", "action": "carry_over", "by": "甲", "role": "surveyor",
        "at": "2025-03-01T09:00:00", "reason": "由2024年度记录转入"
    }))
    .unwrap();
    assert_eq!(old.note, None);
    assert_eq!(history_note(&old), Some(carried_from_note(2024)));
    assert_eq!(history_note(&entry(A::CarryOver, "已转入2025年度")), Some(carried_to_note(2025)));
    assert_eq!(history_note(&entry(A::CarryOver, "由去年转入")), None);
    assert_eq!(history_note(&entry(A::Return, "由2024年度记录转入")), None, "a person's words");
    let shown = history_note_or_reason(&entry(A::Return, "材料不全"), |m| Some(m.to_string()));
    assert_eq!(shown, "材料不全");
    // Written without a note, an entry has no `note` key (older apps read it as before).
    let v = serde_json::to_value(entry(A::Return, "材料不全")).unwrap();
    assert!(v.get("note").is_none(), "{v}");
}
