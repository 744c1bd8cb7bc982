//! The town office's first day from an empty server (issue 11): the checklist says what is
//! missing; the office names the town (the 通报 is then issued by its committee, dated in
//! Chinese), sets up branches, imports its roster from an XLSX (a first file with bad
//! rows is previewed row by row and refused whole, the corrected one is imported), creates a
//! surveyor account scoped to one branch, hands out a one-time sign-in code; a blank tablet
//! signs in by typing that code (no password), syncs, and holds exactly its branch's members;
//! the office's device list then shows that tablet's report, and the checklist is all done.

use e2e::{Browser, Harness, STEP_TIMEOUT, testid};

const PASSWORD: &str = "field-pass-123";
const BRANCH_A: &str = "渔业村党支部";
const BRANCH_B: &str = "海港社区党支部";

/// A valid ID number born on `birth` (YYYYMMDD) with sequence `seq`.
fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("330902{birth}{seq:03}");
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// An XLSX roster with the header Excel users write, and `rows`.
fn roster(path: &std::path::Path, rows: &[[String; 7]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header =
        ["姓名", "性别", "出生年月", "联系电话", "身份证号", "所在支部", "村（社区）/单位"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, cell).unwrap();
        }
    }
    book.save(path).unwrap();
}

fn member(name: &str, year: u32, seq: u32, branch: &str) -> [String; 7] {
    [
        name.into(),
        "男".into(),
        format!("{year}-05"),
        format!("1380000{seq:04}"),
        id_number(&format!("{year}0501"), seq * 2 + 1),
        branch.into(),
        "东海村".into(),
    ]
}

async fn step_state(office: &Browser, key: &str) -> String {
    let step = office.by_testid(&format!("checklist-step-{key}")).await.unwrap();
    step.attr("data-state").await.unwrap().unwrap_or_default()
}

