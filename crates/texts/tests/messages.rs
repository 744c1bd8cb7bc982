//! shared's messages (validation issues, refusals) and the server's codes, worded in all three
//! languages: every code the rules produce has a text, every argument is filled, a field is
//! named by its label and a state by its label, never a key.
#![cfg(feature = "fluent")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a failed unwrap is a failing test, also in its helpers outside #[test] \
              that clippy's allow-unwrap-in-tests does not reach"
)]

use chrono::NaiveDate;
use shared::message::{FieldLabel, Message};
use shared::model::*;
use shared::roles::Role;
use shared::workflow;
use texts::Lang;
use texts::messages::{text_of, words_in};

fn catalog(lang: Lang) -> Option<&'static texts::Catalog> {
    texts::fluent::cached(lang)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
}

/// Messages the rules really produce, from records that break them.
fn produced() -> Vec<Message> {
    let mut out = Vec::new();
    let mut take = |errors: Vec<shared::validate::FieldError>| {
        out.extend(errors.into_iter().map(|e| e.message));
    };
    take(shared::validate::validate_person(
        &Person {
            name: "王".repeat(31),
            phone: "1381234".into(),
            birth_year: Some(1800),
            id_number: "123".into(),
            ..Default::default()
        },
        today(),
    ));
    let survey = Survey::default();
    take(shared::validate::validate_survey(&survey, &Person::default(), true, today()));
    take(shared::validate::validate_candidate(
        &Candidate { year: 1990, state: ApplicationState::Returned, ..Default::default() },
        today(),
    ));
    take(shared::validate::validate_contact_log(&ContactLog::default(), today()));
    take(shared::validate::validate_visit(&Visit::default(), today()));
    take(shared::validate::validate_funding(&Funding::default(), today()));
    take(shared::validate::validate_meeting(
        &Meeting { attended: Some(5), expected: Some(3), ..Default::default() },
        today(),
    ));
    take(shared::validate::validate_inspection(&Inspection::default(), today()));
    take(shared::validate::validate_base(&Base::default()));
    take(shared::validate::validate_notice(&Notice::default(), today()));
    take(shared::validate::validate_branch(&Branch::default()));
    take(shared::validate::validate_campaign(&Campaign {
        start_year: 1990,
        years: 0,
        ..Default::default()
    }));
    take(shared::scoring::validate_rubric(&Rubric::default()));
    let c = Category::VillageLeader;
    for (state, action, role) in [
        (ApplicationState::BranchAggregated, ApplicationAction::Approve, Role::BranchSecretary),
        (ApplicationState::Applied, ApplicationAction::Return, Role::BranchSecretary),
        (ApplicationState::Applied, ApplicationAction::Approve, Role::TownOffice),
        (ApplicationState::Removed, ApplicationAction::Apply, Role::TownOffice),
        (ApplicationState::CountyFiled, ApplicationAction::Name, Role::CountyViewer),
    ] {
        out.push(workflow::transition(state, action, role, c, None).unwrap_err().message());
    }
    out.push(shared::policy::preceded_by_refusal().message);
    // A score sheet that cannot be totalled.
    let rubric = Rubric {
        category: Some(Category::VillageLeader),
        version: 2,
        criteria: vec![Criterion {
            key: "income".into(),
            label: "增收".into(),
            weight: 1.0,
            max_score: 10.0,
        }],
    };
    let sheet = |scores: &[(&str, f64)], version| Assessment {
        category: Some(Category::VillageLeader),
        rubric_version: version,
        criteria: rubric.criteria.clone(),
        scores: scores.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        ..Default::default()
    };
    let scoring = |a: &Assessment, r: &Rubric| shared::scoring::score(a, r).unwrap_err().message();
    out.push(scoring(&sheet(&[], 1), &rubric));
    out.push(scoring(
        &sheet(&[], 2),
        &Rubric { category: Some(Category::ServicePost), ..rubric.clone() },
    ));
    out.push(scoring(&sheet(&[("income", 12.5)], 2), &rubric));
    out.push(scoring(&sheet(&[("luck", 1.0)], 2), &rubric));
    out.push(scoring(&sheet(&[], 2), &Rubric { criteria: vec![], ..rubric.clone() }));
    // The sync protocol header that is no number.
    out.push(shared::sync::protocol_of(Some("二")).unwrap_err().message());
    // The carry-over notes of a candidate's history.
    out.extend(carried_over().iter().filter_map(shared::candidacy::history_note));
    out
}

