//! Inline form errors: the `shared::validate` rules applied to the form state.
//!
//! `strict` is the finalise check (everything a final survey needs). While typing a draft only
//! values that are already wrong (a malformed phone number, an impossible year) are reported,
//! not the questions still unanswered.

use crate::logic::survey_form::SurveyForm;

/// (field, message) pairs, in form order.
pub fn form_errors(form: &SurveyForm, strict: bool) -> Vec<(String, String)> {
    let today = chrono::Local::now().date_naive();
    let mut survey = form.survey.clone();
    survey.person_id = form.person_id;
    let mut errors: Vec<(String, String)> =
        // On the form the survey was made on (`shared::form`), as the server checks it.
        shared::form::SURVEY_FORM
            .validate_survey_on(&survey, &form.person, strict, today, form.made_on(), &form.kept_map())
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect();
    if !strict && !form.is_final() {
        errors.retain(|(_, m)| !is_missing_answer(m));
    }
    // Texts longer than the server stores (`shared::limits`), said next to the field.
    let person = form.person_changes();
    let survey = form.survey_changes();
    let fields = person.iter().chain(&survey).map(|(f, v)| (f.as_str(), v));
    errors.extend(
        shared::validate::validate_lengths(fields).into_iter().map(|e| (e.field, e.message)),
    );
    errors
}

fn is_missing_answer(message: &str) -> bool {
    message.starts_with("请填写") || message.starts_with("请选择")
}
