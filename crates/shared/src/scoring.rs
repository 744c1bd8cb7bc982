//! Quantified assessment (考核评价体系量化): weighted rubrics as data, totals normalised to 100,
//! and rankings per category per year.
//!
//! An assessment keeps a snapshot of the rubric version it was started with, so editing a
//! rubric mid-year (which bumps its version) never changes totals already recorded.

use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::model::{ApplicationState, Assessment, Candidate, Category, CommendationStage, Rubric};
use crate::validate::{Errors, FieldError, FieldLabel, Message};

/// Why a score sheet cannot be totalled: [`ScoringError::message`] is what a person reads
/// (worded by `crates/texts`); the `Display` is for logs.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.message())]
pub enum ScoringError {
    RubricVersionMismatch {
        sheet: u32,
        rubric: u32,
    },
    CategoryMismatch,
    NoWeight,
    ScoreOutOfRange {
        label: String,
        score: f64,
        max: f64,
    },
    /// A score under a key the sheet's rubric does not have (the key is not for people's eyes).
    UnknownCriterion(String),
}

impl ScoringError {
    pub fn message(&self) -> Message {
        match self {
            ScoringError::RubricVersionMismatch { sheet, rubric } => {
                Message::new("rubric_version_mismatch").arg("sheet", *sheet).arg("rubric", *rubric)
            }
            ScoringError::CategoryMismatch => Message::new("rubric_category_mismatch"),
            ScoringError::NoWeight => Message::new("rubric_no_weight"),
            ScoringError::ScoreOutOfRange { label, score, max } => {
                Message::new("criterion_score_out_of_range")
                    .arg("criterion", label)
                    .arg("score", number_text(*score))
                    .arg("max", number_text(*max))
            }
            ScoringError::UnknownCriterion(_) => Message::new("criterion_not_in_rubric"),
        }
    }
}

/// A score, weight or maximum as a person writes it: `12`, `7.5` (never `12.0`).
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// Check a rubric the office edits: a category, a version, at least one criterion, unique
/// non-empty keys, labels, positive weights and maximum scores.
pub fn validate_rubric(rubric: &Rubric) -> Vec<FieldError> {
    let mut e = Errors::default();
    e.require_some("category", &rubric.category, FieldLabel::Category);
    if rubric.version == 0 {
        e.push("version", "version_from_one");
    }
    if rubric.criteria.is_empty() {
        e.push_missing("criteria", "criteria_required");
    }
    let mut keys = HashSet::new();
    for (i, c) in rubric.criteria.iter().enumerate() {
        e.require_text(&format!("criteria[{i}].key"), &c.key, FieldLabel::CriterionKey);
        if !c.key.trim().is_empty() && !keys.insert(c.key.as_str()) {
            e.push(format!("criteria[{i}].key"), "criterion_key_repeated");
        }
        e.require_text(&format!("criteria[{i}].label"), &c.label, FieldLabel::CriterionLabel);
        if !(c.weight.is_finite() && c.weight > 0.0) {
            e.push(format!("criteria[{i}].weight"), "weight_not_positive");
        }
        if !(c.max_score.is_finite() && c.max_score > 0.0) {
            e.push(format!("criteria[{i}].max_score"), "max_score_not_positive");
        }
    }
    e.into_vec()
}

/// A starting rubric for `category` (version 1): one criterion per standard of the category
/// (keys `standard_1`, `standard_2`, …), equal weights, 10 points each. The office edits it.
pub fn default_rubric(category: Category) -> Rubric {
    Rubric {
        category: Some(category),
        version: 1,
        criteria: category
            .standards()
            .iter()
            .enumerate()
            .map(|(i, label)| crate::model::Criterion {
                key: format!("standard_{}", i + 1),
                label: (*label).to_owned(),
                weight: 1.0,
                max_score: 10.0,
            })
            .collect(),
    }
}

/// The rubric's next version after an edit: same category, `version + 1`, new criteria.
pub fn revise_rubric(rubric: &Rubric, criteria: Vec<crate::model::Criterion>) -> Rubric {
    Rubric { category: rubric.category, version: rubric.version + 1, criteria }
}