/// The history entries a carry-over writes: the new record's first, the old record's last.
fn carried_over() -> Vec<TransitionEntry> {
    let campaign = Campaign { start_year: 2024, years: 3, ..Default::default() };
    let old = Candidate {
        category: Some(Category::VillageLeader),
        year: 2024,
        pipeline: true,
        state: ApplicationState::Applied,
        ..Default::default()
    };
    let at = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let done =
        shared::candidacy::carry_over(uuid::Uuid::nil(), &old, &campaign, "甲", Role::Surveyor, at)
            .unwrap();
    vec![done.next.history[0].clone(), done.closed.history.last().unwrap().clone()]
}

#[test]
fn every_produced_message_is_worded_in_every_language() {
    let messages = produced();
    assert!(messages.len() > 40, "{}", messages.len());
    for lang in Lang::ALL {
        for m in &messages {
            let worded = words_in(catalog(lang), m)
                .unwrap_or_else(|| panic!("{}: no text for {m}", lang.tag()));
            for raw in ["{ $", "msg-", "field-label", "application-state", "_id", "branch_id"] {
                assert!(!worded.contains(raw), "{}: {m} worded {worded:?}", lang.tag());
            }
            assert!(!worded.trim().is_empty());
        }
    }
}

#[test]
fn every_message_code_has_its_words_and_arguments_filled() {
    let args = ["field", "state", "start", "action", "stage", "category", "entity", "from"];
    for code in texts::messages::KEYS {
        let code = code.trim_start_matches("msg-").replace('-', "_");
        let text = text_of(&code).unwrap();
        let mut m = Message { code: code.clone().into(), args: Default::default() };
        for name in [
            "n", "max", "first", "last", "year", "split", "total", "received", "recorded",
            "seconds", "minimum", "client", "start", "end", "min", "count", "row", "rows", "sheet",
            "rubric",
        ] {
            m = m.arg(name, 77_777usize);
        }
        for name in [
            "date",
            "time",
            "name",
            "code",
            "branch",
            "author",
            "id",
            "text",
            "missing",
            "problems",
            "detail",
            "value",
            "criterion",
            "score",
            "stored",
            "file",
            "candidates",
        ] {
            m = m.arg(name, "Ｘ");
        }
        for name in args {
            m = m.label(name, "field-label", "phone");
        }
        for lang in Lang::ALL {
            let worded = words_in(catalog(lang), &m).unwrap();
            assert!(!worded.contains('$') && !worded.contains("msg-"), "{code}: {worded}");
            if text.zh_hans().contains("{ $n }") || text.zh_hans().contains("{ $max }") {
                assert!(worded.contains("77777"), "{} {code}: {worded}", lang.tag());
            }
        }
    }
}

#[test]
fn fields_and_states_are_named_by_their_labels() {
    let m = Message::new("fill_in").field(FieldLabel::Branch);
    let say = |lang| words_in(catalog(lang), &m).unwrap();
    assert_eq!(say(Lang::ZhHans), "请填写所属支部");
    assert_eq!(say(Lang::ZhHant), "請填寫所屬支部");
    assert_eq!(say(Lang::En), "Please fill in branch");
    let m = workflow::transition(
        ApplicationState::Applied,
        ApplicationAction::Approve,
        Role::TownOffice,
        Category::VillageLeader,
        None,
    )
    .unwrap_err()
    .message();
    assert_eq!(
        words_in(None, &m).unwrap(),
        "当前状态为「已申报」，不能进行「镇党委审定」（须处于「支部已汇总」状态）"
    );
    let en = words_in(catalog(Lang::En), &m).unwrap();
    assert!(en.starts_with("Now “"), "{en}");
    assert!(!en.contains("applied"), "a code shown: {en}");
}

