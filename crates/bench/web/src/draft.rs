//! The keystroke draft: what the survey form writes at every keystroke
//! (`services::survey::write_edit_draft`: the whole form as JSON text and the fields typed since
//! the last save, one `meta` put), timed per
//! keystroke on a form filled as a surveyor leaves it after a visit.

use field::logic::survey_form::SurveyForm;
use field::services::survey::{FormDraft, write_edit_draft};
use serde::Serialize;
use shared::model::Person;
use uuid::Uuid;

use crate::{BenchError, now, state};

/// A form with every text a visit typically fills (about 1 KB of Chinese text as JSON).
fn filled_form() -> SurveyForm {
    let person = Person { name: "王海波".into(), ..Person::default() };
    let now = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap_or_default();
    let mut form = SurveyForm::new(Some((Uuid::now_v7(), person)), "李敏", now);
    let s = &mut form.survey;
    s.employment_detail = "近年从事近海捕捞，拥有渔船一艘；带动周边群众发展海水养殖。".into();
    s.potential_detail = "经营民宿和海鲜餐饮，旺季游客较多；有意扩大冷链物流规模。".into();
    s.capital = "缺少启动资金，希望申请小额贷款".into();
    s.technology = "掌握大黄鱼深水网箱养殖技术".into();
    s.market_channels = "参加过镇里组织的电商培训，在网上销售干货".into();
    s.boats = "渔船一艘，120 马力".into();
    s.networks = "愿意结对帮带两名年轻党员".into();
    form
}

/// What is typed, in a loop, into the form's `trade` field (emptied every [`RESTART`]
/// characters); the plain-JavaScript baseline types the same (`baseline.js`).
const TYPED: &str = "希望村里协调滩涂承包经营权。";
const RESTART: usize = 200;

/// The filled form as the JSON text its draft holds, and what is typed into it: the
/// plain-JavaScript baseline types the same and writes the same text the same way.
#[derive(Serialize)]
pub(crate) struct TypedForm {
    form_json: String,
    typed: &'static str,
    restart: usize,
}

pub(crate) fn typed_form() -> Result<TypedForm, BenchError> {
    let form_json = FormDraft::of(&filled_form())?.form_json;
    Ok(TypedForm { form_json, typed: TYPED, restart: RESTART })
}

/// Type `keystrokes` characters into a text field, writing the draft after each as the form
/// does; milliseconds of each write (serialising the form and the awaited put).
pub(crate) async fn keystrokes(keystrokes: u32) -> Result<Vec<f64>, BenchError> {
    let store = state::store()?;
    // Saved as filled; then typed into.
    let saved = filled_form();
    let mut form = saved.clone();
    let mut times = Vec::with_capacity(keystrokes as usize);
    for (i, c) in TYPED.chars().cycle().take(keystrokes as usize).enumerate() {
        if i % RESTART == 0 {
            form.survey.trade.clear();
        }
        form.survey.trade.push(c);
        let t0 = now();
        // As the survey form's draft does (src/screens/survey_form.rs): the fields typed since
        // the save, then the write.
        let touched = form.touched_since(&saved);
        write_edit_draft(&store, &form, Some(&touched)).await?;
        times.push(now() - t0);
    }
    Ok(times)
}
