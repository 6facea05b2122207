//! The background job queue's rules: where a job stands, and how long a failed one waits before its next try.

use chrono::Duration;

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum JobState ("job state") {
        /// Waiting for its time, or for a worker.
        Pending = "pending",
        Done = "done",
        /// Failed as many times as it may; kept with its last error for an organizer to read.
        Failed = "failed",
    }
}

/// How long to wait after the `attempt`-th failure (1-based): 30 s doubling each time, at most six hours, so a
/// job that fails for a while (a mail server down) neither hammers nor waits for days.
pub fn backoff(attempt: u32) -> Duration {
    const BASE_SECS: i64 = 30;
    const MAX_SECS: i64 = 6 * 3600;
    let factor = 1i64 << attempt.saturating_sub(1).min(20);
    Duration::seconds((BASE_SECS * factor).min(MAX_SECS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_ceiling() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert_eq!(backoff(10), Duration::seconds(30 << 9));
        assert_eq!(backoff(11), Duration::seconds(6 * 3600));
        assert_eq!(backoff(u32::MAX), Duration::seconds(6 * 3600));
    }
}
