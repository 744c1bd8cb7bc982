//! Print (issue 12, part 7): the 亮相 display card and the 工作情况通报 print on A4 with their
//! text in a real font. Chromium prints each screen to PDF (`Page.printToPDF`, the CSS page size
//! of `style/main.css`), and the PDF is read back: its pages, their size, the fonts embedded
//! and the text on them — none of the app's chrome (top bar, navigation, buttons).

use std::time::Duration;

use base64::Engine;
use chrono::{Datelike, NaiveDateTime, Utc};
use e2e::{Api, Browser, FIRST_LOAD_TIMEOUT, Harness, testid};
use serde_json::json;
use shared::branches::new_branch;
use shared::candidacy::CandidacyKey;
use shared::model::{ApplicationAction, Campaign, Candidate, Category, Person};
use shared::record::{EntityKind, to_fields};
use shared::roles::Role;
use shared::workflow;
use uuid::Uuid;

const PASSWORD: &str = "field-pass-123";

/// One printed PDF, read back.
struct Printed {
    pages: usize,
    /// Width and height of the first page in points (A4: 595 × 842).
    size: (f64, f64),
    fonts: Vec<String>,
    text: String,
}

/// Prints the page `browser` shows as Chromium's print dialog would, to PDF, kept as
/// `target/print/<name>.pdf` (`e2e::artifacts_dir`) for a person to look at.
async fn print(browser: &Browser, name: &str) -> Printed {
    let answer = browser
        .cdp("Page.printToPDF", json!({ "preferCSSPageSize": true, "printBackground": true }))
        .await
        .unwrap();
    let data = answer["data"].as_str().expect("the PDF, base64");
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap();
    let file = e2e::artifacts_dir("print").unwrap().join(format!("{name}.pdf"));
    std::fs::write(file, &bytes).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    let numbers: Vec<u32> = pages.keys().copied().collect();
    let first = *pages.values().next().expect("a page");
    let media_box = doc
        .get_dictionary(first)
        .and_then(|page| page.get(b"MediaBox"))
        .and_then(lopdf::Object::as_array)
        .map(|a| a.iter().map(|n| n.as_float().map(f64::from).unwrap_or(0.0)).collect::<Vec<_>>())
        .unwrap();
    let mut fonts = Vec::new();
    for page in pages.values() {
        for font in doc.get_page_fonts(*page).unwrap_or_default().values() {
            if let Ok(name) = font.get(b"BaseFont").and_then(lopdf::Object::as_name) {
                fonts.push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    // Text runs come out with spaces and line breaks between them: compare without.
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Printed {
        pages: numbers.len(),
        size: (media_box[2] - media_box[0], media_box[3] - media_box[1]),
        fonts,
        text,
    }
}

fn at() -> NaiveDateTime {
    Utc::now().naive_local() - chrono::Duration::minutes(5)
}

fn assert_a4(what: &str, printed: &Printed) {
    let (w, h) = printed.size;
    assert!((w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0, "{what}: A4, not {w} × {h} pt");
    assert!(
        printed.fonts.iter().any(|f| {
            let f = f.to_ascii_lowercase();
            ["wenquanyi", "wqy", "noto", "cjk", "zenhei", "source"].iter().any(|n| f.contains(n))
        }),
        "{what}: a Chinese font is embedded, not boxes: {:?}",
        printed.fonts
    );
    for chrome in ["打印", "党员名册", "同步"] {
        assert!(!printed.text.contains(chrome), "{what}: the app's {chrome} printed too");
    }
}

#[tokio::test]
async fn the_display_card_and_the_report_print_on_a4_with_their_text() {
    let harness = Harness::start().await.expect("start server and chromedriver");
    let origin = harness.base_url();
    harness
        .server_command(&["create-admin", "--username", "office", "--password", PASSWORD])
        .unwrap();
    let mut office = Api::sign_in(&origin, "office", PASSWORD).await;
    let year = Utc::now().year();

    // A town with its campaign, a branch, a member and the member's application for a service
    // post, approved by the town committee (镇党委审定): its card may be printed.
    let campaign =
        Campaign {
            town: "东海镇".into(), start_year: year, years: 3, ..Campaign::default_plan()
        };
    let branch = Uuid::now_v7();
    let code = branch.to_string();
    let person_id = Uuid::now_v7();
    let person = Person {
        name: "林海生".into(),
        branch_id: code.clone(),
        village_unit: "东海镇人民政府".into(),
        category: Some(Category::ServicePost),
        ..Default::default()
    };
    let mut candidate = Candidate {
        person_id,
        branch_id: code.clone(),
        category: Some(Category::ServicePost),
        year,
        contact_person: "王书记".into(),
        ..Default::default()
    };
    workflow::start_candidate(&mut candidate, "office", Role::TownOffice, at()).unwrap();
    let candidate_id = CandidacyKey::of(&candidate).unwrap().record_id();
    let branch_fields = to_fields(&new_branch(branch, "渔业村党支部")).unwrap();
    let ops = vec![
        office.upsert(EntityKind::Campaign, Campaign::RECORD_ID, "", to_fields(&campaign).unwrap()),
        office.upsert(EntityKind::Branch, branch, "", branch_fields),
        office.upsert(EntityKind::Person, person_id, &code, to_fields(&person).unwrap()),
        office.upsert(EntityKind::Candidate, candidate_id, &code, to_fields(&candidate).unwrap()),
    ];
    office.push(&ops).await;
    workflow::apply_transition(
        &mut candidate,
        ApplicationAction::Approve,
        "office",
        Role::TownOffice,
        at(),
        None,
    )
    .unwrap();
    let step = to_fields(&candidate)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| ["state", "history", "reason"].contains(&k.as_str()))
        .collect();
    let approve = office.upsert(EntityKind::Candidate, candidate_id, &code, step);
    office.push(&[approve]).await;

    let app = harness.open_browser().await.unwrap();
    app.sign_in(&origin, "office", PASSWORD).await.unwrap();
    app.sync(&origin).await.unwrap();

    app.goto(&format!("{origin}/#/campaign/card/{candidate_id}")).await.unwrap();
    app.wait_for(&testid("display-card"), FIRST_LOAD_TIMEOUT).await.unwrap();
    app.wait_for_text("card-name", "林海生").await.unwrap();
    let card = print(&app, "display-card").await;
    assert_eq!(card.pages, 1, "the card is one sheet: {}", card.text);
    assert_a4("the card", &card);
    for text in ["林海生", "东海镇人民政府", "渔业村党支部", "中共东海镇委员会", "王书记"]
    {
        assert!(card.text.contains(text), "the card shows {text}: {}", card.text);
    }

    app.goto(&format!("{origin}/#/campaign/report")).await.unwrap();
    app.wait_for(&testid("report-paper"), FIRST_LOAD_TIMEOUT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let report = print(&app, "report").await;
    assert!((1..=4).contains(&report.pages), "the 通报 on a few sheets: {}", report.pages);
    assert_a4("the report", &report);
    for text in ["中共东海镇委员会组织办", "渔业村党支部"] {
        assert!(report.text.contains(text), "the 通报 shows {text}: {}", report.text);
    }
    harness.shutdown();
}