#[test]
fn the_old_chinese_wording_is_kept() {
    let zh = |m: Message| words_in(None, &m).unwrap();
    assert_eq!(
        zh(workflow::WorkflowError::ScoresIncomplete(vec!["增收".into(), "带富".into()]).message()),
        "评分未完成，不能进行初评（缺少：增收、带富）"
    );
    assert_eq!(
        zh(Message::new("reason_required").label("action", "application-action", "return")),
        "退回必须填写理由"
    );
    let dup = shared::candidacy::CandidacyError::Duplicate {
        existing: uuid::Uuid::nil(),
        year: 2025,
        category: Some(Category::VillageLeader),
        state: Some(ApplicationState::Removed),
    };
    assert_eq!(
        zh(dup.message()),
        "该党员已有2025年度「渔农村党员创业创新带头人」争创记录（已移除），同一党员同一类别每年只登记一次"
    );
}

#[test]
fn form_upgrade_notes_and_setup_gaps_are_worded() {
    use shared::form::{Migration, Note};
    let m = Migration {
        from: 1,
        to: 2,
        changes: vec![],
        notes: vec![Note::Renamed { field: "employment".into(), from: "a".into(), to: "b".into() }],
    };
    let label = |f: &str| if f == "employment" { "从业情况".to_owned() } else { f.to_owned() };
    let note = m.describe(&label).unwrap();
    assert_eq!(
        words_in(None, &note).unwrap(),
        "表单由第1版升级到第2版：“从业情况”的选项代码 a 改为 b"
    );
    let en = words_in(catalog(Lang::En), &note).unwrap();
    assert!(en.starts_with("Form upgraded from version 1 to 2: "), "{en}");
    let gap = shared::rules::SetupGap::CandidatesOutsideCampaign {
        count: 2,
        years: vec![2011, 2026],
        first: 2012,
        last: 2015,
    };
    assert_eq!(
        words_in(None, &gap.message()).unwrap(),
        "有 2 名候选人的年度（2011年、2026年）不在活动年限 2012–2015 内，未计入任何统计：请修改活动年限或这些候选人的年度。"
    );
    let en = words_in(catalog(Lang::En), &gap.message()).unwrap();
    assert!(en.starts_with("2 candidates have years (2011, 2026) outside"), "{en}");
    assert!(en.contains(" and are counted nowhere"), "{en}");
}

/// The carry-over notes: worded in the reader's language, in zh-Hans as the record keeps them
/// for older apps (and as records kept them before the note).
#[test]
fn carry_over_notes_are_worded_and_keep_their_chinese() {
    let entries = carried_over();
    for entry in &entries {
        let note = shared::candidacy::history_note(entry).unwrap();
        assert_eq!(words_in(None, &note).unwrap(), entry.reason, "{note}");
    }
    let say = |lang, i: usize| {
        shared::candidacy::history_note_or_reason(&entries[i], |m| words_in(catalog(lang), m))
    };
    assert_eq!(say(Lang::ZhHans, 0), "由2024年度记录转入");
    assert_eq!(say(Lang::ZhHant, 0), "由2024年度記錄轉入");
    assert_eq!(say(Lang::En, 0), "Carried over from the 2024 record");
    assert_eq!(say(Lang::ZhHant, 1), "已轉入2025年度");
    assert_eq!(say(Lang::En, 1), "Carried over to 2025");
    // A record stored before the note (its zh-Hans words only) reads the same.
    let before = TransitionEntry { note: None, ..entries[0].clone() };
    let en = shared::candidacy::history_note_or_reason(&before, |m| words_in(catalog(Lang::En), m));
    assert_eq!(en, "Carried over from the 2024 record");
}

