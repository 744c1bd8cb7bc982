//! One town's live records of some kinds (the county's per-town dashboard).

use deadpool_postgres::GenericClient;
use shared::record::{EntityKind, Record};

use crate::store::StoreError;

/// The towns holding a live record `id` of kind `entity`, in town order.
pub async fn towns_holding(
    c: &impl GenericClient,
    entity: EntityKind,
    id: &str,
) -> Result<Vec<i64>, StoreError> {
    let rows = c
        .query(
            "SELECT town_id FROM records WHERE entity_id = $1 AND entity = $2 AND deleted = 0
             ORDER BY town_id",
            &[&id, &entity.as_str()],
        )
        .await?;
    rows.iter().map(|row| Ok(row.try_get::<_, i64>(0)?)).collect()
}

/// The live records of `kinds` of town `town`, oldest first.
pub async fn town_records(
    c: &impl GenericClient,
    town: i64,
    kinds: &[EntityKind],
) -> Result<Vec<Record>, StoreError> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let rows = c
        .query(
            "SELECT record_json FROM records
             WHERE town_id = $1 AND deleted = 0 AND entity = ANY($2)
             ORDER BY ord",
            &[&town, &kinds],
        )
        .await?;
    rows.iter().map(|row| Ok(serde_json::from_str(row.try_get::<_, &str>(0)?)?)).collect()
}