async fn make_branch(office: &Browser, name: &str) -> String {
    office.type_into("branch-name-input", name).await.unwrap();
    office.select_value("branch-kind", "village").await.unwrap();
    office.click_testid("branch-save").await.unwrap();
    office.wait_for_text("campaign-done", "支部已保存").await.unwrap();
    let script = format!(
        "const r = [...document.querySelectorAll('[data-testid=\"branch-row\"]')]
           .find(r => r.querySelector('[data-testid=\"branch-name\"]').textContent.trim() === {name});
         return r ? r.dataset.code : false;",
        name = serde_json::Value::String(name.into())
    );
    let listed = format!("{script} ").replace("return r ? r.dataset.code : false;", "return !!r;");
    office.wait_until(&format!("branch {name} listed"), &listed, STEP_TIMEOUT).await.unwrap();
    office.eval(&script).await.unwrap().as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_office_goes_from_an_empty_server_to_a_tablet_holding_its_members() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    let origin = harness.base_url();
    let office = harness.open_browser_in("office").await.expect("open the office browser");
    office.sign_in(&origin, "office", PASSWORD).await.unwrap();

    // The checklist: nothing set up, said in words.
    office.click_testid("nav-office").await.unwrap();
    office.by_testid("office-checklist").await.unwrap();
    assert_eq!(step_state(&office, "branches").await, "missing");
    assert_eq!(office.text_of("checklist-detail-branches").await.unwrap(), "尚未设置支部");
    assert_eq!(step_state(&office, "roster").await, "missing");
    assert_eq!(step_state(&office, "accounts").await, "missing");
    assert_eq!(step_state(&office, "tablets").await, "missing");
    // The upload page is linked from the office screens.
    let link = office.by_testid("office-open-import-page").await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some("/import"));

    // The town's name: printouts are signed with its committee.
    assert_eq!(step_state(&office, "town").await, "missing");
    office.type_into("town-name", "东海镇").await.unwrap();
    office.click_testid("town-save").await.unwrap();
    office.by_testid("town-saved").await.unwrap();
    office
        .wait_until(
            "the town step done",
            "const s = document.querySelector('[data-testid=\"checklist-step-town\"]'); return !!s && s.dataset.state === 'done';",
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    // Naming the town does not set the campaign's years and targets: saving them does.
    assert_eq!(step_state(&office, "campaign").await, "missing");
    office.goto(&format!("{origin}/#/campaign/settings")).await.unwrap();
    office.click_testid("campaign-save").await.unwrap();
    office.by_testid("campaign-done").await.unwrap();
    office.goto(&format!("{origin}/#/campaign/report")).await.unwrap();
    assert_eq!(office.text_of("report-issuer").await.unwrap(), "印发：中共东海镇委员会组织办");
    let date = office.text_of("report-date").await.unwrap();
    assert!(date.contains('年') && date.contains('月') && date.ends_with('日'), "{date}");

    // Branches.
    office.goto(&format!("{origin}/#/campaign/branches")).await.unwrap();
    office.by_testid("branches-screen").await.unwrap();
    let code_a = make_branch(&office, BRANCH_A).await;
    make_branch(&office, BRANCH_B).await;
    office.sync(&origin).await.unwrap();

    // A roster with bad rows: every problem listed, nothing imported.
    let dir = tempfile::tempdir().unwrap();
    let mut rows = vec![
        member("林海生", 1970, 1, BRANCH_A),
        member("陈大海", 1975, 2, BRANCH_A),
        member("王小红", 1980, 3, BRANCH_A),
        member("周海波", 1985, 4, BRANCH_B),
    ];
    let mut bad_id = member("张错号", 1990, 5, BRANCH_A);
    bad_id[4] = format!("{}{}", &bad_id[4][..17], if bad_id[4].ends_with('1') { '2' } else { '1' });
    let unknown_branch = member("李无支", 1991, 6, "不存在的支部");
    let mut with_bad = rows.clone();
    with_bad.push(bad_id);
    with_bad.push(unknown_branch);
    let bad_file = dir.path().join("名册-有错.xlsx");
    roster(&bad_file, &with_bad);
    office.goto(&format!("{origin}/#/office/roster")).await.unwrap();
    let input = office.by_testid("roster-file").await.unwrap();
    input.send_keys(&bad_file.display().to_string()).await.unwrap();
    office.wait_for_text("roster-issue-count", "2").await.unwrap();
    assert_eq!(office.text_of("roster-rows").await.unwrap(), "6");
    let issues = office.text_of("roster-issues").await.unwrap();
    assert!(issues.contains("校验位") && issues.contains("不存在的支部"), "{issues}");
    let row6 = office
        .wait_for("[data-testid=\"roster-issue\"][data-row=\"6\"]", STEP_TIMEOUT)
        .await
        .unwrap();
    assert!(row6.text().await.unwrap().contains("身份证号"));
    assert!(!office.exists(&testid("roster-apply")).await.unwrap(), "no import while rows are bad");

    // The corrected roster: previewed clean, imported.
    rows.push(member("张正号", 1990, 5, BRANCH_A));
    let good_file = dir.path().join("名册.xlsx");
    roster(&good_file, &rows);
    office.goto(&format!("{origin}/#/office")).await.unwrap();
    office.goto(&format!("{origin}/#/office/roster")).await.unwrap();
    let input = office.by_testid("roster-file").await.unwrap();
    input.send_keys(&good_file.display().to_string()).await.unwrap();
    office.wait_for_text("roster-created", "5").await.unwrap();
    office.click_testid("roster-apply").await.unwrap();
    let applied = office.text_of("roster-applied").await.unwrap();
    assert!(applied.contains("新增 5 人"), "{applied}");

    // 周海波 moved to branch A, listed without an ID number: he would be made a second time.
    // The preview says so before anything is applied, naming branch B's 周海波.
    let mut moved = member("周海波", 1985, 4, BRANCH_A);
    moved[4].clear();
    let moved_file = dir.path().join("名册-转入.xlsx");
    roster(&moved_file, &[moved]);
    office.goto(&format!("{origin}/#/office")).await.unwrap();
    office.goto(&format!("{origin}/#/office/roster")).await.unwrap();
    let input = office.by_testid("roster-file").await.unwrap();
    input.send_keys(&moved_file.display().to_string()).await.unwrap();
    office.wait_for_text("roster-created", "1").await.unwrap();
    let count = office.text_of("roster-namesakes-count").await.unwrap();
    assert!(count.contains("其他支部有同名党员") && count.contains("(1)"), "{count}");
    let row = office
        .wait_for("[data-testid=\"roster-namesake\"][data-row=\"2\"]", STEP_TIMEOUT)
        .await
        .unwrap();
    let said = row.text().await.unwrap();
    assert!(said.contains(BRANCH_B) && said.contains("1985 年生"), "{said}");
    assert!(!office.exists(&testid("roster-not-moved")).await.unwrap());

    // A surveyor of branch A, and a one-time code for their tablet.
    office.goto(&format!("{origin}/#/office/accounts")).await.unwrap();
    office.type_into("account-create-username", "zhou").await.unwrap();
    office.type_into("account-create-name", "周晓").await.unwrap();
    office.type_into("account-create-password", "zhou-pass-123").await.unwrap();
    office.select_value("account-create-role", "surveyor").await.unwrap();
    office.click_testid(&format!("account-create-branch-{code_a}")).await.unwrap();
    office.click_testid("account-create-submit").await.unwrap();
    office.by_testid("account-row-zhou").await.unwrap();
    office.click_testid("account-code-zhou").await.unwrap();
    let code = office.text_of("signin-code").await.unwrap();
    assert_eq!(code.len(), 8, "{code}");
    let qr = office.by_testid("signin-code-qr").await.unwrap();
    assert!(qr.attr("src").await.unwrap().unwrap().starts_with("data:image/svg+xml"));
    assert!(
        office.text_of("signin-code-link").await.unwrap().ends_with(&format!("#/signin/{code}"))
    );

    // A blank tablet signs in with the typed code: no password.
    let tablet = harness.open_browser_in("tablet").await.expect("open the tablet");
    tablet.goto(&format!("{origin}/#/sync")).await.unwrap();
    tablet.by_testid("code-login-form").await.unwrap();
    let camera_shown = tablet
        .eval("return document.querySelector('[data-testid=\"code-login-video\"]').offsetParent !== null;")
        .await
        .unwrap();
    assert_eq!(camera_shown, serde_json::Value::Bool(false), "no camera view before 扫码登录");
    tablet.type_into("code-login-code", &code.to_lowercase()).await.unwrap();
    tablet.click_testid("code-login-submit").await.unwrap();
    let who = tablet.text_of("signed-in-as").await.unwrap();
    assert!(who.contains("周晓"), "{who}");
    tablet.sync(&origin).await.unwrap();
    tablet.goto(&format!("{origin}/#/people")).await.unwrap();
    let in_a = rows.iter().filter(|r| r[5] == BRANCH_A).count();
    tablet
        .wait_until(
            "the branch's members on the tablet",
            &format!(
                "return document.querySelectorAll('[data-testid=\"people-row\"]').length === {in_a};"
            ),
            STEP_TIMEOUT,
        )
        .await
        .unwrap();
    let people = tablet.text_of("people-table").await.unwrap();
    assert!(people.contains("林海生") && !people.contains("周海波"), "branch-scoped: {people}");

    // The same code does not work twice.
    let second = harness.open_browser_in("tablet2").await.unwrap();
    second.goto(&format!("{origin}/#/signin/{code}")).await.unwrap();
    let refused = second.text_of("code-signin-error").await.unwrap();
    assert!(refused.contains("已使用"), "{refused}");

    // The office sees the tablet and what it reported at its sync; the checklist is done.
    office.goto(&format!("{origin}/#/office/devices")).await.unwrap();
    let row = office
        .wait_for("[data-testid^=\"device-row-\"][data-username=\"zhou\"]", STEP_TIMEOUT)
        .await
        .unwrap();
    let id = row
        .attr("data-testid")
        .await
        .unwrap()
        .unwrap()
        .trim_start_matches("device-row-")
        .to_owned();
    assert_eq!(office.text_of(&format!("device-pending-{id}")).await.unwrap(), "0");
    assert_eq!(office.text_of(&format!("device-refused-{id}")).await.unwrap(), "0");
    assert!(!office.text_of(&format!("device-version-{id}")).await.unwrap().is_empty());
    office.goto(&format!("{origin}/#/office/checklist")).await.unwrap();
    office.by_testid("office-checklist").await.unwrap();
    for key in ["town", "campaign", "branches", "roster", "accounts", "tablets"] {
        office
            .wait_until(
                &format!("checklist step {key} done"),
                &format!("const s = document.querySelector('[data-testid=\"checklist-step-{key}\"]'); return !!s && s.dataset.state === 'done';"),
                STEP_TIMEOUT,
            )
            .await
            .unwrap();
    }
}
