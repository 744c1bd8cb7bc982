//! What the fault trials share: their counts from the environment and replayable randomness
//! (`crates/trials`, also used by the server's and the tablet store's trials).

pub use trials::{Rng, env_number, fresh_seed};