/// A score sheet's refusals name the criterion by its label and the numbers as written.
#[test]
fn scoring_errors_are_worded() {
    let e = shared::scoring::ScoringError::ScoreOutOfRange {
        label: "增收".into(),
        score: 12.5,
        max: 10.0,
    };
    assert_eq!(words_in(None, &e.message()).unwrap(), "「增收」得分12.5超出范围（0～10）");
    assert_eq!(
        words_in(catalog(Lang::En), &e.message()).unwrap(),
        "The score 12.5 for “增收” is out of range (0 to 10)"
    );
    let e = shared::scoring::ScoringError::RubricVersionMismatch { sheet: 1, rubric: 2 };
    assert_eq!(
        words_in(None, &e.message()).unwrap(),
        "评分表使用的是第1版考核细则，与当前第2版不一致，已记录的得分不随细则变更"
    );
    assert!(words_in(catalog(Lang::ZhHant), &e.message()).unwrap().contains("第1版考核細則"));
}

/// The server's own messages (a roster's issues, its refusals, a bad request): in English with
/// its plurals, in zh-Hant in the campaign document's words.
#[test]
fn roster_issues_and_bad_requests_are_worded() {
    let en = |m: &Message| words_in(catalog(Lang::En), m).unwrap();
    let hant = |m: &Message| words_in(catalog(Lang::ZhHant), m).unwrap();
    let unknown = Message::new("roster_branch_unknown").arg("branch", "渔业村党支部");
    assert_eq!(
        words_in(None, &unknown).unwrap(),
        "支部“渔业村党支部”不存在：请先在“支部管理”中建立该支部，或核对名称"
    );
    assert_eq!(
        en(&unknown),
        "There is no branch “渔业村党支部”: create it under “Branches” first, or check the name"
    );
    assert!(hant(&unknown).starts_with("支部“渔业村党支部”不存在：請先"), "{}", hant(&unknown));
    let problems = |n: usize| Message::new("roster_has_problems").arg("count", n);
    assert!(en(&problems(1)).starts_with("The roster has 1 problem;"), "{}", en(&problems(1)));
    assert!(en(&problems(3)).starts_with("The roster has 3 problems;"), "{}", en(&problems(3)));
    let refused = Message::new("roster_refused")
        .arg("count", 2usize)
        .arg("first", vec![Message::new("missing_branch")]);
    assert_eq!(
        en(&refused),
        format!(
            "The server refused 2 records of the roster ({}); nothing was imported",
            en(&Message::new("missing_branch"))
        )
    );
    let password = Message::new("password_length").arg("min", 8usize).arg("max", 256usize);
    assert_eq!(words_in(None, &password).unwrap(), "密码长度应为 8 至 256 位");
    assert_eq!(en(&password), "The password must have 8 to 256 characters");
    assert_eq!(hant(&password), "密碼長度應為 8 至 256 位");
    // A member not moved to another branch (a note), a possible duplicate naming its candidates.
    let not_moved = Message::new("roster_not_moved")
        .arg("stored", "渔业村党支部")
        .arg("file", "海港社区党支部");
    assert!(
        en(&not_moved).starts_with(
            "Not moved: this member is recorded in “渔业村党支部”, the roster says “海港社区党支部”"
        ),
        "{}",
        en(&not_moved)
    );
    assert!(hant(&not_moved).starts_with("未轉支部"), "{}", hant(&not_moved));
    let possible =
        Message::new("roster_possible_duplicate").arg("name", "王海").arg("count", 2usize).arg(
            "candidates",
            vec![
                Message::new("roster_candidate_at").arg("year", 1970).arg("value", "东海村"),
                Message::new("roster_candidate_no_year"),
            ],
        );
    assert!(
        words_in(None, &possible)
            .unwrap()
            .contains("2 名“王海”（1970 年生，东海村；出生年份未填）"),
        "{}",
        words_in(None, &possible).unwrap()
    );
    assert!(
        en(&possible).contains("(born 1970, 东海村; year of birth not recorded)"),
        "{}",
        en(&possible)
    );
}
