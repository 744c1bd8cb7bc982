//! The export file (`shared::export`): any content survives encode → decode unchanged, with or
//! without a passphrase; any truncation is refused; any single changed byte either is refused
//! or leaves the operations and attachments exactly as written (and, for an encrypted file,
//! the header too).

use proptest::prelude::*;
use serde_json::Value;
use shared::export::{Contents, ExportAttachment, ExportError, Scope, decode, encode};
use shared::hlc::Hlc;
use shared::op::{FieldChange, OpKind, Operation};
use shared::record::EntityKind;
use uuid::Uuid;

/// Any JSON value a field may hold: nested arrays and objects of any strings and numbers.
fn json_values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn operations() -> impl Strategy<Value = Operation> {
    let change = (
        any::<String>(),
        json_values(),
        proptest::option::of((any::<u64>(), any::<u32>(), "[a-z0-9-]{0,8}")),
    );
    (
        any::<u128>(),
        any::<String>(),
        (0u64..10_000_000_000_000_000, any::<u32>(), "[a-z0-9-]{0,12}"),
        proptest::sample::select(EntityKind::ALL.to_vec()),
        any::<String>(),
        any::<bool>(),
        proptest::collection::vec(change, 0..4),
    )
        .prop_map(
            |(id, author, (millis, counter, device), entity, branch_id, delete, changes)| {
                Operation {
                    id: Uuid::from_u128(id),
                    device_id: Uuid::from_u128(id.rotate_left(7)),
                    author,
                    hlc: Hlc::new(millis % 10_000_000_000_000_000, counter % 1_000_000, device),
                    entity,
                    entity_id: Uuid::from_u128(id ^ 0x5555),
                    branch_id,
                    kind: if delete { OpKind::Delete } else { OpKind::Upsert },
                    changes: changes
                        .into_iter()
                        .map(|(field, value, base)| FieldChange {
                            field,
                            value,
                            base: base.map(|(m, c, d)| {
                                Hlc::new(m % 10_000_000_000_000_000, c % 1_000_000, d)
                            }),
                        })
                        .collect(),
                }
            },
        )
}

fn contents() -> impl Strategy<Value = Contents> {
    (
        proptest::collection::vec(operations(), 0..5),
        proptest::collection::vec(
            ("[a-z]{1,8}/[a-z0-9.+-]{1,12}", proptest::collection::vec(any::<u8>(), 0..200)),
            0..3,
        ),
    )
        .prop_map(|(operations, files)| Contents {
            operations,
            attachments: files
                .iter()
                .map(|(mime, bytes)| ExportAttachment::new(mime.as_str(), bytes))
                .collect(),
        })
}

fn write(c: &Contents, author: &str, pass: Option<&str>) -> String {
    encode(Uuid::from_u128(9), author, "2026-11-28T10:00:00Z", Scope::All, c, pass).unwrap()
}

/// Every prefix is refused, and `changes` single-byte changes are refused or harmless.
fn check_tampering(
    file: &str,
    original: &Contents,
    pass: Option<&str>,
    prefixes: &[usize],
    changes: &[(usize, u8)],
) -> Result<(), TestCaseError> {
    let bytes = file.as_bytes();
    let (header, _) = decode(bytes, pass).unwrap();
    for p in prefixes {
        let cut = p % bytes.len();
        prop_assert!(decode(&bytes[..cut], pass).is_err(), "a file cut at {} was accepted", cut);
    }
    for (at, xor) in changes {
        let mut changed = bytes.to_vec();
        let at = at % changed.len();
        changed[at] ^= xor | 1; // never 0: the byte always changes
        match decode(&changed, pass) {
            Err(_) => {}
            Ok((h, c)) => {
                prop_assert_eq!(&c, original, "byte {} changed the contents undetected", at);
                if pass.is_some() {
                    prop_assert_eq!(
                        h,
                        header.clone(),
                        "byte {} changed an encrypted file's header",
                        at
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Plain files: round trip of any content, truncation and tampering of any byte.
    #[test]
    fn plain_files_round_trip_and_refuse_any_tampering(
        c in contents(),
        author in any::<String>(),
        prefixes in proptest::collection::vec(any::<usize>(), 8),
        changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 24),
    ) {
        let file = write(&c, &author, None);
        let (header, back) = decode(file.as_bytes(), None).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(header.author, author);
        prop_assert_eq!((header.counts.operations, header.counts.attachments), (c.operations.len(), c.attachments.len()));
        for a in &back.attachments {
            let bytes = a.bytes().unwrap();
            prop_assert!(c.attachments.iter().any(|o| o.bytes().unwrap() == bytes));
        }
        check_tampering(&file, &c, None, &prefixes, &changes)?;
    }
}

proptest! {
    // Each case derives the Argon2id key (19 MiB) about ten times.
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Encrypted files: round trip, the passphrase required and checked, and any changed byte
    /// of header or payload refused.
    #[test]
    fn encrypted_files_round_trip_and_refuse_any_tampering(
        c in contents(),
        pass in "\\PC{1,12}",
        prefixes in proptest::collection::vec(any::<usize>(), 3),
        changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 5),
    ) {
        let file = write(&c, "张三", Some(&pass));
        prop_assert_eq!(decode(file.as_bytes(), Some(&pass)).unwrap().1, c.clone());
        prop_assert_eq!(decode(file.as_bytes(), None).unwrap_err(), ExportError::PassphraseRequired);
        let wrong = format!("{pass}x");
        prop_assert_eq!(decode(file.as_bytes(), Some(&wrong)).unwrap_err(), ExportError::WrongPassphrase);
        check_tampering(&file, &c, Some(&pass), &prefixes, &changes)?;
    }
}
