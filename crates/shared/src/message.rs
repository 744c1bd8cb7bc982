//! What a rule says to a person, without its words: a stable code and typed arguments.
//!
//! Validation issues ([`crate::validate::FieldError`]) and refusals ([`crate::policy::Rejection`])
//! carry a [`Message`]; `crates/texts` words it in the app's language (its catalog key is
//! `msg-<code>` in kebab-case) and the server words it for its own answers. A field is named by
//! its [`FieldLabel`] (a list the catalogs translate like every other list of shared), a state
//! or category by its code, so a person never reads an internal key (`branch_id`). The
//! `Display` here is for logs and tests only: the code and its arguments.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::choice::choice;

/// A message's arguments by name (`{ $field }` in the catalogs).
pub type Args = BTreeMap<String, Arg>;

/// What a rule says: `code` (snake_case, stable) and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub code: Cow<'static, str>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: Args,
}

/// One argument of a [`Message`]. Written untagged (a number, a string, `{list, code}`, an
/// array of messages); read through `serde_json::Value` (see its `Deserialize`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// A number (a count, a year, a length): English chooses its plural by it.
    Num(i64),
    /// Text shown as it is: a name a person typed, a date, a code of the data.
    Text(String),
    /// A value of one of shared's lists, shown by its label in the reader's language:
    /// `{"list": "application-state", "code": "returned"}` (the list names of
    /// `texts::labels`; `field-label` is [`FieldLabel`]).
    Label { list: Cow<'static, str>, code: Cow<'static, str> },
    /// Other messages, shown one after another (the issues of an `invalid_record`).
    List(Vec<Message>),
}

/// Read as a JSON value, then by its shape: serde's derived untagged reading buffers every value
/// through code of its own that the app's main module would carry for this alone, while the
/// JSON value's reading is there already (records are values). A shape none of the four is
/// kept as its JSON text.
impl<'de> Deserialize<'de> for Arg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Arg::from_json(serde_json::Value::deserialize(deserializer)?))
    }
}

impl Arg {
    fn from_json(value: serde_json::Value) -> Arg {
        use serde_json::Value;
        match value {
            Value::Number(n) => n.as_i64().map_or_else(|| Arg::Text(n.to_string()), Arg::Num),
            Value::String(s) => Arg::Text(s),
            Value::Object(mut o) => match (o.remove("list"), o.remove("code")) {
                (Some(Value::String(list)), Some(Value::String(code))) if o.is_empty() => {
                    Arg::Label { list: Cow::Owned(list), code: Cow::Owned(code) }
                }
                (list, code) => {
                    if let Some(list) = list {
                        o.insert("list".into(), list);
                    }
                    if let Some(code) = code {
                        o.insert("code".into(), code);
                    }
                    Arg::Text(Value::Object(o).to_string())
                }
            },
            Value::Array(items) => Arg::List(
                items
                    .into_iter()
                    .map(|item| {
                        serde_json::from_value(item.clone())
                            .unwrap_or_else(|_| Message::new("item").arg("text", item.to_string()))
                    })
                    .collect(),
            ),
            other => Arg::Text(other.to_string()),
        }
    }
}

impl Message {
    pub fn new(code: &'static str) -> Self {
        Self { code: Cow::Borrowed(code), args: Args::new() }
    }

    /// With argument `name`.
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    /// With argument `name`, the value `code` of list `list`.
    pub fn label(self, name: &str, list: &'static str, code: &'static str) -> Self {
        self.arg(name, Arg::Label { list: Cow::Borrowed(list), code: Cow::Borrowed(code) })
    }

    /// With argument `field`, a field's label.
    pub fn field(self, field: FieldLabel) -> Self {
        self.label("field", "field-label", field.as_str())
    }

    /// With argument `state`, an application state.
    pub fn state(self, state: crate::model::ApplicationState) -> Self {
        self.label("state", "application-state", state.as_str())
    }

    /// With argument `category`, a category.
    pub fn category(self, category: crate::model::Category) -> Self {
        self.label("category", "category", category.as_str())
    }

    /// The argument `name`.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.args.get(name)
    }
}

impl From<&'static str> for Message {
    fn from(code: &'static str) -> Self {
        Message::new(code)
    }
}

macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
num_arg!(usize, u8, u16, u32, u64, i32, i64);

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}
impl From<chrono::NaiveDate> for Arg {
    fn from(d: chrono::NaiveDate) -> Self {
        Arg::Text(d.to_string())
    }
}
impl From<Vec<Message>> for Arg {
    fn from(list: Vec<Message>) -> Self {
        Arg::List(list)
    }
}

