//! The three office tables, built from merged records (pure: tested without a database).

use std::collections::HashMap;

use shared::model::{Candidate, Person, Survey};
use shared::record::Record;
use shared::roles::Role;

use super::{Cell, ExportWhat, Table};

type Branches = HashMap<String, String>;

/// The branch's name, or its id when the branch record is unknown.
fn branch(branches: &Branches, id: &str) -> Cell {
    Cell::text(branches.get(id).cloned().unwrap_or_else(|| id.to_owned()))
}

fn label<T: Copy>(value: Option<T>, f: impl Fn(T) -> &'static str) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::text(f(v)))
}

fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "是" } else { "否" })
}

fn number(n: Option<impl Into<f64>>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Number(n.into()))
}

/// Decoded records with their ids, in (branch name, sort key) order; undecodable ones skipped
/// (they were refused at push, so there are none unless the database was edited by hand).
fn typed<T: serde::de::DeserializeOwned>(records: &[Record]) -> Vec<(&Record, T)> {
    records.iter().filter_map(|r| r.to_typed().ok().map(|t| (r, t))).collect()
}

fn people_by_id(people: &[Record]) -> HashMap<String, Person> {
    typed::<Person>(people).into_iter().map(|(r, p)| (r.id.to_string(), p)).collect()
}

fn name_of(people: &HashMap<String, Person>, id: &uuid::Uuid) -> String {
    people.get(&id.to_string()).map(|p| p.name.clone()).unwrap_or_default()
}

/// 党员名册. Phone and ID number columns only for roles that may see personal data.
pub fn people_table(people: &[Record], branches: &Branches, role: Role) -> Table {
    let personal = role.sees_personal_data();
    let mut headers = vec!["姓名", "性别", "出生年份"];
    if personal {
        headers.extend(["手机号", "身份证号"]);
    }
    headers.extend(["所属支部", "村/单位", "类别", "备注"]);
    let mut list = typed::<Person>(people);
    list.sort_by(|(ra, a), (rb, b)| {
        (branch(branches, &ra.branch_id).display(), &a.name)
            .cmp(&(branch(branches, &rb.branch_id).display(), &b.name))
    });
    let rows = list
        .into_iter()
        .map(|(record, p)| {
            let mut row =
                vec![Cell::text(p.name), label(p.gender, |g| g.label_zh()), number(p.birth_year)];
            if personal {
                row.extend([Cell::text(p.phone), Cell::text(p.id_number)]);
            }
            row.extend([
                branch(branches, &record.branch_id),
                Cell::text(p.village_unit),
                label(p.category, |c| c.label_zh()),
                Cell::text(p.notes),
            ]);
            row
        })
        .collect();
    Table { title: ExportWhat::People.label_zh(), headers, rows }
}

/// 调查摸底: one row per survey, with the surveyed member's name.
pub fn surveys_table(surveys: &[Record], people: &[Record], branches: &Branches) -> Table {
    let people = people_by_id(people);
    let headers = vec![
        "姓名",
        "所属支部",
        "调查人",
        "调查时间",
        "状态",
        "从业情况",
        "从业详情",
        "创业创新潜力",
        "致富潜力",
        "创新潜力",
        "经营行业",
        "年营业额",
        "三培养",
        "帮带能力",
        "帮带意向",
        "实用技术人才",
        "技术专长",
        "产业信息",
        "备注",
    ];
    // Every survey, whatever form it was made on: a value the form does not know is left blank
    // rather than the survey left out.
    let mut list: Vec<(&Record, Survey)> =
        surveys.iter().map(|r| (r, shared::form::read_survey(&r.fields))).collect();
    list.sort_by_key(|(r, s)| {
        (branch(branches, &r.branch_id).display(), name_of(&people, &s.person_id), s.surveyed_at)
    });
    let rows = list
        .into_iter()
        .map(|(record, s)| {
            vec![
                Cell::text(name_of(&people, &s.person_id)),
                branch(branches, &record.branch_id),
                Cell::text(s.surveyor),
                s.surveyed_at
                    .map_or(Cell::Empty, |t| Cell::text(t.format("%Y-%m-%d %H:%M").to_string())),
                Cell::text(s.status.label_zh()),
                label(s.employment, |v| v.label_zh()),
                Cell::text(s.employment_detail),
                label(s.potential_level, |v| v.label_zh()),
                label(s.wealth_potential, |v| v.label_zh()),
                label(s.innovation_potential, |v| v.label_zh()),
                Cell::text(s.trade),
                label(s.turnover_band, |v| v.label_zh()),
                label(s.three_cultivation, |v| v.label_zh()),
                label(s.mentoring_ability, |v| v.label_zh()),
                label(s.mentoring_willingness, |v| v.label_zh()),
                yes_no(s.tech_talent),
                Cell::text(s.tech_specialty),
                Cell::text(s.industry_info),
                Cell::text(s.notes),
            ]
        })
        .collect();
    Table { title: ExportWhat::Surveys.label_zh(), headers, rows }
}

