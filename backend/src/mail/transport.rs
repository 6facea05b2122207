//! Where messages go: a mail server over SMTP (lettre's pooled async client, so a batch reuses a few
//! connections), or, in demo mode, nowhere: the outbox row is the mail, shown on the demo mail page.

use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Demo mode: kept in the outbox only.
    Local,
}

/// Why a send failed, and whether trying again could help (a 4xx reply or a dropped connection can; a 5xx
/// reply, such as an unknown recipient, cannot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl Transport {
    /// An SMTP transport for `url` (`smtp://host:port`, `smtps://user:pass@host`, with lettre's `?tls=` options),
    /// with at most `connections` open at once.
    pub fn smtp(url: &str, connections: u32, timeout: Duration) -> Result<Transport, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(connections.max(1)))
            .build();
        Ok(Transport::Smtp(transport))
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Transport::Local)
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Local => Ok(()),
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
        }
    }
}
