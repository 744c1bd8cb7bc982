//! Rules for the campaign's other records (candidates, contacts, visits, funding, meetings,
//! inspections, bases, notices, branches, campaign settings). Rubrics and score sheets are
//! checked in [`crate::scoring`].

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use super::{Errors, FieldError, FieldLabel, Message, earliest_date};
use crate::model::{
    ApplicationState, Base, Branch, Campaign, Candidate, ContactLog, Funding, Inspection, Meeting,
    Notice, Visit,
};

/// A candidate profile: person, category, a plausible year, a branch for branch-applied
/// categories, standards of the candidate's category, and a reason once returned/removed/adjusted.
pub fn validate_candidate(candidate: &Candidate, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_id("person_id", &candidate.person_id, FieldLabel::Member);
    e.require_some("category", &candidate.category, FieldLabel::Category);
    let years = earliest_date().year()..=today.year() + 1;
    if !years.contains(&candidate.year) {
        e.push(
            "year",
            Message::new("year_out_of_range")
                .arg("first", *years.start())
                .arg("last", *years.end()),
        );
    }
    e.require_text("branch_id", &candidate.branch_id, FieldLabel::Branch);
    if let Some(category) = candidate.category {
        let known = category.standards();
        for (i, check) in candidate.standards.iter().enumerate() {
            if !known.contains(&check.item.as_str()) {
                e.push(format!("standards[{i}].item"), "standard_not_of_category");
            } else if check.met && check.evidence.trim().is_empty() {
                e.push(format!("standards[{i}].evidence"), "evidence_required");
            }
        }
    }
    let needs_reason = matches!(
        candidate.state,
        ApplicationState::Returned | ApplicationState::Removed | ApplicationState::Adjusted
    );
    if needs_reason && candidate.reason.trim().is_empty() {
        e.push("reason", Message::new("state_needs_reason").state(candidate.state));
    }
    e.into_vec()
}

/// A contact or guidance session: candidate, a date not after today, the way, what was said
/// and who made it.
pub fn validate_contact_log(log: &ContactLog, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_id("candidate_id", &log.candidate_id, FieldLabel::Candidate);
    e.require_date("date", log.date, FieldLabel::ContactDate, today);
    e.require_some("way", &log.way, FieldLabel::ContactWay);
    e.require_text("content", &log.content, FieldLabel::ContactContent);
    e.require_text("contact_person", &log.contact_person, FieldLabel::ContactPerson);
    e.into_vec()
}

/// A base visit: base, date, at least one attendee (each once), and what was learned.
pub fn validate_visit(visit: &Visit, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_id("base_id", &visit.base_id, FieldLabel::Base);
    e.require_date("date", visit.date, FieldLabel::VisitDate, today);
    if visit.attendees.is_empty() {
        e.push_missing("attendees", "attendees_required");
    }
    let mut seen = HashSet::new();
    if visit.attendees.iter().any(|a| a.is_nil() || !seen.insert(*a)) {
        e.push("attendees", "attendees_invalid");
    }
    e.require_text("content", &visit.content, FieldLabel::VisitContent);
    e.into_vec()
}

/// A funding record: candidate, kind, paying level, a positive amount and a date.
pub fn validate_funding(funding: &Funding, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_id("candidate_id", &funding.candidate_id, FieldLabel::Candidate);
    e.require_some("kind", &funding.kind, FieldLabel::FundingKind);
    e.require_some("level", &funding.level, FieldLabel::FundingLevel);
    if funding.amount_fen <= 0 {
        e.push("amount_fen", "amount_not_positive");
    }
    e.require_date("date", funding.date, FieldLabel::FundingDate, today);
    e.into_vec()
}

/// A mobilisation meeting: branch, date, topics; attendance not above the expected number.
pub fn validate_meeting(meeting: &Meeting, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_text("branch_id", &meeting.branch_id, FieldLabel::MeetingBranch);
    e.require_date("date", meeting.date, FieldLabel::MeetingDate, today);
    e.require_text("topics", &meeting.topics, FieldLabel::MeetingTopics);
    match meeting.attended {
        None => e.push_missing("attended", Message::new("fill_in").field(FieldLabel::Attended)),
        Some(0) => e.push("attended", "attended_not_positive"),
        Some(n) if meeting.expected.is_some_and(|x| n > x) => {
            e.push("attended", "attended_over_expected")
        }
        Some(_) => {}
    }
    e.into_vec()
}