/// 争创对象: one row per candidate profile.
pub fn candidates_table(candidates: &[Record], people: &[Record], branches: &Branches) -> Table {
    let people = people_by_id(people);
    let headers = vec![
        "姓名",
        "所属支部",
        "类别",
        "争创年度",
        "状态",
        "梯队培育",
        "结对联系人",
        "达标标准",
        "诚信等级",
        "行业前景",
        "理由",
        "备注",
    ];
    let mut list = typed::<Candidate>(candidates);
    list.sort_by_key(|(r, c)| {
        (c.year, branch(branches, &r.branch_id).display(), name_of(&people, &c.person_id))
    });
    let rows = list
        .into_iter()
        .map(|(record, c)| {
            let met = c.standards.iter().filter(|s| s.met).count();
            vec![
                Cell::text(name_of(&people, &c.person_id)),
                branch(branches, &record.branch_id),
                label(c.category, |v| v.label_zh()),
                Cell::Number(f64::from(c.year)),
                Cell::text(c.state.label_zh()),
                yes_no(c.pipeline),
                Cell::text(c.contact_person),
                Cell::text(format!("{met}/{}", c.standards.len())),
                label(c.integrity_grade, |v| v.label_zh()),
                Cell::text(c.industry_prospects),
                Cell::text(c.reason),
                Cell::text(c.notes),
            ]
        })
        .collect();
    Table { title: ExportWhat::Candidates.label_zh(), headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::{Category, Gender};
    use shared::record::{EntityKind, to_fields};
    use uuid::Uuid;

    fn rec<T: serde::Serialize>(entity: EntityKind, branch: &str, value: &T) -> Record {
        let mut r = Record::new(entity, Uuid::now_v7(), branch);
        r.fields = to_fields(value).unwrap();
        r
    }

    #[test]
    fn people_rows_use_labels_and_hide_personal_data_from_county() {
        let branches: Branches = [("b1".to_owned(), "东海村党支部".to_owned())].into();
        let people = [rec(
            EntityKind::Person,
            "b1",
            &Person {
                name: "王海".into(),
                gender: Some(Gender::Male),
                birth_year: Some(1970),
                phone: "13800000000".into(),
                branch_id: "b1".into(),
                category: Some(Category::VillageLeader),
                ..Default::default()
            },
        )];
        let office = people_table(&people, &branches, Role::TownOffice);
        assert_eq!(office.headers[..5], ["姓名", "性别", "出生年份", "手机号", "身份证号"]);
        assert_eq!(
            office.rows[0][..4],
            [Cell::text("王海"), Cell::text("男"), Cell::Number(1970.0), Cell::text("13800000000")]
        );
        assert_eq!(office.rows[0][5], Cell::text("东海村党支部"));
        assert_eq!(office.rows[0][7], Cell::text("渔农村党员创业创新带头人"));
        let county = people_table(&people, &branches, Role::CountyViewer);
        assert!(!county.headers.contains(&"手机号") && !county.headers.contains(&"身份证号"));
        assert_eq!(county.rows[0].len(), county.headers.len());
    }
}
