//! Steps on the app's own screens that several tests take: filling fields by `data-testid`,
//! signing in on the sync screen and running a sync to the end.

use std::time::Duration;

use fantoccini::elements::Element;
use serde_json::Value;

use crate::HarnessError;
use crate::browser::{Browser, FIRST_LOAD_TIMEOUT};

/// How long one screen step may take (a busy 2-core machine, a debug server).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a whole sync run may take.
pub const SYNC_TIMEOUT: Duration = Duration::from_secs(120);

/// The CSS selector of the element with `data-testid="<id>"`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// A JS string literal of `text` (for building page scripts).
fn js_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

impl Browser {
    /// The element `data-testid="<id>"`, waiting for it a step's time.
    pub async fn by_testid(&self, id: &str) -> Result<Element, HarnessError> {
        self.wait_for_testid(id, STEP_TIMEOUT).await
    }

    /// Clicks the element `data-testid="<id>"`, first brought to the middle of the window: a
    /// WebDriver click does not scroll an element it finds "in view", even when the sticky top
    /// bar or a form's sticky save bar covers it, and would then hit the bar instead.
    pub async fn click_testid(&self, id: &str) -> Result<(), HarnessError> {
        let element = self.by_testid(id).await?;
        self.client()
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'}); return true;",
                vec![serde_json::to_value(&element).map_err(|e| HarnessError::Page {
                    what: format!("the element `{id}`"),
                    value: e.to_string(),
                })?],
            )
            .await?;
        Ok(element.click().await?)
    }

    /// Replaces the text of the field `data-testid="<id>"` by typing `text`.
    pub async fn type_into(&self, id: &str, text: &str) -> Result<(), HarnessError> {
        let field = self.by_testid(id).await?;
        field.clear().await?;
        Ok(field.send_keys(text).await?)
    }

    /// Chooses the option with `value` in the select `data-testid="<id>"`.
    pub async fn select_value(&self, id: &str, value: &str) -> Result<(), HarnessError> {
        Ok(self.by_testid(id).await?.select_by_value(value).await?)
    }

    /// The current `value` of the field `data-testid="<id>"`.
    pub async fn field_value(&self, id: &str) -> Result<String, HarnessError> {
        let field = self.by_testid(id).await?;
        Ok(field.prop("value").await?.unwrap_or_default())
    }

    /// The visible text of the element `data-testid="<id>"`.
    pub async fn text_of(&self, id: &str) -> Result<String, HarnessError> {
        Ok(self.by_testid(id).await?.text().await?)
    }

    /// The attribute `name` of the element `data-testid="<id>"`; `None` when the element or the
    /// attribute is not there.
    pub async fn attribute_of(&self, id: &str, name: &str) -> Result<Option<String>, HarnessError> {
        let script = format!(
            "return document.querySelector({})?.getAttribute({}) ?? null;",
            js_string(&testid(id)),
            js_string(name)
        );
        Ok(self.eval(&script).await?.as_str().map(str::to_owned))
    }

    /// Waits until the element `data-testid="<id>"` shows exactly `text` (trimmed).
    pub async fn wait_for_text(&self, id: &str, text: &str) -> Result<(), HarnessError> {
        self.wait_until(
            &format!("`{id}` to read {text}"),
            &format!(
                "const e = document.querySelector({}); return !!e && e.textContent.trim() === {};",
                js_string(&testid(id)),
                js_string(text)
            ),
            STEP_TIMEOUT,
        )
        .await
    }

    /// Waits until the survey form's autosave has written everything typed so far (the save
    /// state reads "草稿已自动保存"; typing again turns it back to "有未保存的修改").
    pub async fn wait_survey_saved(&self) -> Result<(), HarnessError> {
        self.wait_for_text("save-state", "草稿已自动保存").await
    }

    /// Signs in as `username` on the sync screen of `origin` (signing out whoever was signed
    /// in), and waits for the service worker so the app then works offline on that origin.
    /// Chooses the app's language as 设置 keeps it (`zh-Hans`, `zh-Hant`, `en`) and reloads the
    /// page at `origin/hash`, which then shows in that language.
    pub async fn use_language(
        &self,
        origin: &str,
        tag: &str,
        hash: &str,
    ) -> Result<(), HarnessError> {
        self.eval(&format!("localStorage.setItem('field.language', '{tag}'); return true;"))
            .await?;
        self.goto(&format!("{origin}/{hash}")).await?;
        self.refresh().await?;
        self.wait_until(
            &format!("the page in {tag}"),
            &format!("return document.documentElement.lang === '{tag}' && !!document.querySelector('main.screen > *');"),
            FIRST_LOAD_TIMEOUT,
        )
        .await
    }

    pub async fn sign_in(
        &self,
        origin: &str,
        username: &str,
        password: &str,
    ) -> Result<(), HarnessError> {
        self.goto(&format!("{origin}/#/sync")).await?;
        self.wait_for_testid("sync-screen", FIRST_LOAD_TIMEOUT).await?;
        if self.exists(&testid("sign-out")).await? {
            self.click_testid("sign-out").await?;
        }
        self.type_into("login-username", username).await?;
        self.type_into("login-password", password).await?;
        self.click_testid("login-submit").await?;
        let who = self
            .wait_for("[data-testid=\"signed-in-as\"], [data-testid=\"login-error\"]", STEP_TIMEOUT)
            .await?;
        let text = who.text().await?;
        if who.attr("data-testid").await?.as_deref() != Some("signed-in-as")
            || !text.contains("已登录")
        {
            return Err(HarnessError::Page {
                what: format!("signing in as {username}"),
                value: text,
            });
        }
        self.wait_for_service_worker(STEP_TIMEOUT).await
    }

    /// Presses "立即同步" on `origin`'s sync screen and waits for THAT run to end, whatever it
    /// ended with. A run the engine started by itself is waited out first, and a mutation
    /// observer notes when the pressed run starts, so a finished earlier run is never taken
    /// for this one.
    pub async fn press_sync(&self, origin: &str) -> Result<(), HarnessError> {
        self.goto(&format!("{origin}/#/sync")).await?;
        self.wait_for_testid("sync-now", FIRST_LOAD_TIMEOUT).await?;
        const ENABLED: &str = "const b = document.querySelector('[data-testid=\"sync-now\"]'); return !!b && !b.disabled;";
        self.wait_until("the sync button to be enabled", ENABLED, SYNC_TIMEOUT).await?;
        // The whole page is watched, not the button found now: the screen may be drawn again
        // (a button put in its place, already disabled when a run is on), and an observer of
        // the old one would wait for good (a network-faults run once waited its 120 s so, the
        // run long over).
        self.eval(
            "window.__syncStarted = false;
             const started = () => {
               const b = document.querySelector('[data-testid=\"sync-now\"]');
               if (b && b.disabled) window.__syncStarted = true;
             };
             new MutationObserver(started).observe(document.body,
               { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
             return true;",
        )
        .await?;
        self.click_testid("sync-now").await?;
        self.wait_until(
            "the sync run to end",
            "const b = document.querySelector('[data-testid=\"sync-now\"]');
             return window.__syncStarted === true && !!b && !b.disabled;",
            SYNC_TIMEOUT,
        )
        .await
    }

    /// [`Browser::press_sync`], and that run must have ended with nothing pending, no error and
    /// "刚刚" as the last successful sync.
    pub async fn sync(&self, origin: &str) -> Result<(), HarnessError> {
        self.press_sync(origin).await?;
        if self.exists(&testid("sync-last-error")).await? {
            return Err(HarnessError::Page {
                what: format!("syncing {origin}"),
                value: self.text_of("sync-last-error").await?,
            });
        }
        let pending = self.text_of("sync-pending").await?;
        if pending.trim() != "0" {
            return Err(HarnessError::Page {
                what: format!("changes pending after syncing {origin}"),
                value: pending,
            });
        }
        let last = self.text_of("sync-last-success").await?;
        if !last.contains("刚刚") {
            return Err(HarnessError::Page {
                what: "the last successful sync".into(),
                value: last,
            });
        }
        Ok(())
    }

    /// The figure of a top-bar counter ("待同步 2" → 2), or `None` when it is not shown.
    pub async fn counter(&self, id: &str) -> Option<u32> {
        let script = format!(
            "const e = document.querySelector({}); return e ? e.textContent : null;",
            js_string(&testid(id))
        );
        let text = self.eval(&script).await.ok()?;
        text.as_str()?.split_whitespace().last()?.parse().ok()
    }

    /// Waits until the top-bar counter `id` reads `value`.
    pub async fn wait_counter(
        &self,
        id: &str,
        value: u32,
        limit: Duration,
    ) -> Result<(), HarnessError> {
        self.wait_until(
            &format!("`{id}` to read {value}"),
            &format!(
                "const e = document.querySelector({});
                 return !!e && e.textContent.trim().split(/\\s+/).pop() === '{value}';",
                js_string(&testid(id))
            ),
            limit,
        )
        .await
    }

    /// Sets 所在支部 on the survey form: a picker where branches are chosen, a text field
    /// where they are typed (a tablet before its first sign-in).
    pub async fn choose_branch(&self, branch: &str) -> Result<(), HarnessError> {
        let field = self.by_testid("survey-branch-id").await?;
        if field.tag_name().await? == "select" {
            field.select_by_value(branch).await?;
        } else {
            field.clear().await?;
            field.send_keys(branch).await?;
        }
        Ok(())
    }

    /// Fills a new survey on `origin` (a 渔农村 member: name, phone, branch, village) and waits
    /// until the form has saved it.
    pub async fn new_survey(
        &self,
        origin: &str,
        name: &str,
        branch: &str,
    ) -> Result<(), HarnessError> {
        self.goto(&format!("{origin}/#/survey/new")).await?;
        self.wait_for_testid("survey-form", FIRST_LOAD_TIMEOUT).await?;
        self.select_value("survey-category", "village_leader").await?;
        self.type_into("survey-name", name).await?;
        self.type_into("survey-phone", "13812345678").await?;
        self.choose_branch(branch).await?;
        self.type_into("survey-village-unit", "东沙村").await?;
        self.wait_survey_saved().await
    }

    /// Export from `origin`'s transfer screen — everything when `all`, else what is not yet
    /// synced — and catch the file the page hands to `URL.createObjectURL`: (the message the
    /// screen shows, the file's text).
    pub async fn export_file(
        &self,
        origin: &str,
        all: bool,
    ) -> Result<(String, String), HarnessError> {
        self.goto(&format!("{origin}/#/transfer")).await?;
        self.refresh().await?;
        self.wait_for_testid("export-button", FIRST_LOAD_TIMEOUT).await?;
        self.eval(
            "const orig = URL.createObjectURL; window.__exported = null;
             URL.createObjectURL = (blob) => { blob.text().then(t => { window.__exported = t; }); return orig(blob); };
             return true;",
        )
        .await?;
        if all {
            self.click_testid("export-scope-all").await?;
        }
        self.click_testid("export-button").await?;
        let shown = self.text_of("export-result").await?;
        self.wait_until(
            "the file text",
            "return typeof window.__exported === 'string';",
            STEP_TIMEOUT,
        )
        .await?;
        let text = self.eval("return window.__exported;").await?;
        let text = text.as_str().unwrap_or_default().to_owned();
        Ok((shown, text))
    }

    /// Import the file at `path` through `origin`'s transfer screen: (imported?, the message
    /// shown).
    pub async fn import_file(
        &self,
        origin: &str,
        path: &std::path::Path,
    ) -> Result<(bool, String), HarnessError> {
        self.goto(&format!("{origin}/#/transfer")).await?;
        self.refresh().await?;
        let input = self.wait_for_testid("import-file", FIRST_LOAD_TIMEOUT).await?;
        input.send_keys(&path.display().to_string()).await?;
        self.wait_until(
            "the file header or an error",
            "return !!document.querySelector('[data-testid=\"import-button\"], [data-testid=\"import-error\"]');",
            STEP_TIMEOUT,
        )
        .await?;
        if let Ok(button) = self.wait_for_testid("import-button", Duration::from_secs(1)).await {
            button.click().await?;
        }
        let done = self
            .wait_for(
                "[data-testid=\"import-result\"], [data-testid=\"import-error\"]",
                STEP_TIMEOUT,
            )
            .await?;
        let ok = done.attr("data-testid").await?.as_deref() == Some("import-result");
        Ok((ok, done.text().await?))
    }

    /// What the tablet on the current page's origin holds, read straight from its IndexedDB
    /// (`field`), independently of what the app reports: `records` (people, surveys, others),
    /// `ops` (copies in history, pulled pages and the outbox) and `unique_ops`, `outbox`,
    /// `conflicts`, `rejected` (changes set aside after the server refused them) and `digest`, a
    /// hash of every record's stored form.
    pub async fn tablet_database(&self) -> Result<Value, HarnessError> {
        self.eval(
            "window.__counts = null;
             const req = indexedDB.open('field');
             req.onerror = () => { window.__counts = { error: String(req.error) }; };
             req.onsuccess = async () => {
               const db = req.result;
               const all = (s) => new Promise((ok, err) => {
                 const r = db.transaction(s).objectStore(s).getAll();
                 r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error);
               });
               try {
                 const people = await all('people'), surveys = await all('surveys');
                 const records = await all('records'), history = await all('history');
                 const pages = await all('history_pages'), outbox = await all('outbox');
                 const conflicts = await all('conflicts');
                 const ids = [];
                 for (const h of history) ids.push(h.id);
                 for (const p of pages) for (const op of JSON.parse(p.ops)) ids.push(op.id);
                 for (const o of outbox) ids.push(o.id);
                 const text = JSON.stringify([people, surveys, records]);
                 let h = 2166136261;
                 for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
                 const rejected = await new Promise((ok, err) => {
                   const r = db.transaction('meta').objectStore('meta').get('sync_rejected');
                   r.onsuccess = () => ok(r.result); r.onerror = () => err(r.error);
                 });
                 db.close();
                 window.__counts = { records: people.length + surveys.length + records.length,
                   ops: ids.length, unique_ops: new Set(ids).size, outbox: outbox.length,
                   conflicts: conflicts.length, digest: h, bytes: text.length,
                   rejected: Array.isArray(rejected) ? rejected.length : 0 };
               } catch (e) { window.__counts = { error: String(e) }; }
             };
             return true;",
        )
        .await?;
        self.wait_until(
            "the tablet's database read",
            "return window.__counts !== null;",
            STEP_TIMEOUT,
        )
        .await?;
        let counts = self.eval("return window.__counts;").await?;
        match counts.get("error") {
            Some(e) => Err(HarnessError::Page {
                what: "reading the tablet's IndexedDB".into(),
                value: e.to_string(),
            }),
            None => Ok(counts),
        }
    }
}