/// An inspection: branch, date, kind, findings; each fix named, due and fixed not before the
/// inspection, fixed not after today.
pub fn validate_inspection(inspection: &Inspection, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_text("branch_id", &inspection.branch_id, FieldLabel::InspectedBranch);
    e.require_date("date", inspection.date, FieldLabel::InspectionDate, today);
    e.require_some("kind", &inspection.kind, FieldLabel::InspectionKind);
    e.require_text("findings", &inspection.findings, FieldLabel::Findings);
    for (i, fix) in inspection.fixes.iter().enumerate() {
        e.require_text(&format!("fixes[{i}].item"), &fix.item, FieldLabel::FixItem);
        let before_inspection =
            |d: Option<NaiveDate>| matches!((d, inspection.date), (Some(d), Some(at)) if d < at);
        if before_inspection(fix.due) {
            e.push(format!("fixes[{i}].due"), "fix_due_before_inspection");
        }
        if before_inspection(fix.fixed_on) {
            e.push(format!("fixes[{i}].fixed_on"), "fixed_before_inspection");
        } else if fix.fixed_on.is_some_and(|d| d > today) {
            e.push(format!("fixes[{i}].fixed_on"), "fixed_after_today");
        }
    }
    e.into_vec()
}

/// A demonstration base: name and industry.
pub fn validate_base(base: &Base) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_text("name", &base.name, FieldLabel::BaseName);
    e.require_text("industry", &base.industry, FieldLabel::Industry);
    e.into_vec()
}

/// A notice: title, body and publication date (may be scheduled up to a year ahead).
pub fn validate_notice(notice: &Notice, today: NaiveDate) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_text("title", &notice.title, FieldLabel::NoticeTitle);
    e.require_text("body", &notice.body, FieldLabel::NoticeBody);
    let latest = today.checked_add_days(chrono::Days::new(366)).unwrap_or(today);
    e.require_date("published_on", notice.published_on, FieldLabel::PublishedOn, latest);
    e.into_vec()
}

/// A branch: name and kind.
pub fn validate_branch(branch: &Branch) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_text("name", &branch.name, FieldLabel::BranchName);
    e.require_some("kind", &branch.kind, FieldLabel::BranchKind);
    e.into_vec()
}

