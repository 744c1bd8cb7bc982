//! The 工作情况通报 as CSV (UTF-8 with a byte-order mark so spreadsheet programs read the
//! Chinese text), for the export button.

use crate::i18n::Localized as _;
use shared::model::Category;
use shared::rules::WorkReport;

use super::typed::Names;
use crate::i18n::campaign as tc;

/// Quote a CSV cell when it holds a comma, quote or line break (RFC 4180).
pub fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(cells: &[String]) -> String {
    let mut out = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// The report as CSV: the town-wide progress, next year's 梯队, then one line per branch (only
/// `branch` when given).
pub fn report_csv(report: &WorkReport, names: &Names, branch: Option<&str>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&[tc::report_title(report.year)]));
    out.push_str(&line(&tc::CSV_PROGRESS_HEAD.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
    for p in &report.progress {
        out.push_str(&line(&[
            p.category.localized().to_owned(),
            p.target.to_string(),
            p.approved.to_string(),
            p.named.to_string(),
            p.remaining.to_string(),
        ]));
    }
    out.push_str("\r\n");
    out.push_str(&line(&[tc::pipeline_title(report.pipeline.year)]));
    out.push_str(&line(&[
        crate::i18n::COL_CATEGORY.to_string(),
        tc::PIPELINE_OPEN.to_string(),
        tc::PIPELINE_CARRIED.to_string(),
        tc::PIPELINE_TOTAL.to_string(),
        tc::YEAR_TARGET.to_string(),
    ]));
    for p in &report.pipeline.totals {
        out.push_str(&line(&[
            p.category.localized().to_owned(),
            p.count.open.to_string(),
            p.count.carried.to_string(),
            p.count.total().to_string(),
            p.year_target.map_or_else(|| tc::NO_YEAR_TARGET.to_string(), |n| n.to_string()),
        ]));
    }
    out.push_str("\r\n");
    let mut head: Vec<String> = vec![tc::COL_BRANCH.to_string()];
    for c in Category::ALL {
        head.push(format!("{}{}", c.localized(), tc::CSV_ACTIVE_SUFFIX));
        head.push(format!("{}{}", c.localized(), tc::CSV_NAMED_SUFFIX));
    }
    head.extend(tc::CSV_BRANCH_TAIL.iter().map(|s| s.to_string()));
    out.push_str(&line(&head));
    for b in report.branches.iter().filter(|b| branch.is_none_or(|id| b.branch_id == id)) {
        let mut cells = vec![names.branch(&b.branch_id)];
        for c in Category::ALL {
            let counts = b.by_category.get(c).copied().unwrap_or_default();
            cells.push(counts.active.to_string());
            cells.push(counts.named.to_string());
        }
        let behind: Vec<String> = b.contacts_behind.iter().map(|id| names.candidate(id)).collect();
        cells.push(b.contacts_behind.len().to_string());
        cells.push(behind.join("、"));
        cells.push(b.waiting.applicant.to_string());
        cells.push(b.waiting.branch_secretary.to_string());
        cells.push(b.waiting.town_office.to_string());
        cells.push(if b.mobilised { tc::YES } else { tc::NO }.to_string());
        cells.push(b.last_inspected.map(|d| d.to_string()).unwrap_or_default());
        cells.push(if b.inspection_overdue { tc::YES } else { tc::NO }.to_string());
        cells.push(b.open_fixes.to_string());
        out.push_str(&line(&cells));
    }
    out
}
