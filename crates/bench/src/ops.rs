//! The operations the sync benchmark pushes: one new person per operation, valid for the
//! benchmark admin (author = the admin, a branch set), about the size of a real person edit.

use serde_json::{Value, json};
use shared::hlc::Hlc;
use shared::op::{OpContext, Operation};
use shared::record::EntityKind;
use uuid::Uuid;

const BRANCHES: [&str; 6] =
    ["b-dongsha", "b-daixi", "b-daidong", "b-changtu", "b-qushan", "b-xiushan"];
const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
const GIVEN: [&str; 8] = ["海波", "涛", "洋", "帆", "建国", "丽芳", "春梅", "秀兰"];
const VILLAGES: [&str; 4] = ["东沙村", "岱西村", "长涂社区", "衢山村"];

/// `n` upserts of new people by `author` on one device, with increasing clocks.
pub fn people_ops(n: usize, author: &str) -> Vec<Operation> {
    let ctx = OpContext { device_id: Uuid::new_v4(), author: author.to_owned() };
    let device = ctx.device_id.simple().to_string();
    let start_ms = 1_740_000_000_000u64;
    (0..n)
        .map(|i| {
            let branch = BRANCHES[i % BRANCHES.len()];
            let name = format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]);
            let fields: Vec<(String, Value)> = vec![
                ("name".into(), json!(name)),
                ("gender".into(), json!(if i % 3 == 0 { "female" } else { "male" })),
                ("birth_year".into(), json!(1950 + (i % 50) as i32)),
                ("phone".into(), json!(format!("13{:09}", i))),
                ("branch_id".into(), json!(branch)),
                ("village_unit".into(), json!(VILLAGES[i % 4])),
                ("category".into(), json!("village_leader")),
                ("notes".into(), json!("近年从事近海捕捞，带动周边群众发展海水养殖。")),
            ];
            let hlc = Hlc::new(start_ms + i as u64, 0, device.clone());
            Operation::upsert(&ctx, hlc, EntityKind::Person, Uuid::new_v4(), branch, None, fields)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_are_distinct_new_people_in_clock_order() {
        let ops = people_ops(50, "bench");
        assert_eq!(ops.len(), 50);
        assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc && w[0].id != w[1].id));
        assert!(
            ops.iter().all(|op| op.author == "bench"
                && !op.branch_id.is_empty()
                && op.changes.len() == 8)
        );
        let bytes = serde_json::to_vec(&ops[0]).unwrap().len();
        assert!((600..1500).contains(&bytes), "operation is {bytes} bytes");
    }
}
