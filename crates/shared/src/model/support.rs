//! Support records (DOMAIN.md step 4): contacts, bases and visits, funding, notices.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::choice::choice;
use super::media::{GeoPoint, PhotoRef};

choice! {
    /// How a contact took place.
    pub enum ContactWay {
        Visit => ("visit", "走访"),
        Phone => ("phone", "电话"),
        Meeting => ("meeting", "座谈"),
        Other => ("other", "其他"),
    }
}

choice! {
    /// Pairing contact (counts toward the four a year) or expert guidance (logged the same way).
    #[derive(Default)]
    pub enum ContactKind {
        #[default]
        Pairing => ("pairing", "结对联系"),
        ExpertGuidance => ("expert_guidance", "专家指导"),
    }
}

/// One pairing contact or expert guidance session (append-only).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactLog {
    pub candidate_id: Uuid,
    pub date: Option<NaiveDate>,
    pub way: Option<ContactWay>,
    /// 联系内容
    pub content: String,
    /// 帮扶事项
    pub help_given: String,
    pub kind: ContactKind,
    /// Who made the contact (the pairing contact person or the expert).
    pub contact_person: String,
}

/// A demonstration base (示范基地).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Base {
    pub name: String,
    /// 所属行业
    pub industry: String,
    pub address: String,
    pub notes: String,
}

/// A study visit of candidates to a demonstration base (参观学习, append-only).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Visit {
    pub base_id: Uuid,
    pub date: Option<NaiveDate>,
    /// The candidates who took part (`Candidate` record ids).
    pub attendees: Vec<Uuid>,
    pub content: String,
    pub photos: Vec<PhotoRef>,
    pub gps: Option<GeoPoint>,
}

choice! {
    /// 扶持方式
    pub enum FundingKind {
        ProjectGrant => ("project_grant", "项目资金补助"),
        MicroCredit => ("micro_credit", "小额信用贷款"),
        InterestSubsidy => ("interest_subsidy", "贴息补助"),
        Other => ("other", "其他扶持"),
    }
}

choice! {
    /// Which level pays.
    pub enum FundingLevel {
        City => ("city", "市级"),
        County => ("county", "县级"),
        Town => ("town", "镇级"),
        Branch => ("branch", "支部"),
    }
}

/// One funding given to a candidate (资金扶持, append-only).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Funding {
    pub candidate_id: Uuid,
    pub kind: Option<FundingKind>,
    pub level: Option<FundingLevel>,
    /// Amount in fen (分, 1/100 yuan) so sums are exact. See [`format_yuan`] and [`parse_yuan`].
    pub amount_fen: i64,
    pub date: Option<NaiveDate>,
    /// Project or purpose.
    pub purpose: String,
}

/// Format an amount in fen as yuan with two decimals: `123456` → `"1234.56"`.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parse a yuan amount typed by a user (`"1234"`, `"1234.5"`, `"1,234.56"`, `"1234.56元"`) into
/// fen. `None` if it is not a plain non-negative number with at most two decimals.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('元')
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

/// A notice the office publishes to every tablet (信息平台).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub published_on: Option<NaiveDate>,
}