/// Campaign settings: a start year from 2000 to 2100, 1 to 10 years, yearly splits only for
/// the campaign's years and not above the category's total.
pub fn validate_campaign(campaign: &Campaign) -> Vec<FieldError> {
    let mut e = Errors::default();
    if !(2000..=2100).contains(&campaign.start_year) {
        e.push(
            "start_year",
            Message::new("start_year_out_of_range").arg("first", 2000).arg("last", 2100),
        );
    }
    if !(1..=10).contains(&campaign.years) {
        e.push(
            "years",
            Message::new("campaign_years_out_of_range").arg("first", 1).arg("last", 10),
        );
    }
    for (category, target) in &campaign.targets {
        let key = category.as_str();
        for year in target.per_year.keys() {
            if !campaign.contains_year(*year) {
                e.push(
                    format!("targets.{key}.per_year.{year}"),
                    Message::new("year_outside_campaign").arg("year", *year),
                );
            }
        }
        let split: u32 = target.per_year.values().sum();
        if split > target.total {
            e.push(
                format!("targets.{key}.per_year"),
                Message::new("yearly_targets_over_total")
                    .category(*category)
                    .arg("split", split)
                    .arg("total", target.total),
            );
        }
    }
    e.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::validate::has_error;
    use uuid::Uuid;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 6, 1).unwrap()
    }
    fn day(m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2013, m, d)
    }

    #[test]
    fn candidate_rules() {
        let mut c = Candidate {
            person_id: Uuid::now_v7(),
            branch_id: "b1".into(),
            category: Some(Category::VillageLeader),
            year: 2013,
            standards: StandardCheck::checklist(Category::VillageLeader),
            ..Default::default()
        };
        assert_eq!(validate_candidate(&c, today()), vec![]);
        c.standards[1].met = true;
        assert!(has_error(&validate_candidate(&c, today()), "standards[1].evidence"));
        c.standards[1].evidence = "年收入增长30%".into();
        c.standards.push(StandardCheck { item: "敬业爱岗".into(), ..Default::default() });
        assert!(has_error(&validate_candidate(&c, today()), "standards[5].item"));
        c.standards.pop();
        c.state = ApplicationState::Removed;
        assert_eq!(
            validate_candidate(&c, today())[0].message,
            Message::new("state_needs_reason").state(ApplicationState::Removed)
        );
        c.reason = "外出务工".into();
        assert!(validate_candidate(&c, today()).is_empty());
        c.year = 2015;
        assert!(has_error(&validate_candidate(&c, today()), "year"));
        c.year = 2014;
        assert!(validate_candidate(&c, today()).is_empty(), "next year's pipeline is fine");
        let empty = validate_candidate(&Candidate::default(), today());
        for f in ["person_id", "category", "year", "branch_id"] {
            assert!(has_error(&empty, f), "{f}");
        }
    }

    #[test]
    fn contact_log_rules() {
        let log = ContactLog {
            candidate_id: Uuid::now_v7(),
            date: day(6, 1),
            way: Some(ContactWay::Visit),
            content: "了解养殖情况".into(),
            contact_person: "镇渔农办 陈".into(),
            ..Default::default()
        };
        assert!(validate_contact_log(&log, today()).is_empty());
        let future = ContactLog { date: day(6, 2), ..log.clone() };
        assert_eq!(
            validate_contact_log(&future, today())[0].message,
            Message::new("date_too_late").field(FieldLabel::ContactDate).arg("date", today())
        );
        let old = ContactLog { date: NaiveDate::from_ymd_opt(1999, 12, 31), ..log };
        assert!(has_error(&validate_contact_log(&old, today()), "date"));
        let empty = validate_contact_log(&ContactLog::default(), today());
        assert_eq!(empty.len(), 5);
    }

    #[test]
    fn visit_needs_attendees() {
        let a = Uuid::now_v7();
        let visit = Visit {
            base_id: Uuid::now_v7(),
            date: day(5, 1),
            attendees: vec![a],
            content: "参观大黄鱼养殖基地".into(),
            ..Default::default()
        };
        assert!(validate_visit(&visit, today()).is_empty());
        let none = Visit { attendees: vec![], ..visit.clone() };
        assert_eq!(validate_visit(&none, today())[0].message, "attendees_required".into());
        let twice = Visit { attendees: vec![a, a], ..visit };
        assert!(has_error(&validate_visit(&twice, today()), "attendees"));
    }

    #[test]
    fn funding_amount_positive() {
        let f = Funding {
            candidate_id: Uuid::now_v7(),
            kind: Some(FundingKind::InterestSubsidy),
            level: Some(FundingLevel::County),
            amount_fen: 1,
            date: day(3, 3),
            ..Default::default()
        };
        assert!(validate_funding(&f, today()).is_empty());
        for amount in [0, -100] {
            let bad = Funding { amount_fen: amount, ..f.clone() };
            assert_eq!(
                validate_funding(&bad, today()),
                vec![FieldError::new("amount_fen", "amount_not_positive")]
            );
        }
    }

    #[test]
    fn meeting_attendance() {
        let m = Meeting {
            branch_id: "b1".into(),
            date: day(2, 1),
            attended: Some(30),
            expected: Some(32),
            topics: "传达文件".into(),
        };
        assert!(validate_meeting(&m, today()).is_empty());
        let over = Meeting { attended: Some(33), ..m.clone() };
        assert_eq!(validate_meeting(&over, today())[0].message, "attended_over_expected".into());
        let zero = Meeting { attended: Some(0), ..m };
        assert!(has_error(&validate_meeting(&zero, today()), "attended"));
    }

    #[test]
    fn inspection_fix_dates() {
        let i = Inspection {
            branch_id: "b1".into(),
            date: day(4, 10),
            kind: Some(InspectionKind::Unannounced),
            findings: "台账不全".into(),
            fixes: vec![Fix { item: "补全台账".into(), due: day(5, 10), fixed_on: day(5, 1) }],
            ..Default::default()
        };
        assert!(validate_inspection(&i, today()).is_empty());
        let mut bad = i.clone();
        bad.fixes[0] = Fix { item: "".into(), due: day(4, 9), fixed_on: day(6, 2) };
        let errors = validate_inspection(&bad, today());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fixes[0].item", "fixes[0].due", "fixes[0].fixed_on"]);
    }

    #[test]
    fn base_notice_branch() {
        assert_eq!(validate_base(&Base::default()).len(), 2);
        assert_eq!(
            validate_branch(&Branch {
                name: "东沙村支部".into(),
                kind: Some(BranchKind::Village),
                ..Default::default()
            }),
            vec![]
        );
        let n = Notice { title: "政策".into(), body: "…".into(), published_on: day(12, 31) };
        assert!(validate_notice(&n, today()).is_empty(), "scheduled ahead");
    }

    #[test]
    fn campaign_rules() {
        let mut plan = Campaign::default_plan();
        assert!(validate_campaign(&plan).is_empty());
        let target = plan.targets.get_mut(&Category::ServicePost).unwrap();
        target.per_year.insert(2012, 2);
        target.per_year.insert(2013, 2);
        target.per_year.insert(2016, 0);
        let errors = validate_campaign(&plan);
        assert!(has_error(&errors, "targets.service_post.per_year.2016"));
        assert!(has_error(&errors, "targets.service_post.per_year"));
        plan.years = 0;
        assert!(has_error(&validate_campaign(&plan), "years"));
    }
}
