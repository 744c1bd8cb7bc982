//! Inline form errors: the `shared::validate` rules applied to the form state.
//!
//! `strict` is the finalise check (everything a final survey needs). While typing a draft only
//! values that are already wrong (a malformed phone number, an impossible year) are reported,
//! not the questions still unanswered.

use crate::logic::survey_form::SurveyForm;

/// A problem of the form in the app's language.
pub fn words(message: &shared::message::Message) -> String {
    crate::i18n::messages::words_or(Some(message), &message.to_string())
}

/// (field, message) pairs, in form order.
pub fn form_errors(form: &SurveyForm, strict: bool) -> Vec<(String, String)> {
    let today = chrono::Local::now().date_naive();
    let mut survey = form.survey.clone();
    survey.person_id = form.person_id;
    // On the form the survey was made on (`shared::form`), as the server checks it. While a
    // draft is typed, a question not answered yet is no error.
    let hide_missing = !strict && !form.is_final();
    let mut errors: Vec<(String, String)> = shared::form::SURVEY_FORM
        .validate_survey_on(&survey, &form.person, strict, today, form.made_on(), &form.kept_map())
        .into_iter()
        .filter(|e| !(hide_missing && e.missing))
        .map(|e| (e.field, words(&e.message)))
        .collect();
    // Texts longer than the server stores (`shared::limits`), said next to the field.
    let person = form.person_changes();
    let survey = form.survey_changes();
    let fields = person.iter().chain(&survey).map(|(f, v)| (f.as_str(), v));
    errors.extend(
        shared::validate::validate_lengths(fields)
            .into_iter()
            .map(|e| (e.field, words(&e.message))),
    );
    errors
}
