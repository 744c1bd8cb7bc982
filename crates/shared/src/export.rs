//! The export file: how changes travel from a tablet to the office (or another tablet) when there is
//! no server. One JSON document with a versioned header, counts, a checksum and a payload that may
//! be encrypted with a passphrase (Argon2id → XChaCha20-Poly1305).
//!
//! Decoding checks everything before anything is applied: a truncated, tampered or wrong-version
//! file is refused as a whole, so an import is never half-applied.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::op::{Operation, hex};

/// The value of the `format` field: tells our files from any other JSON.
pub const FORMAT: &str = "sizheng-yishu-field-export";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;

/// The largest export file a tablet or the server reads (photos included).
pub const MAX_FILE_BYTES: usize = 128 * 1024 * 1024;

/// What a file covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Only the changes not yet synced.
    Pending,
    /// Everything the device holds.
    All,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub operations: usize,
    pub attachments: usize,
}

/// Key derivation and cipher parameters of an encrypted file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encryption {
    pub kdf: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
    pub cipher: String,
    pub nonce: String,
}

/// Everything in the file but the payload: readable without the passphrase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub device_id: Uuid,
    pub author: String,
    /// RFC 3339.
    pub created_at: String,
    pub scope: Scope,
    pub counts: Counts,
    /// `sha256:<hex>` of the payload bytes as stored (the ciphertext when encrypted).
    pub checksum: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
}

/// A photo carried inside the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportAttachment {
    pub sha256: String,
    pub mime: String,
    /// Base64 of the bytes.
    pub data: String,
}

impl ExportAttachment {
    pub fn new(mime: impl Into<String>, bytes: &[u8]) -> Self {
        Self { sha256: hex(&Sha256::digest(bytes)), mime: mime.into(), data: B64.encode(bytes) }
    }

    pub fn bytes(&self) -> Result<Vec<u8>, ExportError> {
        B64.decode(&self.data).map_err(|_| ExportError::Corrupt)
    }
}

/// What the file carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    pub operations: Vec<Operation>,
    #[serde(default)]
    pub attachments: Vec<ExportAttachment>,
}

#[derive(Serialize, Deserialize)]
struct FileOnDisk {
    #[serde(flatten)]
    header: Header,
    payload: String,
}

/// Why a file was refused: [`ExportError::message`] is what the person importing it reads
/// (worded by `crates/texts`); the `Display` is for logs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", self.message())]
pub enum ExportError {
    NotAnExport,
    UnsupportedVersion { found: u32, supported: u32 },
    Truncated,
    Corrupt,
    CountMismatch,
    PassphraseRequired,
    WrongPassphrase,
    KdfOutOfRange,
    Crypto(String),
}

impl ExportError {
    /// What the refusal says.
    pub fn message(&self) -> crate::message::Message {
        use crate::message::Message;
        match self {
            ExportError::NotAnExport => Message::new("export_not_an_export"),
            ExportError::UnsupportedVersion { found, supported } => {
                Message::new("export_unsupported_version")
                    .arg("found", *found)
                    .arg("supported", *supported)
            }
            ExportError::Truncated => Message::new("export_truncated"),
            ExportError::Corrupt => Message::new("export_corrupt"),
            ExportError::CountMismatch => Message::new("export_count_mismatch"),
            ExportError::PassphraseRequired => Message::new("export_passphrase_required"),
            ExportError::WrongPassphrase => Message::new("export_wrong_passphrase"),
            ExportError::KdfOutOfRange => Message::new("export_kdf_out_of_range"),
            ExportError::Crypto(detail) => {
                Message::new("export_crypto").arg("detail", detail.as_str())
            }
        }
    }

    /// Whether its words say already that nothing of the file was imported.
    pub fn says_nothing_imported(&self) -> bool {
        matches!(
            self,
            ExportError::Corrupt | ExportError::CountMismatch | ExportError::KdfOutOfRange
        )
    }
}

