//! The sync protocol's wire types (`/api/v1`) and the pure planning the tablet's sync engine
//! runs: which outbox entries go in which push, which leave the outbox after an answer, and how
//! long to wait before trying again. No I/O here: the engine (browser) and the server both use it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::hlc::Hlc;
use crate::merge::Conflict;
use crate::message::{Args, Message};
use crate::op::Operation;
use crate::roles::{Account, Role};

/// Largest number of operations the server takes in one push.
pub const MAX_PUSH_OPS: usize = 2_000;
/// Largest push body the server takes, in bytes.
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;
/// Default and largest page size of a pull.
pub const DEFAULT_PULL_LIMIT: u32 = 500;
pub const MAX_PULL_LIMIT: u32 = 5_000;
/// Largest chunk body of an attachment upload, and largest attachment, in bytes.
pub const MAX_ATTACHMENT_CHUNK_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_ATTACHMENT_BYTES: u64 = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Protocol version
// ---------------------------------------------------------------------------------------------

/// The request header in which the app names the sync protocol it speaks (a decimal number).
/// Sent on every request; the server reads it on `sync/push` and `sync/pull`, and names its own
/// version in the same header of their answers.
pub const PROTOCOL_HEADER: &str = "x-field-protocol";

/// The sync protocol this build speaks.
///
/// * 1: every app before the header existed (it sends none).
/// * 2: sends [`PROTOCOL_HEADER`]; survey records carry the form version they were made on
///   (`form_version`, see [`crate::form`]) and are migrated to the current form.
pub const PROTOCOL_VERSION: u32 = 2;

/// The version of a request that carries no [`PROTOCOL_HEADER`]: an app older than the header.
pub const PROTOCOL_VERSION_UNNAMED: u32 = 1;

/// The oldest protocol this server syncs with. Raised when a change makes older apps unsafe
/// (they would write what the server can no longer read): they are then answered
/// `426` [`UPGRADE_REQUIRED`] and keep their changes until the app is updated.
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// Code of the `426 Upgrade Required` answer to an app older than the server's minimum.
pub const UPGRADE_REQUIRED: &str = "upgrade_required";

/// The protocol a request speaks, from its [`PROTOCOL_HEADER`] value (`None`: no header).
/// A header that is not a decimal number is `Err` (the server answers `400 bad_protocol`).
pub fn protocol_of(header: Option<&str>) -> Result<u32, ProtocolHeaderError> {
    match header {
        None => Ok(PROTOCOL_VERSION_UNNAMED),
        Some(text) => text.trim().parse().map_err(|_| ProtocolHeaderError(text.to_owned())),
    }
}

/// A [`PROTOCOL_HEADER`] that is not a version number (worded by `crates/texts` from
/// [`ProtocolHeaderError::message`]; the `Display` is for logs).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct ProtocolHeaderError(pub String);

impl ProtocolHeaderError {
    /// What the server answers (`400 bad_protocol`): the header's value is no version number.
    pub fn message(&self) -> Message {
        Message::new("bad_protocol").arg("value", &self.0)
    }
}

/// Whether a client speaking `client` may sync with a server whose minimum is `minimum`.
/// A client newer than the server is let through: every protocol change so far is additive.
pub fn protocol_supported(client: u32, minimum: u32) -> bool {
    client >= minimum
}

// ---------------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------------

/// `POST /api/v1/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The tablet's own id (kept in its local storage); one token per device and user.
    pub device_id: Uuid,
    /// A name a person recognises in the device list ("3号平板").
    #[serde(default)]
    pub device_name: String,
}

/// Answer to a login: the device token to send as `Authorization: Bearer <token>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    #[serde(alias = "user")]
    pub account: Account,
    /// Only when this device is new to the account (the server had no device of this id for
    /// it): the account's other devices whose last report still held changes not sent
    /// ([`DeviceReport::pending`] > 0), newest report first, at most
    /// [`MAX_UNSENT_ELSEWHERE`]. A tablet whose browser discarded its database together with
    /// the mark kept outside it signs in as a new device; this is how it learns that work of
    /// its account never reached the office. Absent (empty) otherwise; an app from before the
    /// field ignores it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsent_elsewhere: Vec<UnsentElsewhere>,
}

/// Most devices a sign-in answer lists in [`LoginResponse::unsent_elsewhere`].
pub const MAX_UNSENT_ELSEWHERE: usize = 10;