/// The record id every device gives the score sheet of `candidate_id` for `year` (UUID version
/// 8 from the SHA-256 of both), so a second 开始评分 — a double click, another office device —
/// writes the same record, which the sync merges into one. There is one sheet per candidate
/// per year. Sheets begun before this rule keep their random ids ([`one_sheet_each`]).
pub fn sheet_id(candidate_id: Uuid, year: i32) -> Uuid {
    use sha2::{Digest, Sha256};
    let text = format!("assessment/v1/{candidate_id}/{year}");
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// How far a sheet got: a decision (even 未通过) counts over one still being scored.
fn progress(stage: CommendationStage) -> u8 {
    match stage {
        CommendationStage::Scoring => 0,
        CommendationStage::NotPassed => 1,
        CommendationStage::TownReviewed => 2,
        CommendationStage::CountyApproved => 3,
        CommendationStage::CityNamed => 4,
        CommendationStage::TopTenRecommended => 5,
    }
}

/// The sheets that count: one per candidate and year. Where several were stored for the same
/// candidate and year (begun before [`sheet_id`], on two devices or by a double click), the one
/// kept is, in this order: the one furthest along the commendation cycle; the one with the most
/// scores; the one whose id is [`sheet_id`]; the greatest id (the latest begun, ids being
/// time-ordered). So a sheet an older tablet scored and reviewed under a random id is never
/// hidden behind an empty one begun under the derived id on a device that had not pulled it. Every device picks the same one whatever order the records came in.
/// The others stay stored but are neither shown nor ranked. Order of `assessments` is kept.
pub fn one_sheet_each(assessments: &[(Uuid, Assessment)]) -> Vec<(Uuid, Assessment)> {
    let preference = |(id, a): &(Uuid, Assessment)| {
        (progress(a.stage), a.scores.len(), *id == sheet_id(a.candidate_id, a.year), *id)
    };
    let mut best: std::collections::HashMap<(Uuid, i32), &(Uuid, Assessment)> =
        std::collections::HashMap::new();
    for entry in assessments {
        let slot = best.entry((entry.1.candidate_id, entry.1.year)).or_insert(entry);
        if preference(entry) > preference(slot) {
            *slot = entry;
        }
    }
    assessments
        .iter()
        .filter(|(id, a)| best.get(&(a.candidate_id, a.year)).is_some_and(|kept| kept.0 == *id))
        .cloned()
        .collect()
}

/// A new, unscored sheet for `candidate_id` in `year`, snapshotting `rubric` (record `rubric_id`).
pub fn begin_assessment(
    candidate_id: Uuid,
    year: i32,
    rubric_id: Uuid,
    rubric: &Rubric,
    scored_by: &str,
    scored_on: NaiveDate,
) -> Assessment {
    Assessment {
        candidate_id,
        year,
        category: rubric.category,
        rubric_id,
        rubric_version: rubric.version,
        criteria: rubric.criteria.clone(),
        scored_by: scored_by.to_owned(),
        scored_on: Some(scored_on),
        stage: CommendationStage::Scoring,
        ..Default::default()
    }
}

/// Check the scores of a sheet against its snapshot: known criteria, each 0..=max.
pub fn validate_scores(assessment: &Assessment) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, score) in &assessment.scores {
        let field = format!("scores.{key}");
        match assessment.criteria.iter().find(|c| &c.key == key) {
            None => errors.push(FieldError::new(field, "criterion_not_in_rubric")),
            Some(c) if !(score.is_finite() && (0.0..=c.max_score).contains(score)) => {
                errors.push(FieldError::new(
                    field,
                    Message::new("score_out_of_range").arg("max", c.max_score.to_string()),
                ))
            }
            Some(_) => {}
        }
    }
    errors
}

/// Labels of the snapshot's criteria not scored yet.
pub fn missing_scores(assessment: &Assessment) -> Vec<String> {
    assessment
        .criteria
        .iter()
        .filter(|c| !assessment.scores.contains_key(&c.key))
        .map(|c| c.label.clone())
        .collect()
}