/// For logs and tests: `code(name=value, …)`.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)?;
        if self.args.is_empty() {
            return Ok(());
        }
        f.write_str("(")?;
        for (i, (name, value)) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}={value}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Num(n) => write!(f, "{n}"),
            Arg::Text(s) => f.write_str(s),
            Arg::Label { list, code } => write!(f, "{list}:{code}"),
            Arg::List(list) => {
                for (i, m) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{m}")?;
                }
                Ok(())
            }
        }
    }
}

choice! {
    /// The fields messages name, as people know them (`Message::field`): a form's label, never
    /// the record's key.
    pub enum FieldLabel {
        Name => ("name", "姓名"),
        Member => ("member", "党员"),
        SurveyedMember => ("surveyed_member", "被调查党员"),
        Branch => ("branch", "所属支部"),
        MeetingBranch => ("meeting_branch", "支部"),
        InspectedBranch => ("inspected_branch", "被督查支部"),
        Category => ("category", "争创类别"),
        Candidate => ("candidate", "争创对象"),
        Surveyor => ("surveyor", "调查人"),
        SurveyedAt => ("surveyed_at", "调查时间"),
        Gender => ("gender", "性别"),
        BirthYear => ("birth_year", "出生年份"),
        Phone => ("phone", "联系电话"),
        IdNumber => ("id_number", "身份证号"),
        VillageUnit => ("village_unit", "所在村（社区）或单位"),
        Employment => ("employment", "从业情况"),
        PotentialLevel => ("potential_level", "创业创新潜力"),
        WealthPotential => ("wealth_potential", "致富潜力"),
        InnovationPotential => ("innovation_potential", "创新潜力"),
        Trade => ("trade", "经营行业"),
        TurnoverBand => ("turnover_band", "年营业额"),
        Employees => ("employees", "从业人数"),
        ServicePerformance => ("service_performance", "服务创业创新表现"),
        MentoringAbility => ("mentoring_ability", "帮带能力"),
        MentoringWillingness => ("mentoring_willingness", "帮带意向"),
        TechSpecialty => ("tech_specialty", "技术专长"),
        ContactDate => ("contact_date", "联系日期"),
        ContactWay => ("contact_way", "联系方式"),
        ContactContent => ("contact_content", "联系内容"),
        ContactPerson => ("contact_person", "联系人"),
        Base => ("base", "示范基地"),
        VisitDate => ("visit_date", "参观日期"),
        VisitContent => ("visit_content", "参观学习内容"),
        FundingKind => ("funding_kind", "扶持方式"),
        FundingLevel => ("funding_level", "扶持层级"),
        FundingDate => ("funding_date", "扶持日期"),
        MeetingDate => ("meeting_date", "会议日期"),
        MeetingTopics => ("meeting_topics", "会议内容"),
        Attended => ("attended", "实到人数"),
        InspectionDate => ("inspection_date", "督查日期"),
        InspectionKind => ("inspection_kind", "督查方式"),
        Findings => ("findings", "督查情况"),
        FixItem => ("fix_item", "整改事项"),
        BaseName => ("base_name", "基地名称"),
        Industry => ("industry", "所属行业"),
        NoticeTitle => ("notice_title", "标题"),
        NoticeBody => ("notice_body", "正文"),
        PublishedOn => ("published_on", "发布日期"),
        BranchName => ("branch_name", "支部名称"),
        BranchKind => ("branch_kind", "支部类型"),
        CriterionKey => ("criterion_key", "考核项代码"),
        CriterionLabel => ("criterion_label", "考核内容"),
        Author => ("author", "作者"),
        BranchCode => ("branch_code", "支部编号"),
        ClockDevice => ("clock_device", "设备时钟标识"),
        FieldName => ("field_name", "字段名"),
        Content => ("content", "内容"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_travel_as_code_and_typed_arguments() {
        let m = Message::new("reason_required")
            .state(crate::model::ApplicationState::Returned)
            .field(FieldLabel::Branch)
            .arg("n", 3usize)
            .arg("name", "王海")
            .arg("problems", vec![Message::new("x")]);
        let wire = serde_json::to_value(&m).unwrap();
        assert_eq!(
            wire,
            json!({"code": "reason_required", "args": {
                "field": {"list": "field-label", "code": "branch"},
                "n": 3,
                "name": "王海",
                "problems": [{"code": "x"}],
                "state": {"list": "application-state", "code": "returned"},
            }})
        );
        assert_eq!(serde_json::from_value::<Message>(wire).unwrap(), m);
        assert_eq!(Message::new("plain").to_string(), "plain");
    }
}