/// Key derivation cost: OWASP's Argon2id minimum (19 MiB, 2 passes, 1 lane).
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// The key derivation costs a file may ask for. They are read from the file, so they are bounded
/// before use: a crafted file must not make the reader allocate gigabytes (Argon2's memory cost)
/// or spin for ever (its time cost). The range holds what any version of this program writes
/// with room to raise the defaults, and stays within a tablet's memory and a second or so.
pub const KDF_M_COST_KIB: std::ops::RangeInclusive<u32> = 8 * 1024..=64 * 1024;
pub const KDF_T_COST: std::ops::RangeInclusive<u32> = 1..=10;
pub const KDF_P_COST: std::ops::RangeInclusive<u32> = 1..=4;

/// Write a file. `passphrase` encrypts the payload when given (an empty one counts as none).
pub fn encode(
    device_id: Uuid,
    author: &str,
    created_at: &str,
    scope: Scope,
    contents: &Contents,
    passphrase: Option<&str>,
) -> Result<String, ExportError> {
    let plain = serde_json::to_vec(contents).map_err(|e| ExportError::Crypto(e.to_string()))?;
    let mut header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        device_id,
        author: author.to_owned(),
        created_at: created_at.to_owned(),
        scope,
        counts: Counts {
            operations: contents.operations.len(),
            attachments: contents.attachments.len(),
        },
        checksum: String::new(),
        encryption: None,
    };
    let stored = match passphrase.filter(|p| !p.is_empty()) {
        None => plain,
        Some(pass) => {
            let mut salt = [0u8; 16];
            let mut nonce = [0u8; 24];
            getrandom::getrandom(&mut salt).map_err(|e| ExportError::Crypto(e.to_string()))?;
            getrandom::getrandom(&mut nonce).map_err(|e| ExportError::Crypto(e.to_string()))?;
            let encryption = Encryption {
                kdf: "argon2id".into(),
                m_cost_kib: M_COST_KIB,
                t_cost: T_COST,
                p_cost: P_COST,
                salt: B64.encode(salt),
                cipher: "xchacha20poly1305".into(),
                nonce: B64.encode(nonce),
            };
            let cipher = cipher_for(pass, &encryption)?;
            header.encryption = Some(encryption);
            let aad = associated_data(&header);
            cipher
                .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &aad })
                .map_err(|e| ExportError::Crypto(e.to_string()))?
        }
    };
    header.checksum = format!("sha256:{}", hex(&Sha256::digest(&stored)));
    let file = FileOnDisk { header, payload: B64.encode(&stored) };
    serde_json::to_string(&file).map_err(|e| ExportError::Crypto(e.to_string()))
}

/// Read only the header (to show counts, or to ask for a passphrase first).
pub fn read_header(bytes: &[u8]) -> Result<Header, ExportError> {
    parse(bytes).map(|f| f.header)
}

/// Read and verify a whole file. Nothing is returned unless every check passed.
pub fn decode(bytes: &[u8], passphrase: Option<&str>) -> Result<(Header, Contents), ExportError> {
    let opened = open(bytes)?;
    let key = match &opened.header.encryption {
        None => None,
        Some(encryption) => Some(derive_key(encryption, passphrase)?),
    };
    opened.decode(key.as_ref())
}

/// A file read and its checksum verified, not yet decrypted or decoded: [`decode`] in three
/// steps ([`open`], [`derive_key`], [`Opened::decode`]), so a server can run the key's
/// derivation (Argon2id: the memory-hungry part) where it runs password hashes, and the rest
/// anywhere.
pub struct Opened {
    header: Header,
    stored: Vec<u8>,
}

/// The key of an encrypted file, derived from its passphrase.
pub struct FileKey(XChaCha20Poly1305);

/// Read a file and verify its checksum.
pub fn open(bytes: &[u8]) -> Result<Opened, ExportError> {
    let file = parse(bytes)?;
    let stored = B64.decode(&file.payload).map_err(|_| ExportError::Corrupt)?;
    if file.header.checksum != format!("sha256:{}", hex(&Sha256::digest(&stored))) {
        return Err(ExportError::Corrupt);
    }
    Ok(Opened { header: file.header, stored })
}

/// The key of a file encrypted as `encryption` says, from `passphrase` (Argon2id, with the
/// file's bounded costs).
pub fn derive_key(
    encryption: &Encryption,
    passphrase: Option<&str>,
) -> Result<FileKey, ExportError> {
    let pass = passphrase.filter(|p| !p.is_empty()).ok_or(ExportError::PassphraseRequired)?;
    Ok(FileKey(cipher_for(pass, encryption)?))
}

