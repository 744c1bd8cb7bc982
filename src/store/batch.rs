//! Awaiting many requests of one transaction cheaply.
//!
//! IndexedDB completes the requests of a transaction in the order they were issued. Awaiting the
//! last one first means every earlier request is already done when it is polled, so it is read
//! synchronously instead of registering its own event listeners and waking the executor once
//! per request. Results (and the first error) are still reported in issue order.

use std::future::Future;

use super::StoreError;

/// Await every request in `requests` (all already issued), returning their results in order.
pub(super) async fn await_in_order<T, E, F>(requests: Vec<F>) -> Result<Vec<T>, StoreError>
where
    F: Future<Output = Result<T, E>>,
    StoreError: From<E>,
{
    let mut requests = requests;
    let Some(last) = requests.pop() else {
        return Ok(Vec::new());
    };
    let last = last.await;
    let mut results = Vec::with_capacity(requests.len() + 1);
    for request in requests {
        results.push(request.await?);
    }
    results.push(last?);
    Ok(results)
}