/// Another device of the signing-in account whose last report still held changes not sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsentElsewhere {
    pub device_id: Uuid,
    /// The name it signed in with ("平板 1a2b3c4d").
    pub device_name: String,
    /// Records with changes waiting to be sent, as it last reported ([`DeviceReport::pending`]).
    pub pending: u32,
    /// When the oldest of them was made (RFC 3339), if it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_unsent: Option<String>,
    /// When that report arrived (RFC 3339): the device's last sync.
    pub reported_at: String,
    /// The town office revoked the device for good: it cannot sign in to send them until the
    /// office restores it.
    #[serde(default)]
    pub blocked: bool,
}

impl UnsentElsewhere {
    /// What a device's last report says it still holds, if that is anything (`pending` > 0).
    pub fn of(
        device_id: Uuid,
        device_name: String,
        report: &DeviceReport,
        reported_at: String,
        blocked: bool,
    ) -> Option<Self> {
        (report.pending > 0).then(|| Self {
            device_id,
            device_name,
            pending: report.pending,
            oldest_unsent: report.oldest_unsent.clone(),
            reported_at,
            blocked,
        })
    }
}

/// `POST /api/v1/sync/push`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Operation>,
}

/// What the server did with one pushed operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpStatus {
    /// Stored now.
    Accepted,
    /// Stored before (same id, same content): acknowledged again.
    Duplicate,
    /// Not stored and never will be (e.g. outside the author's branches).
    Rejected,
}

impl OpStatus {
    /// Accepted and duplicate operations are safe on the server: they may leave the outbox.
    pub fn is_acknowledged(self) -> bool {
        matches!(self, OpStatus::Accepted | OpStatus::Duplicate)
    }
}

/// The server's answer for one operation of a push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpResult {
    pub id: Uuid,
    pub status: OpStatus,
    /// Machine-readable reason when rejected (`forbidden_branch`, `branch_mismatch`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Reason in Chinese (zh-Hans), for a person, as the server words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The reason's own code (`crate::message`), which the app words in its language with
    /// `args`; left out by older servers (then the app shows `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The reason's arguments.
    #[serde(default, skip_serializing_if = "Args::is_empty")]
    pub args: Args,
}

impl OpResult {
    pub fn accepted(id: Uuid) -> Self {
        Self {
            id,
            status: OpStatus::Accepted,
            code: None,
            message: None,
            reason: None,
            args: Args::new(),
        }
    }

    pub fn duplicate(id: Uuid) -> Self {
        Self {
            id,
            status: OpStatus::Duplicate,
            code: None,
            message: None,
            reason: None,
            args: Args::new(),
        }
    }

    pub fn rejected(id: Uuid, code: &str, message: impl Into<String>) -> Self {
        Self {
            id,
            status: OpStatus::Rejected,
            code: Some(code.to_owned()),
            message: Some(message.into()),
            reason: None,
            args: Args::new(),
        }
    }

    /// With the reason as code and arguments.
    pub fn with_message(mut self, message: Message) -> Self {
        self.reason = Some(message.code.into_owned());
        self.args = message.args;
        self
    }

    /// The reason as code and arguments, when the server sent them.
    pub fn said(&self) -> Option<Message> {
        said(self.reason.as_deref(), &self.args)
    }
}

fn said(reason: Option<&str>, args: &Args) -> Option<Message> {
    Some(Message { code: std::borrow::Cow::Owned(reason?.to_owned()), args: args.clone() })
}

/// Answer to a push: one result per pushed operation, in request order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<OpResult>,
    /// The server's clock after the push: the tablet observes it so its next edits sort later.
    pub server_hlc: Hlc,
}

/// `GET /api/v1/sync/pull?cursor=N&check=C&limit=M`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub ops: Vec<Operation>,
    /// Pass back as `cursor` on the next pull.
    pub cursor: u64,
    /// Pass back as `check` with `cursor`: which operation the server holds at `cursor`
    /// ([`cursor_check_of`]). A server that no longer holds that operation there (its database
    /// was restored from an older backup) answers [`HISTORY_CHANGED`] instead of a page.
    /// Left out when `cursor` is 0, and by older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_check: Option<String>,
    /// More operations are waiting: pull again straight away.
    pub more: bool,
}