impl Opened {
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Decrypt (with `key`, when the file is encrypted) and decode the contents; nothing is
    /// returned unless every check passed.
    pub fn decode(self, key: Option<&FileKey>) -> Result<(Header, Contents), ExportError> {
        let Opened { header, stored } = self;
        let plain = match &header.encryption {
            None => stored,
            Some(encryption) => {
                let key = key.ok_or(ExportError::PassphraseRequired)?;
                let nonce = B64.decode(&encryption.nonce).map_err(|_| ExportError::Corrupt)?;
                if nonce.len() != 24 {
                    return Err(ExportError::Corrupt);
                }
                let aad = associated_data(&header);
                key.0
                    .decrypt(XNonce::from_slice(&nonce), Payload { msg: &stored, aad: &aad })
                    .map_err(|_| ExportError::WrongPassphrase)?
            }
        };
        decode_contents(header, &plain)
    }
}

fn decode_contents(header: Header, plain: &[u8]) -> Result<(Header, Contents), ExportError> {
    let contents: Contents = serde_json::from_slice(plain).map_err(|_| ExportError::Corrupt)?;
    if contents.operations.len() != header.counts.operations
        || contents.attachments.len() != header.counts.attachments
    {
        return Err(ExportError::CountMismatch);
    }
    for attachment in &contents.attachments {
        if hex(&Sha256::digest(attachment.bytes()?)) != attachment.sha256 {
            return Err(ExportError::Corrupt);
        }
    }
    Ok((header, contents))
}

fn parse(bytes: &[u8]) -> Result<FileOnDisk, ExportError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| if e.is_eof() { ExportError::Truncated } else { ExportError::NotAnExport })?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ExportError::NotAnExport);
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
    if version != VERSION {
        return Err(ExportError::UnsupportedVersion { found: version, supported: VERSION });
    }
    serde_json::from_value(value).map_err(|_| ExportError::Corrupt)
}

/// The header fields bound to the ciphertext, so a changed header fails authentication.
fn associated_data(header: &Header) -> Vec<u8> {
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        header.format,
        header.version,
        header.device_id,
        header.author,
        header.created_at,
        header.counts.operations,
        header.counts.attachments
    )
    .into_bytes()
}