/// The recorded total of a sheet, from its own rubric snapshot: Σ wᵢ·sᵢ/maxᵢ / Σ wᵢ × 100,
/// rounded to two decimals. Unscored criteria count as 0.
pub fn recorded_total(assessment: &Assessment) -> Result<f64, ScoringError> {
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for c in &assessment.criteria {
        if !(c.weight > 0.0 && c.max_score > 0.0) {
            continue;
        }
        weights += c.weight;
        if let Some(score) = assessment.scores.get(&c.key) {
            if !(score.is_finite() && (0.0..=c.max_score).contains(score)) {
                return Err(ScoringError::ScoreOutOfRange {
                    label: c.label.clone(),
                    score: *score,
                    max: c.max_score,
                });
            }
            weighted += c.weight * score / c.max_score;
        }
    }
    if let Some(key) =
        assessment.scores.keys().find(|k| !assessment.criteria.iter().any(|c| &c.key == *k))
    {
        return Err(ScoringError::UnknownCriterion(key.clone()));
    }
    if weights <= 0.0 {
        return Err(ScoringError::NoWeight);
    }
    Ok((weighted / weights * 10_000.0).round() / 100.0)
}

/// The total of `assessment` under `rubric`, which must be the rubric version the sheet was
/// scored with (a later version is refused rather than silently re-weighting).
pub fn score(assessment: &Assessment, rubric: &Rubric) -> Result<f64, ScoringError> {
    if rubric.version != assessment.rubric_version {
        return Err(ScoringError::RubricVersionMismatch {
            sheet: assessment.rubric_version,
            rubric: rubric.version,
        });
    }
    if rubric.category != assessment.category {
        return Err(ScoringError::CategoryMismatch);
    }
    let sheet = Assessment { criteria: rubric.criteria.clone(), ..assessment.clone() };
    recorded_total(&sheet)
}

/// One line of a ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct RankEntry {
    /// The assessment record id.
    pub assessment_id: Uuid,
    pub candidate_id: Uuid,
    pub total: f64,
    /// 1-based; equal totals share a rank (1, 1, 3).
    pub rank: usize,
}

/// Rank the sheets of `category` in `year` by recorded total, highest first. Equal totals are
/// ordered by candidate id, so every device prints the same list whatever order the records
/// came in. Sheets whose total cannot be computed are left out.
pub fn rank(assessments: &[(Uuid, Assessment)], category: Category, year: i32) -> Vec<RankEntry> {
    let mut entries: Vec<RankEntry> = assessments
        .iter()
        .filter(|(_, a)| a.category == Some(category) && a.year == year)
        .filter_map(|(id, a)| {
            recorded_total(a).ok().map(|total| RankEntry {
                assessment_id: *id,
                candidate_id: a.candidate_id,
                total,
                rank: 0,
            })
        })
        .collect();
    crate::order::sort_by(&mut entries, |a, b| {
        b.total
            .partial_cmp(&a.total)
            .unwrap_or(Ordering::Equal)
            .then(a.candidate_id.cmp(&b.candidate_id))
            .then(a.assessment_id.cmp(&b.assessment_id))
    });
    let mut previous: Option<f64> = None;
    for i in 0..entries.len() {
        let rank = match previous {
            Some(p) if p == entries[i].total => entries[i - 1].rank,
            _ => i + 1,
        };
        entries[i].rank = rank;
        previous = Some(entries[i].total);
    }
    entries
}

/// Whether `candidate` may be scored for `year`: a candidate of that year (not next year's
/// pipeline) approved by the town or further (审定、备案、命名) as it stood that year. Removed,
/// returned and unapproved candidates get no score sheet and leave the ranking.
pub fn may_be_scored(candidate: &Candidate, year: i32) -> bool {
    candidate.year == year
        && !candidate.pipeline
        && matches!(
            candidate.standing(),
            ApplicationState::TownApproved
                | ApplicationState::CountyFiled
                | ApplicationState::Named
        )
}

/// [`rank`], of the sheets whose candidate may be scored for `year` ([`may_be_scored`]), one
/// per candidate ([`one_sheet_each`]): a removed or returned candidate's sheet, and a second
/// sheet of the same candidate, stay stored but leave the ranking.
pub fn rank_scored(
    assessments: &[(Uuid, Assessment)],
    candidates: &[(Uuid, Candidate)],
    category: Category,
    year: i32,
) -> Vec<RankEntry> {
    let counted: Vec<(Uuid, Assessment)> = one_sheet_each(assessments)
        .into_iter()
        .filter(|(_, a)| {
            candidates.iter().any(|(id, c)| *id == a.candidate_id && may_be_scored(c, year))
        })
        .collect();
    rank(&counted, category, year)
}

#[cfg(test)]
mod tests;