/// Code of the 409 a pull or live-update wait is answered with when the operation the
/// tablet's cursor names is no longer the one the server holds at that sequence number: the
/// server's database went back in time (an older backup was restored). The tablet then pulls
/// from the start and sends every change it made again (the server keeps each once).
pub const HISTORY_CHANGED: &str = "history_changed";

/// Longest `check` a pull accepts (a longer one is refused as a bad request).
pub const MAX_CURSOR_CHECK_LEN: usize = 32;

/// The check that goes with a cursor: the first 16 hex digits of the SHA-256 of the operation
/// stored at that sequence number ([`crate::op::content_hash_of`]). It names the operation
/// without telling anything of it (the cursor may be another town's operation).
pub fn cursor_check_of(content_hash: &str) -> String {
    content_hash.chars().take(16).collect()
}

/// The longest a `GET /api/v1/sync/wait` is held open with nothing new (seconds): an idle
/// tablet asks at most once a minute, and a reverse proxy must let a request live this long.
pub const MAX_WAIT_SECONDS: u64 = 60;

/// `GET /api/v1/sync/wait?cursor=N&timeout=S`: answered as soon as an operation after `cursor`
/// the caller may see is stored (`changed`), else after `timeout` seconds (at most
/// [`MAX_WAIT_SECONDS`]) with `changed: false`. The tablet then pulls, or asks again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitResponse {
    pub changed: bool,
}

/// Every error answer: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiError,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// snake_case, stable: code reacts to it.
    pub code: String,
    /// Simplified Chinese, for a person (a client that words `reason` and `args` itself shows
    /// those instead).
    pub message: String,
    /// For `offset_mismatch` on an attachment upload: bytes the server already holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    /// The message's code (`crate::message`), the catalog's key the app words it by; left
    /// out by older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The message's arguments (`{"branch": "b2"}`).
    #[serde(default, skip_serializing_if = "Args::is_empty")]
    pub args: Args,
}

/// Code of the 409 that refuses a whole push because an operation id was stored before (or
/// appears twice in the batch) with other content.
pub const OP_ID_CONFLICT: &str = "op_id_conflict";

impl ApiError {
    /// The server's [`UPGRADE_REQUIRED`] answer to an app speaking protocol `client`.
    pub fn upgrade_required(client: u32, minimum: u32) -> Self {
        Self {
            code: UPGRADE_REQUIRED.to_owned(),
            message: format!(
                "请更新应用：服务器已升级，需要同步协议 {minimum} 或更新版本，本应用为 {client}。\
                 本机的修改都已保存，更新后会自动发送"
            ),
            received: None,
            reason: None,
            args: Args::new(),
        }
        .with_message(
            Message::new("upgrade_required").arg("minimum", minimum).arg("client", client),
        )
    }

    /// With the message as code and arguments.
    pub fn with_message(mut self, message: Message) -> Self {
        self.reason = Some(message.code.into_owned());
        self.args = message.args;
        self
    }

    /// The message as code and arguments, when the server sent them.
    pub fn said(&self) -> Option<Message> {
        said(self.reason.as_deref(), &self.args)
    }

    /// The server's [`HISTORY_CHANGED`] answer to a pull (the server API tests check the real
    /// answer equals this; the tablet's tests answer with it).
    pub fn history_changed() -> Self {
        Self {
            code: HISTORY_CHANGED.to_owned(),
            message:
                "办公室服务器的数据已恢复为较早的备份：本机将从头重新下载，并重新发送本机的修改"
                    .to_owned(),
            received: None,
            reason: None,
            args: Args::new(),
        }
        .with_message(Message::new(HISTORY_CHANGED))
    }

    /// The server's [`OP_ID_CONFLICT`] answer for operation `id` (the server API tests check the
    /// real answer equals this; the tablet's tests answer with it).
    pub fn op_id_conflict(id: Uuid) -> Self {
        Self {
            code: OP_ID_CONFLICT.to_owned(),
            message: format!("操作 {id} 此前已以不同内容提交过，本批次未保存"),
            received: None,
            reason: None,
            args: Args::new(),
        }
        .with_message(Message::new("op_id_conflict").arg("id", id.to_string()))
    }
}

