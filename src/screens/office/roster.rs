//! 导入党员名册: pick the roster (XLSX from Excel/WPS, or CSV in UTF-8 or GBK), preview every
//! row's problems (row, column, reason), and import it whole once it has none. The server
//! decides everything (`/api/v1/admin/roster/…`); the members then reach every tablet by sync.

use leptos::prelude::*;
use shared::sync::{RosterIssue, RosterReport};
use texts::Text;

use super::{error_line, office_action};
use crate::browser::files;
use crate::components::notice::on_outcome;
use crate::hooks::use_local_action::LocalAction;
use crate::i18n::office as t;
use crate::services::office;
use crate::sync::http::Http;
use crate::sync::use_sync;

#[component]
pub fn Roster(http: Http) -> impl IntoView {
    let engine = use_sync();
    let http = StoredValue::new(http);
    let error = RwSignal::new(None::<String>);
    let file = StoredValue::new_local(None::<Vec<u8>>);
    let report = RwSignal::new(None::<RosterReport>);
    let applied = RwSignal::new(None::<RosterReport>);

    // Preview (`false`) or import (`true`) the picked roster.
    let upload = office_action(
        error,
        move |apply: &bool| {
            let (http, bytes, apply) = (http.get_value(), file.get_value(), *apply);
            async move {
                let bytes = bytes.ok_or(files::FileError::NoFile)?;
                office::roster(&http, &bytes, apply).await.map(|r| (apply, r))
            }
        },
        move |(apply, r)| {
            if apply {
                applied.set(Some(r));
                report.set(None);
                engine.sync_now();
            } else {
                report.set(Some(r));
            }
        },
    );
    let busy = move || upload.pending().get();
    let send = move |apply: bool| {
        if file.with_value(Option::is_some) {
            upload.dispatch_local(apply);
        }
    };
    let pick = LocalAction::new(move |ev: &leptos::ev::Event| {
        let ev = ev.clone();
        async move { files::picked_by(&ev, office::MAX_ROSTER_BYTES).await }
    });
    on_outcome(
        pick,
        move |(_, bytes)| {
            file.set_value(Some(bytes));
            send(false);
        },
        move |e| error.set(Some(e.to_string())),
    );
    let choose = move |ev: leptos::ev::Event| {
        report.set(None);
        applied.set(None);
        error.set(None);
        pick.dispatch_local(ev);
    };
    view! {
        <div data-testid="office-roster">
            <p class="hint">{t::ROSTER_HINT}</p>
            <label class="field">
                <span class="label">{t::ROSTER_FILE}</span>
                <input type="file" data-testid="roster-file"
                    accept=".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                    on:change=choose />
            </label>
            <button class="button secondary" data-testid="roster-preview" disabled=busy
                on:click=move |_| send(false)>{t::PREVIEW}</button>
            {error_line(error, "roster-error")}
            {move || applied.get().map(|r| view! {
                <p class="message info" role="status" data-testid="roster-applied">{t::applied(r.created, r.updated, r.unchanged)}</p>
                {notes(&r, true)}
            })}
            {move || report.get().map(|r| {
                let clean = r.issues.is_empty();
                let columns = columns_read(&r);
                view! {
                    <dl class="facts" data-testid="roster-report">
                        <dt>{t::ROWS}</dt><dd data-testid="roster-rows">{r.rows}</dd>
                        <dt>{t::TO_CREATE}</dt><dd data-testid="roster-created">{r.created}</dd>
                        <dt>{t::TO_UPDATE}</dt><dd data-testid="roster-updated">{r.updated}</dd>
                        <dt>{t::UNCHANGED}</dt><dd data-testid="roster-unchanged">{r.unchanged}</dd>
                        <dt>{t::ISSUES}</dt><dd data-testid="roster-issue-count">{r.issues.len()}</dd>
                    </dl>
                    <p class="hint" data-testid="roster-columns">{t::COLUMNS_READ}{columns}</p>
                    {notes(&r, false)}
                    {if clean {
                        view! {
                            <p class="message info" data-testid="roster-ready">{t::READY}</p>
                            <button class="button primary" data-testid="roster-apply" disabled=busy
                                on:click=move |_| send(true)>{t::APPLY}</button>
                        }.into_any()
                    } else {
                        view! {
                            <p class="message warn" data-testid="roster-fix-first">{t::FIX_FIRST}</p>
                            <table class="list" data-testid="roster-issues">
                                <thead><tr><th>{t::ROW}</th><th>{t::COLUMN}</th><th>{t::REASON}</th></tr></thead>
                                <tbody>
                                    {r.issues.into_iter().map(|i| {
                                        // Worded in the app's language; an older server's words as sent.
                                        let reason = crate::i18n::messages::words_or(i.said().as_ref(), &i.message);
                                        view! {
                                            <tr data-testid="roster-issue" data-row=i.row.to_string()>
                                                <td>{i.row}</td><td>{i.column}</td><td>{reason}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                }
            })}
        </div>
    }
}

/// What the report notes beside its problems, said plainly and apart from them, as they block
/// nothing: the rows whose member is not moved to the branch the file names, and the rows made
/// into new members while another branch has a member of that name (perhaps one who moved).
/// Nothing when there are none (and from an older server, which sends none). Once `applied`,
/// the namesakes are not said again: they were before applying, as what to check first.
fn notes(report: &RosterReport, applied: bool) -> impl IntoView + use<> {
    let (namesakes, not_moved): (Vec<&RosterIssue>, Vec<&RosterIssue>) =
        report.notes.iter().partition(|n| n.reason.as_deref() == Some(NAMESAKE_ELSEWHERE));
    let namesakes = if applied { Vec::new() } else { namesakes };
    view! {
        {note_section(&not_moved, "roster-not-moved", t::NOT_MOVED, t::NOT_MOVED_HINT, "roster-notes", "roster-note")}
        {note_section(&namesakes, "roster-namesakes", t::NAMESAKES, t::NAMESAKES_HINT, "roster-namesake-rows", "roster-namesake")}
    }
}

/// The reason code of a note about a namesake in another branch (`server::roster`).
const NAMESAKE_ELSEWHERE: &str = "roster_namesake_elsewhere";

/// One kind of note: a heading with their count, a hint, and a row for each.
fn note_section(
    notes: &[&RosterIssue],
    testid: &'static str,
    heading: Text,
    hint: Text,
    table_testid: &'static str,
    row_testid: &'static str,
) -> Option<impl IntoView + use<>> {
    if notes.is_empty() {
        return None;
    }
    let rows = notes
        .iter()
        .map(|n| {
            let reason = crate::i18n::messages::words_or(n.said().as_ref(), &n.message);
            view! {
                <tr data-testid=row_testid data-row=n.row.to_string()>
                    <td>{n.row}</td><td>{n.column.clone()}</td><td>{reason}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <div data-testid=testid>
            <p class="message warn" role="status">
                <strong data-testid=format!("{testid}-count")>{heading}{format!(" ({})", notes.len())}</strong>
                <br/>{hint}
            </p>
            <table class="list" data-testid=table_testid>
                <thead><tr><th>{t::ROW}</th><th>{t::COLUMN}</th><th>{t::REASON}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}

/// Which field each header of the file was read as: the header alone when it is the field's
/// name, else `header→field`, the field named in the app's language (an older server sends its
/// zh-Hans name only).
fn columns_read(report: &RosterReport) -> String {
    use crate::i18n::Localized as _;
    let shown: Vec<String> = report
        .columns
        .iter()
        .map(|c| {
            let field = c.label.map_or(c.field.as_str(), |l| l.localized());
            if c.header == c.field || c.header == field {
                c.header.clone()
            } else {
                format!("{}→{field}", c.header)
            }
        })
        .collect();
    crate::i18n::join(&shown.iter().map(String::as_str).collect::<Vec<_>>())
}
