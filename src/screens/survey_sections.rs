//! The sections of the survey form, one block of field declarations each.

use crate::i18n::Localized as _;
use leptos::prelude::*;
use shared::model::Section;

use crate::components::fields::{
    Field, FormChecks, checkbox, number, select, text, textarea, value_of,
};
use crate::i18n as t;
use crate::logic::forms::date_time_value;
use crate::logic::survey_form::SurveyForm;

type F = RwSignal<SurveyForm>;

/// The inputs of one section.
pub fn section_view(
    section: Section,
    form: F,
    checks: FormChecks,
    branch_fixed: Signal<bool>,
) -> AnyView {
    let body = match section {
        Section::Identity => identity(form, checks, branch_fixed).into_any(),
        Section::Employment => view! {
            {select(form, Field::checked(checks, "employment", t::F_EMPLOYMENT.get()), |f| f.survey.employment, |f, v| f.survey.employment = v)}
            {textarea(form, Field::checked(checks, "employment_detail", t::F_EMPLOYMENT_DETAIL.get()), |f| f.survey.employment_detail.clone(), |f, v| f.survey.employment_detail = v)}
        }
        .into_any(),
        Section::Potential => view! {
            {select(form, Field::checked(checks, "potential_level", t::F_POTENTIAL.get()), |f| f.survey.potential_level, |f, v| f.survey.potential_level = v)}
            {textarea(form, Field::checked(checks, "potential_detail", t::F_POTENTIAL_DETAIL.get()), |f| f.survey.potential_detail.clone(), |f, v| f.survey.potential_detail = v)}
        }
        .into_any(),
        Section::Resources => view! {
            {text(form, Field::checked(checks, "capital", t::F_CAPITAL.get()), |f| f.survey.capital.clone(), |f, v| f.survey.capital = v)}
            {text(form, Field::checked(checks, "technology", t::F_TECHNOLOGY.get()), |f| f.survey.technology.clone(), |f, v| f.survey.technology = v)}
            {text(form, Field::checked(checks, "market_channels", t::F_MARKET.get()), |f| f.survey.market_channels.clone(), |f, v| f.survey.market_channels = v)}
            {text(form, Field::checked(checks, "land_sea_area", t::F_LAND_SEA.get()), |f| f.survey.land_sea_area.clone(), |f, v| f.survey.land_sea_area = v)}
            {text(form, Field::checked(checks, "boats", t::F_BOATS.get()), |f| f.survey.boats.clone(), |f, v| f.survey.boats = v)}
            {text(form, Field::checked(checks, "networks", t::F_NETWORKS.get()), |f| f.survey.networks.clone(), |f, v| f.survey.networks = v)}
        }
        .into_any(),
        Section::VillageWealth => view! {
            {select(form, Field::checked(checks, "wealth_potential", t::F_WEALTH.get()), |f| f.survey.wealth_potential, |f, v| f.survey.wealth_potential = v)}
            {textarea(form, Field::checked(checks, "wealth_potential_detail", t::F_WEALTH_DETAIL.get()), |f| f.survey.wealth_potential_detail.clone(), |f, v| f.survey.wealth_potential_detail = v)}
        }
        .into_any(),
        Section::EnterpriseInnovation => view! {
            {select(form, Field::checked(checks, "innovation_potential", t::F_INNOVATION.get()), |f| f.survey.innovation_potential, |f, v| f.survey.innovation_potential = v)}
            {textarea(form, Field::checked(checks, "innovation_potential_detail", t::F_INNOVATION_DETAIL.get()), |f| f.survey.innovation_potential_detail.clone(), |f, v| f.survey.innovation_potential_detail = v)}
        }
        .into_any(),
        Section::Business => view! {
            {text(form, Field::checked(checks, "trade", t::F_TRADE.get()), |f| f.survey.trade.clone(), |f, v| f.survey.trade = v)}
            {text(form, Field::checked(checks, "scale", t::F_SCALE.get()), |f| f.survey.scale.clone(), |f, v| f.survey.scale = v)}
            {number(form, Field::checked(checks, "employees", t::F_EMPLOYEES.get()), |f| f.survey.employees, |f, v| f.survey.employees = v)}
            {select(form, Field::checked(checks, "turnover_band", t::F_TURNOVER.get()), |f| f.survey.turnover_band, |f, v| f.survey.turnover_band = v)}
            {textarea(form, Field::checked(checks, "business_condition", t::F_BUSINESS_CONDITION.get()), |f| f.survey.business_condition.clone(), |f, v| f.survey.business_condition = v)}
        }
        .into_any(),
        Section::ThreeCultivation => view! {
            {select(form, Field::checked(checks, "three_cultivation", t::F_THREE_CULTIVATION.get()), |f| f.survey.three_cultivation, |f, v| f.survey.three_cultivation = v)}
            {select(form, Field::checked(checks, "mentoring_ability", t::F_MENTOR_ABILITY.get()), |f| f.survey.mentoring_ability, |f, v| f.survey.mentoring_ability = v)}
            {select(form, Field::checked(checks, "mentoring_willingness", t::F_MENTOR_WILLINGNESS.get()), |f| f.survey.mentoring_willingness, |f, v| f.survey.mentoring_willingness = v)}
            {textarea(form, Field::checked(checks, "mentoring_detail", t::F_MENTOR_DETAIL.get()), |f| f.survey.mentoring_detail.clone(), |f, v| f.survey.mentoring_detail = v)}
        }
        .into_any(),
        Section::TechTalent => view! {
            {checkbox(form, Field::checked(checks, "tech_talent", t::F_TECH_TALENT.get()), |f| f.survey.tech_talent, |f, v| f.survey.tech_talent = v)}
            {text(form, Field::checked(checks, "tech_specialty", t::F_TECH_SPECIALTY.get()), |f| f.survey.tech_specialty.clone(), |f, v| f.survey.tech_specialty = v)}
            {textarea(form, Field::checked(checks, "tech_info", t::F_TECH_INFO.get()), |f| f.survey.tech_info.clone(), |f, v| f.survey.tech_info = v)}
        }
        .into_any(),
        Section::ServicePerformance => view! {
            {textarea(form, Field::checked(checks, "service_performance", t::F_SERVICE.get()), |f| f.survey.service_performance.clone(), |f, v| f.survey.service_performance = v)}
        }
        .into_any(),
        Section::Industry => view! {
            {textarea(form, Field::checked(checks, "industry_info", t::F_INDUSTRY_INFO.get()), |f| f.survey.industry_info.clone(), |f, v| f.survey.industry_info = v)}
            {textarea(form, Field::checked(checks, "policy_orientation", t::F_POLICY.get()), |f| f.survey.policy_orientation.clone(), |f, v| f.survey.policy_orientation = v)}
        }
        .into_any(),
        // GPS and photos have their own blocks below the sections.
        Section::Location => return ().into_any(),
        Section::Notes => view! {
            {textarea(form, Field::checked(checks, "notes", t::F_NOTES.get()), |f| f.survey.notes.clone(), |f, v| f.survey.notes = v)}
        }
        .into_any(),
    };
    view! {
        <fieldset class="section" data-section=section.as_str()>
            <legend>{section.localized()}</legend>
            {body}
        </fieldset>
    }
    .into_any()
}

