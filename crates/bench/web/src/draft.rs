//! The keystroke draft: what the survey form writes at every keystroke
//! (`services::survey::write_edit_draft`: the whole form as JSON text, the fields typed since
//! the last save and the clocks of the values they were typed over, one `meta` put), timed per
//! keystroke on a form filled as a surveyor leaves it after a visit.

use field::logic::survey_form::{FieldClocks, FormClocks, FormTouched, SurveyForm};
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

/// The clocks of every value of `form`, as a form opened on its stored records holds them.
fn clocks_of(form: &SurveyForm) -> FormClocks {
    let clock =
        |i: usize| shared::hlc::Hlc::new(1_772_000_000_000 + i as u64, 0, Uuid::nil().to_string());
    let of = |fields: Vec<(String, serde_json::Value)>| {
        FieldClocks(fields.into_iter().enumerate().map(|(i, (f, _))| (f, clock(i))).collect())
    };
    FormClocks { person: of(form.person_changes()), survey: of(form.survey_changes()) }
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
    /// The clocks the draft keeps of what the typed field was typed over.
    seen: FormClocks,
    typed: &'static str,
    restart: usize,
}

pub(crate) fn typed_form() -> Result<TypedForm, BenchError> {
    let form = filled_form();
    let form_json = FormDraft::of(&form)?.form_json;
    let touched = FormTouched { survey: ["trade".to_owned()].into(), ..FormTouched::default() };
    let seen = clocks_of(&form).only(&touched);
    Ok(TypedForm { form_json, seen, typed: TYPED, restart: RESTART })
}

/// Type `keystrokes` characters into a text field, writing the draft after each as the form
/// does; milliseconds of each write (serialising the form and the awaited put).
pub(crate) async fn keystrokes(keystrokes: u32) -> Result<Vec<f64>, BenchError> {
    let store = state::store()?;
    // Saved as filled; then typed into.
    let saved = filled_form();
    let clocks = clocks_of(&saved);
    let mut form = saved.clone();
    let mut times = Vec::with_capacity(keystrokes as usize);
    for (i, c) in TYPED.chars().cycle().take(keystrokes as usize).enumerate() {
        if i % RESTART == 0 {
            form.survey.trade.clear();
        }
        form.survey.trade.push(c);
        let t0 = now();
        // As the survey form's draft does (src/screens/survey_form.rs): the fields typed since
        // the save and the clocks they were typed over, then the write.
        let touched = form.touched_since(&saved);
        let over = clocks.only(&touched);
        write_edit_draft(&store, &form, Some(&touched), Some(&over)).await?;
        times.push(now() - t0);
    }
    Ok(times)
}