/// `GET /api/v1/attachments/{sha256}/status` and the answer to each chunk `PUT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentStatus {
    /// Bytes held so far: the offset of the next chunk.
    pub received: u64,
    /// Announced size (0 while no upload has started).
    pub total: u64,
    /// The whole file is stored and its SHA-256 verified.
    pub complete: bool,
}

/// Conflicts in one answer of `GET /api/v1/conflicts` unless `limit` asks fewer; more than
/// [`MAX_CONFLICTS_PAGE`] are never sent at once. The next page starts after the last entry's
/// `detected_at` and id (`after_time`, `after_id`).
pub const DEFAULT_CONFLICTS_PAGE: u32 = 500;
pub const MAX_CONFLICTS_PAGE: u32 = 1_000;

/// One conflict as the office sees it (`GET /api/v1/conflicts`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictEntry {
    #[serde(flatten)]
    pub conflict: Conflict,
    /// When the server first saw it (RFC 3339).
    pub detected_at: String,
    pub resolved: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
}

/// `POST /api/v1/admin/users`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub branches: Vec<String>,
}

/// `POST /api/v1/admin/users/{username}/password`: the office sets a new password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPasswordRequest {
    pub password: String,
}

/// A user as the admin screen lists it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    #[serde(flatten)]
    pub account: Account,
    pub created_at: String,
    /// 已停用: its tokens do not work and it cannot sign in.
    #[serde(default)]
    pub disabled: bool,
}

/// A signed-in device as the admin screen lists it (never the token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummary {
    /// Server-side id, used to revoke.
    pub id: i64,
    pub device_id: Uuid,
    pub device_name: String,
    pub username: String,
    pub created_at: String,
    pub last_seen: String,
    pub revoked: bool,
    /// What the tablet reported at the end of its last sync run (none yet: it has not synced
    /// since the server learned to ask).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<DeviceReport>,
    /// When that report arrived (RFC 3339): the device's last sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<String>,
}

/// `POST /api/v1/sync/report`: what a tablet still holds, sent at the end of every sync run, so
/// the office sees which tablet has work that has not arrived.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceReport {
    /// The app's version (`CARGO_PKG_VERSION` of the build).
    pub app_version: String,
    /// Records with changes waiting to be sent (待同步).
    pub pending: u32,
    /// Records refused and not yet repaired (需处理).
    pub refused: u32,
    /// Open field conflicts the tablet knows of.
    pub conflicts: u32,
    /// When the oldest change still waiting was made (RFC 3339), if any waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_unsent: Option<String>,
}

/// Longest `app_version` a report may carry.
pub const MAX_APP_VERSION_CHARS: usize = 40;

/// `POST /api/v1/admin/users/{username}/signin-code`: the address tablets reach the server at
/// (the office PC may open the app at 127.0.0.1, which no tablet can reach).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigninCodeRequest {
    /// `http://…` or `https://…`, no path (at most [`MAX_SERVER_ADDRESS_CHARS`]).
    pub server: String,
}

/// Longest server address a sign-in code's link may carry.
pub const MAX_SERVER_ADDRESS_CHARS: usize = 200;

/// The answer: a one-time sign-in code for a tablet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigninCode {
    pub username: String,
    /// The code to type: 8 characters of [`SIGNIN_CODE_ALPHABET`].
    pub code: String,
    /// When it stops working (RFC 3339); it also stops once used or revoked.
    pub expires_at: String,
    /// What the QR code holds: the server's address with the code (`…/#/signin/<code>`).
    pub link: String,
    /// The QR code of `link` as an SVG image.
    pub qr_svg: String,
}

/// The characters of a sign-in code: no 0/O, 1/I/L (easy to misread when typed).
pub const SIGNIN_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// How many characters a sign-in code has.
pub const SIGNIN_CODE_LEN: usize = 8;

/// A typed or scanned code as the server compares it: upper case, spaces and hyphens dropped.
pub fn normalise_signin_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// `POST /api/v1/auth/code`: sign a device in with a one-time code instead of a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeLoginRequest {
    pub code: String,
    pub device_id: Uuid,
    #[serde(default)]
    pub device_name: String,
}

// ---------------------------------------------------------------------------------------------
// Pure planning for the tablet's sync engine
// ---------------------------------------------------------------------------------------------

/// One push to send: the outbox keys it carries and the request body, in outbox order.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub keys: Vec<u64>,
    pub request: PushRequest,
}