fn identity(form: F, checks: FormChecks, branch_fixed: Signal<bool>) -> impl IntoView {
    view! {
        {text(form, Field::checked(checks, "name", t::F_NAME.get()), |f| f.person.name.clone(), |f, v| f.person.name = v)}
        {select(form, Field::checked(checks, "gender", t::F_GENDER.get()), |f| f.person.gender, |f, v| f.person.gender = v)}
        {number(form, Field::checked(checks, "birth_year", t::F_BIRTH_YEAR.get()), |f| f.person.birth_year, |f, v| f.person.birth_year = v)}
        {text(form, Field::checked(checks, "phone", t::F_PHONE.get()), |f| f.person.phone.clone(), |f, v| f.person.phone = v)}
        {text(form, Field::checked(checks, "id_number", t::F_ID_NUMBER.get()), |f| f.person.id_number.clone(), |f, v| f.person.id_number = v)}
        {crate::components::branch_picker::branch_picker(form, shared::record::EntityKind::Person, t::F_BRANCH.get(), "survey-branch-id", |f| f.person.branch_id.clone(), |f, v| f.person.branch_id = v, crate::components::branch_picker::PickerState { error: Signal::derive(move || checks.errors.with(|e| e.iter().find(|(f, _)| f == "branch_id").map(|(_, m)| m.clone()))), fixed: branch_fixed })}
        {text(form, Field::checked(checks, "village_unit", t::F_VILLAGE_UNIT.get()), |f| f.person.village_unit.clone(), |f, v| f.person.village_unit = v)}
        {select(form, Field::checked(checks, "category", t::F_CATEGORY.get()), |f| f.person.category, |f, v| f.person.category = v)}
        {text(form, Field::checked(checks, "surveyor", t::F_SURVEYOR.get()), |f| f.survey.surveyor.clone(), |f, v| f.survey.surveyor = v)}
        <label class="field">
            <span class="label">{t::F_SURVEYED_AT}</span>
            <input
                type="datetime-local"
                data-testid="survey-surveyed-at"
                prop:value=value_of(form, |f| date_time_value(f.survey.surveyed_at))
                on:change=move |ev| {
                    let v = chrono::NaiveDateTime::parse_from_str(&event_target_value(&ev), "%Y-%m-%dT%H:%M").ok();
                    form.update(|f| f.survey.surveyed_at = v);
                }
            />
        </label>
    }
}