fn cipher_for(passphrase: &str, encryption: &Encryption) -> Result<XChaCha20Poly1305, ExportError> {
    if encryption.kdf != "argon2id" || encryption.cipher != "xchacha20poly1305" {
        return Err(ExportError::Corrupt);
    }
    if !KDF_M_COST_KIB.contains(&encryption.m_cost_kib)
        || !KDF_T_COST.contains(&encryption.t_cost)
        || !KDF_P_COST.contains(&encryption.p_cost)
    {
        return Err(ExportError::KdfOutOfRange);
    }
    let salt = B64.decode(&encryption.salt).map_err(|_| ExportError::Corrupt)?;
    if !(8..=64).contains(&salt.len()) {
        return Err(ExportError::Corrupt);
    }
    let params = Params::new(encryption.m_cost_kib, encryption.t_cost, encryption.p_cost, Some(32))
        .map_err(|_| ExportError::Corrupt)?;
    let mut key = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut key)
        .map_err(|e| ExportError::Crypto(e.to_string()))?;
    Ok(XChaCha20Poly1305::new((&key).into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::op::{FieldChange, OpKind};
    use crate::record::EntityKind;

    fn contents(n: usize) -> Contents {
        let operations = (0..n)
            .map(|i| Operation {
                id: Uuid::now_v7(),
                device_id: Uuid::nil(),
                author: "张三".into(),
                hlc: Hlc::new(1000 + i as u64, 0, "dev"),
                entity: EntityKind::Person,
                entity_id: Uuid::now_v7(),
                branch_id: "b1".into(),
                kind: OpKind::Upsert,
                changes: vec![FieldChange {
                    field: "name".into(),
                    value: "王海".into(),
                    base: None,
                }],
            })
            .collect();
        Contents {
            operations,
            attachments: vec![ExportAttachment::new("image/jpeg", b"\xff\xd8jpeg")],
        }
    }

    fn write(c: &Contents, pass: Option<&str>) -> String {
        encode(Uuid::nil(), "张三", "2026-11-28T10:00:00Z", Scope::Pending, c, pass).unwrap()
    }

    #[test]
    fn plain_round_trip() {
        let c = contents(3);
        let text = write(&c, None);
        let (header, back) = decode(text.as_bytes(), None).unwrap();
        assert_eq!(back, c);
        assert_eq!(header.counts, Counts { operations: 3, attachments: 1 });
        assert!(header.encryption.is_none());
    }

    #[test]
    fn encrypted_round_trip_and_wrong_passphrase() {
        let c = contents(2);
        let text = write(&c, Some("渔村2026"));
        assert!(!text.contains("王海"), "payload must not be readable");
        assert_eq!(decode(text.as_bytes(), None), Err(ExportError::PassphraseRequired));
        assert_eq!(decode(text.as_bytes(), Some("wrong")), Err(ExportError::WrongPassphrase));
        let (_, back) = decode(text.as_bytes(), Some("渔村2026")).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn truncated_file_is_refused() {
        let text = write(&contents(5), None);
        for cut in [1, text.len() / 2, text.len() - 1] {
            let err = decode(&text.as_bytes()[..cut], None).unwrap_err();
            assert!(
                matches!(err, ExportError::Truncated | ExportError::NotAnExport),
                "{cut}: {err:?}"
            );
        }
    }

    #[test]
    fn tampered_payload_or_header_is_refused() {
        let text = write(&contents(2), None);
        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        let payload = file["payload"].as_str().unwrap().to_owned();
        let mut bytes = B64.decode(&payload).unwrap();
        bytes[10] ^= 1;
        file["payload"] = B64.encode(&bytes).into();
        assert_eq!(decode(file.to_string().as_bytes(), None), Err(ExportError::Corrupt));

        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        file["counts"]["operations"] = 7.into();
        assert_eq!(decode(file.to_string().as_bytes(), None), Err(ExportError::CountMismatch));

        let enc = write(&contents(1), Some("pw"));
        let mut file: serde_json::Value = serde_json::from_str(&enc).unwrap();
        file["author"] = "someone else".into();
        assert_eq!(
            decode(file.to_string().as_bytes(), Some("pw")),
            Err(ExportError::WrongPassphrase)
        );
    }

    #[test]
    fn wrong_version_and_foreign_json_are_refused() {
        let text = write(&contents(1), None);
        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        file["version"] = 99.into();
        assert_eq!(
            decode(file.to_string().as_bytes(), None),
            Err(ExportError::UnsupportedVersion { found: 99, supported: VERSION })
        );
        assert_eq!(decode(br#"{"hello": 1}"#, None), Err(ExportError::NotAnExport));
        assert_eq!(decode(b"PK\x03\x04 zip", None), Err(ExportError::NotAnExport));
    }

    /// Costs read from a crafted file are bounded before Argon2 sees them: a 256 GiB memory
    /// cost or a time cost of 2³²−1 is refused at once (it used to abort or spin).
    #[test]
    fn crafted_kdf_costs_are_refused_before_use() {
        assert!(KDF_M_COST_KIB.contains(&M_COST_KIB) && KDF_T_COST.contains(&T_COST));
        let enc = write(&contents(1), Some("pw"));
        for (field, value) in [
            ("m_cost_kib", u64::from(u32::MAX)),
            ("m_cost_kib", 256 * 1024 * 1024),
            ("m_cost_kib", 1),
            ("t_cost", u64::from(u32::MAX)),
            ("t_cost", 0),
            ("p_cost", 255),
        ] {
            let mut file: serde_json::Value = serde_json::from_str(&enc).unwrap();
            file["encryption"][field] = value.into();
            assert_eq!(
                decode(file.to_string().as_bytes(), Some("pw")),
                Err(ExportError::KdfOutOfRange),
                "{field} = {value}"
            );
        }
    }

    #[test]
    fn attachment_with_wrong_hash_is_refused() {
        let mut c = contents(1);
        c.attachments[0].sha256 = "00".repeat(32);
        let text = write(&c, None);
        assert_eq!(decode(text.as_bytes(), None), Err(ExportError::Corrupt));
    }
}