/// Bytes `{"ops":[` … `]}` add around the operations.
const ENVELOPE_BYTES: usize = r#"{"ops":[]}"#.len();

/// Split the outbox (in key order) into pushes of at most `max_ops` operations and about
/// `max_bytes` of JSON each. Order is kept, so an entity's edits reach the server in the order
/// they were made. An operation larger than `max_bytes` on its own still gets a batch of its own
/// (the server then answers 413 and the engine reports it) rather than blocking everything after it.
pub fn plan_batches(outbox: &[(u64, Operation)], max_ops: usize, max_bytes: usize) -> Vec<Batch> {
    let max_ops = max_ops.max(1);
    let mut batches = Vec::new();
    let mut keys = Vec::new();
    let mut ops = Vec::new();
    let mut bytes = ENVELOPE_BYTES;
    for (key, op) in outbox {
        let size = serde_json::to_vec(op).map(|v| v.len()).unwrap_or(usize::MAX / 4);
        // +1 for the comma between operations.
        let grows_to = bytes + size + usize::from(!ops.is_empty());
        if !ops.is_empty() && (ops.len() >= max_ops || grows_to > max_bytes) {
            batches.push(Batch {
                keys: std::mem::take(&mut keys),
                request: PushRequest { ops: std::mem::take(&mut ops) },
            });
            bytes = ENVELOPE_BYTES;
        }
        bytes += size + usize::from(!ops.is_empty());
        keys.push(*key);
        ops.push(op.clone());
    }
    if !ops.is_empty() {
        batches.push(Batch { keys, request: PushRequest { ops } });
    }
    batches
}

/// What to do with a batch's outbox entries once the server answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acknowledgement {
    /// Accepted or duplicate: delete from the outbox.
    pub remove: Vec<u64>,
    /// Rejected for good: move out of the outbox and show the person why.
    pub rejected: Vec<(u64, OpResult)>,
    /// Not mentioned in the answer: keep and send again.
    pub retry: Vec<u64>,
}

/// Match the server's per-operation results to the batch's outbox keys by operation id.
/// An operation leaves the outbox only if the server named its id.
pub fn acknowledged(batch: &Batch, response: &PushResponse) -> Acknowledgement {
    let mut ack = Acknowledgement::default();
    for (key, op) in batch.keys.iter().zip(&batch.request.ops) {
        match response.results.iter().find(|r| r.id == op.id) {
            Some(r) if r.status.is_acknowledged() => ack.remove.push(*key),
            Some(r) => ack.rejected.push((*key, r.clone())),
            None => ack.retry.push(*key),
        }
    }
    ack
}

/// First retry delay and the cap (5 minutes).
pub const BACKOFF_BASE_MS: u64 = 1_000;
pub const BACKOFF_CAP_MS: u64 = 5 * 60 * 1_000;

