crate::texts! {
    3000;
    NAV_OUTBOX = "outbox-nav-outbox": "待发送";
    TITLE = "outbox-title": "待发送的记录";
    HINT = "outbox-hint": "本机保存、办公室尚未收到的记录。被退回的记录请打开修改，再点“重新提交”。";
    ALL_DELIVERED = "outbox-all-delivered": "本机保存的记录都已送达办公室。";
    REFUSED_BY_SERVER = "outbox-refused-by-server": "办公室服务器退回：";
    REFUSED_ON_TABLET = "outbox-refused-on-tablet": "未发送，服务器会拒收：";
    FIX_THEN_RESUBMIT = "outbox-fix-then-resubmit": "打开记录改正后，点“重新提交”：将以您的账号提交整条记录，取代被退回的修改。";
    RESUBMIT = "outbox-resubmit": "重新提交";
    RESUBMITTED = "outbox-resubmitted": "已重新提交，将随下次同步发送。";
    NEEDS_ACTION = "outbox-needs-action": "需处理";
    DRAFT_OF = "outbox-draft-of": "有一份未完成的调查草稿：";
    DRAFT_DELETE = "outbox-draft-delete": "删除草稿";
    DRAFT_DELETE_CONFIRM = "outbox-draft-delete-confirm": "确定删除这份草稿吗？尚未送达办公室的草稿将从本机删除；已送达的将作为删除同步给办公室。";
    DRAFT_DELETED = "outbox-draft-deleted": "草稿已删除。";
    READ_ONLY = "outbox-read-only": "您的账号为只读，不能修改记录。";
    WAITS_FOR_BRANCH = "outbox-waits-for-branch": "选好“所在支部”后才会发送：请打开记录选择。";
    /// What to do about a refused photo.
    PHOTO_FIX = "outbox-photo-fix": "打开记录，删除这张照片后重新拍摄并保存；如果办公室已解决了问题，点“重新提交”再上传一次。记录不能修改（如走访记录）或照片已无法读取时，可点“不上传这张照片”。";
    /// Give up a refused photo.
    PHOTO_ABANDON = "outbox-photo-abandon": "不上传这张照片";
    /// Asked before a refused photo is given up.
    PHOTO_ABANDON_CONFIRM = "outbox-photo-abandon-confirm": "办公室将收不到这张照片，记录的其他内容不受影响。确定不再上传这张照片吗？";
    WAITS_FOR_PHOTOS = "outbox-waits-for-photos": "照片尚未送达办公室，将在同步时上传；上传不成功时，原因见“同步”页。";

    // Texts with arguments (their functions below)
    FIELDS = "outbox-fields": "涉及：{ $fields }";
    ADOPTED = "outbox-adopted": "登录前保存的 { $n } 条修改已归入您的账号，将随下次同步发送。";
    ADOPTED_BY = "outbox-adopted-by": "（登录前保存，由 { $author } 登录后接收）";
    /// A photo of the record refused for good: why.
    PHOTO_REFUSED = "outbox-photo-refused": "照片未能送达（{ $reason }）";
    /// One button for every refused photo (the office mended what refused them all).
    RETRY_PHOTOS = "outbox-retry-photos": "被退回的照片全部重新上传（{ $n } 条记录）";
    /// What that button did.
    RETRIED_PHOTOS = "outbox-retried-photos": "已安排重新上传 { $n } 张照片，将在下次同步时上传。";
}

/// "被退回的照片全部重新上传（3 条记录）"
pub fn retry_photos(records: usize) -> String {
    RETRY_PHOTOS.format(&[("n", records.into())])
}
/// "已安排重新上传 4 张照片，将在下次同步时上传。"
pub fn retried_photos(photos: usize) -> String {
    RETRIED_PHOTOS.format(&[("n", photos.into())])
}

/// "涉及：姓名、所在支部"
pub fn fields(labels: &[&str]) -> String {
    let fields = crate::join(labels);
    FIELDS.format(&[("fields", (&fields).into())])
}
/// "登录前保存的 3 条修改已归入您的账号，将随下次同步发送。"
pub fn adopted(n: usize) -> String {
    ADOPTED.format(&[("n", n.into())])
}
/// History line of an adopted change.
pub fn adopted_by(author: &str) -> String {
    ADOPTED_BY.format(&[("author", author.into())])
}

/// "照片未能送达（…）".
pub fn photo_refused(reason: &str) -> String {
    PHOTO_REFUSED.format(&[("reason", reason.into())])
}
