//! The server's own HTML pages (the `/import` upload page), in the language of the request's
//! `Accept-Language` (`crates/server/src/routes/pages.rs`).

crate::texts! { 7000;
    IMPORT_TITLE = "server-import-title": "导入导出文件";
    IMPORT_HEADING = "server-import-heading": "导入平板导出文件";
    IMPORT_INTRO = "server-import-intro": "没有网络的站点可在平板“导出”页面生成导出文件，带到镇组织办在此导入。同一文件重复导入不会重复保存。";
    IMPORT_USERNAME = "server-import-username": "镇组织办账号";
    IMPORT_PASSWORD = "server-import-password": "密码";
    IMPORT_FILE = "server-import-file": "导出文件";
    IMPORT_PASSPHRASE = "server-import-passphrase": "文件密码";
    IMPORT_PASSPHRASE_HINT = "server-import-passphrase-hint": "（文件加密时填写）";
    IMPORT_SUBMIT = "server-import-submit": "导入";
    IMPORT_FAILED = "server-import-failed": "导入失败";
    IMPORT_AGAIN = "server-import-again": "返回重新导入";
    IMPORT_DONE = "server-import-done": "导入完成";
    IMPORT_COMPLETE = "server-import-complete": "文件已完整导入。";
    IMPORT_DONE_REFUSED = "server-import-done-refused": "导入完成，但有修改被拒绝";
    IMPORT_ALL_REFUSED = "server-import-all-refused": "文件中的 { $rejected } 条修改都被拒绝，没有保存任何修改，原因见下表。被拒绝的修改仍留在导出它的平板上：平板联网同步时会显示原因，改正后可重新提交。";
    IMPORT_PARTIAL = "server-import-partial": "文件中有 { $rejected } 条修改被拒绝，没有保存，原因见下表；其余修改已保存或此前已导入。被拒绝的修改仍留在导出它的平板上：平板联网同步时会显示原因，改正后可重新提交。";
    IMPORT_DEVICE = "server-import-device": "来源设备";
    IMPORT_AUTHOR = "server-import-author": "导出人";
    IMPORT_CREATED = "server-import-created": "导出时间";
    IMPORT_OPERATIONS = "server-import-operations": "文件中的修改";
    IMPORT_ACCEPTED = "server-import-accepted": "新保存";
    IMPORT_DUPLICATE = "server-import-duplicate": "此前已导入（重复）";
    IMPORT_REJECTED = "server-import-rejected": "被拒绝";
    IMPORT_PHOTOS = "server-import-photos": "照片";
    IMPORT_PHOTOS_COUNT = "server-import-photos-count": "{ $n }（新增 { $new }）";
    /// A refused change's row: the record it would have changed, and whose.
    IMPORT_REFUSED_RECORD = "server-import-refused-record": "被拒绝：{ $kind } · { $name }";
    /// Under the reason: the fields the change touched, and its id (for the log).
    IMPORT_REFUSED_DETAIL = "server-import-refused-detail": "涉及：{ $fields }（修改编号 { $id }）";
    IMPORT_MORE = "server-import-more": "继续导入其他文件";
    IMPORT_FIELD_TOO_LONG = "server-import-field-too-long": "表单内容过长";
    IMPORT_FIELD_NOT_TEXT = "server-import-field-not-text": "表单内容不是有效的文本";
    IMPORT_FILE_TOO_LARGE = "server-import-file-too-large": "文件过大，无法导入";
    IMPORT_UNREADABLE = "server-import-unreadable": "上传内容读取失败，请重新选择文件后再试";
    IMPORT_OFFICE_ONLY = "server-import-office-only": "只有镇组织办账号可以导入导出文件";
    IMPORT_CREDENTIALS_FIRST = "server-import-credentials-first": "请先填写镇组织办账号和密码，再选择文件";
    IMPORT_USE_FORM = "server-import-use-form": "请通过导入页面的表单上传文件";
    IMPORT_CHOOSE_FILE = "server-import-choose-file": "请选择要导入的导出文件";
}