/// Delay before retry number `attempt` (0 = first retry): exponential from 1 s, capped at 5 min,
/// with "equal jitter": half the delay is fixed, the other half scaled by `jitter` in 0..=1, so
/// tablets that lost the network together do not all come back in the same second.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let exp = BACKOFF_BASE_MS.saturating_mul(1u64.checked_shl(attempt.min(40)).unwrap_or(u64::MAX));
    let ceiling = exp.min(BACKOFF_CAP_MS);
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    let half = ceiling / 2;
    half + (((ceiling - half) as f64) * jitter).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::{FieldChange, OpKind};
    use crate::record::EntityKind;
    use serde_json::json;

    fn op(payload_len: usize) -> Operation {
        Operation {
            id: Uuid::now_v7(),
            device_id: Uuid::nil(),
            author: "a".into(),
            hlc: Hlc::new(1, 0, "d"),
            entity: EntityKind::Person,
            entity_id: Uuid::now_v7(),
            branch_id: "b1".into(),
            kind: OpKind::Upsert,
            changes: vec![FieldChange {
                field: "name".into(),
                value: json!("x".repeat(payload_len)),
                base: None,
            }],
        }
    }

    fn outbox(n: usize, payload: usize) -> Vec<(u64, Operation)> {
        (0..n).map(|i| (i as u64 + 10, op(payload))).collect()
    }

    fn wire_len(b: &Batch) -> usize {
        serde_json::to_vec(&b.request).unwrap().len()
    }

    #[test]
    fn batches_respect_op_count_and_keep_order() {
        let items = outbox(7, 10);
        let batches = plan_batches(&items, 3, usize::MAX);
        let sizes: Vec<_> = batches.iter().map(|b| b.keys.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        let keys: Vec<u64> = batches.iter().flat_map(|b| b.keys.clone()).collect();
        assert_eq!(keys, (10..17).collect::<Vec<_>>());
        for b in &batches {
            for (k, o) in b.keys.iter().zip(&b.request.ops) {
                let original = &items.iter().find(|(key, _)| key == k).unwrap().1;
                assert_eq!(o, original);
            }
        }
    }

    #[test]
    fn batches_respect_byte_budget_exactly() {
        let items = outbox(10, 100);
        let one = serde_json::to_vec(&items[0].1).unwrap().len();
        // Room for exactly three operations and their two commas.
        let budget = ENVELOPE_BYTES + 3 * one + 2;
        let batches = plan_batches(&items, 100, budget);
        let sizes: Vec<_> = batches.iter().map(|b| b.keys.len()).collect();
        assert_eq!(sizes, [3, 3, 3, 1]);
        for b in &batches {
            assert!(wire_len(b) <= budget, "{} > {budget}", wire_len(b));
        }
        // One byte less and only two fit.
        let sizes: Vec<_> =
            plan_batches(&items, 100, budget - 1).iter().map(|b| b.keys.len()).collect();
        assert_eq!(sizes, [2, 2, 2, 2, 2]);
    }

    #[test]
    fn oversized_operation_goes_alone() {
        let mut items = outbox(3, 10);
        items[1].1 = op(5_000);
        let batches = plan_batches(&items, 100, 1_000);
        let keys: Vec<_> = batches.iter().map(|b| b.keys.clone()).collect();
        assert_eq!(keys, [vec![10], vec![11], vec![12]]);
    }

    #[test]
    fn empty_outbox_plans_nothing_and_zero_max_ops_is_one() {
        assert!(plan_batches(&[], 10, 1_000).is_empty());
        assert_eq!(plan_batches(&outbox(2, 1), 0, usize::MAX).len(), 2);
    }

    #[test]
    fn acknowledgement_sorts_keys_by_status() {
        let items = outbox(4, 1);
        let batch = plan_batches(&items, 10, usize::MAX).remove(0);
        let ids: Vec<Uuid> = batch.request.ops.iter().map(|o| o.id).collect();
        let response = PushResponse {
            results: vec![
                OpResult::duplicate(ids[1]),
                OpResult::accepted(ids[0]),
                OpResult::rejected(ids[2], "forbidden_branch", "无权"),
            ],
            server_hlc: Hlc::new(2, 0, "server"),
        };
        let ack = acknowledged(&batch, &response);
        assert_eq!(ack.remove, [10, 11]);
        assert_eq!(ack.rejected.len(), 1);
        assert_eq!(ack.rejected[0].0, 12);
        assert_eq!(ack.rejected[0].1.code.as_deref(), Some("forbidden_branch"));
        assert_eq!(ack.retry, [13], "an op the server did not name stays in the outbox");
    }

    #[test]
    fn backoff_table() {
        // (attempt, jitter, expected)
        let table = [
            (0, 0.0, 500),
            (0, 1.0, 1_000),
            (1, 0.0, 1_000),
            (1, 0.5, 1_500),
            (3, 1.0, 8_000),
            (8, 1.0, 256_000),
            (9, 1.0, 300_000),
            (9, 0.0, 150_000),
            (60, 1.0, 300_000),
            (u32::MAX, 0.25, 187_500),
            (2, -3.0, 2_000),
            (2, 7.0, 4_000),
            (2, f64::NAN, 2_000),
        ];
        for (attempt, jitter, expected) in table {
            assert_eq!(backoff_ms(attempt, jitter), expected, "attempt {attempt} jitter {jitter}");
        }
        for attempt in 0..100 {
            let d = backoff_ms(attempt, 1.0);
            assert!(d <= BACKOFF_CAP_MS && d >= backoff_ms(attempt.saturating_sub(1), 1.0));
        }
    }

    #[test]
    fn wire_forms_are_stable() {
        let r = OpResult::rejected(Uuid::nil(), "forbidden_branch", "不在您的支部范围");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["status"], "rejected");
        assert_eq!(v["code"], "forbidden_branch");
        let ok = serde_json::to_value(OpResult::accepted(Uuid::nil())).unwrap();
        assert!(ok.get("code").is_none() && ok.get("message").is_none());

        let err: ApiErrorBody = serde_json::from_value(
            json!({"error": {"code": "unauthorized", "message": "请先登录"}}),
        )
        .unwrap();
        assert_eq!(err.error.code, "unauthorized");
        assert_eq!(err.error.received, None);

        let login: LoginResponse = serde_json::from_value(json!({
            "token": "t",
            "user": {"username": "u", "display_name": "U", "role": "surveyor", "branches": ["b1"]}
        }))
        .unwrap();
        assert_eq!(login.account.role, Role::Surveyor);
        assert!(login.unsent_elsewhere.is_empty(), "an answer from before the field");
        let v = serde_json::to_value(&login).unwrap();
        assert!(v.get("unsent_elsewhere").is_none(), "left out when empty: {v}");
    }

    /// A roster report from a server before `notes` reads (none), and a report without notes
    /// is sent as before, so an app from before `notes` reads every report.
    #[test]
    fn a_roster_report_s_notes_are_optional_both_ways() {
        let old: RosterReport = serde_json::from_value(json!({
            "rows": 1, "created": 1, "updated": 0, "unchanged": 0,
            "issues": [], "columns": [], "applied": false
        }))
        .unwrap();
        assert!(old.notes.is_empty());
        let v = serde_json::to_value(&old).unwrap();
        assert!(v.get("notes").is_none(), "{v}");
        let note = RosterIssue::new(
            3,
            "所在支部".into(),
            crate::message::Message::new("roster_not_moved"),
            "未转支部".into(),
        );
        let new = RosterReport { notes: vec![note.clone()], ..old };
        let v = serde_json::to_value(&new).unwrap();
        assert_eq!(v["notes"][0]["reason"], "roster_not_moved");
        assert_eq!(serde_json::from_value::<RosterReport>(v).unwrap().notes, [note]);
    }
}

/// One problem of one row of a roster (党员名册) file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterIssue {
    /// The row as the spreadsheet numbers it (1 = the first line of the file).
    pub row: u32,
    /// The column's header as the file names it (or the field's Chinese name).
    pub column: String,
    /// What is wrong, in zh-Hans (for older apps; the app words `reason` and `args`).
    pub message: String,
    /// What is wrong as a message's code (`crate::message`), which the app words in its
    /// language; left out by older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The message's arguments.
    #[serde(default, skip_serializing_if = "Args::is_empty")]
    pub args: Args,
}

impl RosterIssue {
    /// The issue of row `row`, column `column`: `said`, and its zh-Hans words `message`.
    pub fn new(row: u32, column: String, said: Message, message: String) -> Self {
        Self { row, column, message, reason: Some(said.code.into_owned()), args: said.args }
    }

    /// What is wrong as code and arguments, when the server sent them.
    pub fn said(&self) -> Option<Message> {
        said(self.reason.as_deref(), &self.args)
    }
}

/// `POST /api/v1/admin/roster/preview` and `…/apply`: what the roster holds and what applying
/// it does (or did).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RosterReport {
    /// Member rows read (blank rows not counted).
    pub rows: u32,
    /// Members that would be (or were) added.
    pub created: u32,
    /// Existing members whose record changes.
    pub updated: u32,
    /// Existing members the file leaves as they are.
    pub unchanged: u32,
    /// Every problem found; applying is refused while there is any.
    pub issues: Vec<RosterIssue>,
    /// Which known column each header of the file was read as (`姓名` → `姓名`, `手机号` → `联系电话`).
    pub columns: Vec<RosterColumn>,
    /// Whether the roster was written (apply only).
    pub applied: bool,
    /// What the office should know about a row that imports anyway (a member whose branch in
    /// the file differs from the stored one: the other fields are updated, the member is not
    /// moved). Never blocks applying; absent from older servers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<RosterIssue>,
}

/// A header of the file and the field it was read as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterColumn {
    /// The file's own header, as written.
    pub header: String,
    /// The field's name in zh-Hans (for apps from before `label`, and curl).
    pub field: String,
    /// The field, which the app names in its language (absent from older servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<crate::message::FieldLabel>,
}
