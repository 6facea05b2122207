//! Stopping in order. On SIGTERM (or Ctrl-C) the server stops accepting connections and finishes the requests in
//! flight, and each background worker finishes the job or the mail batch in hand and takes no other; the process
//! waits for all of that for at most the grace period (`ONRAMP_SHUTDOWN_GRACE_SECS`), then exits.

use tokio::sync::watch;

/// Told to the workers when the process is stopping.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

/// Sets [`Stopping`] for everyone holding one.
pub struct Stop(watch::Sender<bool>);

pub fn channel() -> (Stop, Stopping) {
    let (tx, rx) = watch::channel(false);
    (Stop(tx), Stopping(rx))
}

impl Stop {
    pub fn now(&self) {
        let _ = self.0.send(true);
    }
}

impl Stopping {
    /// For work that is never stopped from outside (a test's single run, a command-line pass).
    pub fn never() -> Stopping {
        let (tx, rx) = watch::channel(false);
        // The receiver outlives the dropped sender and simply keeps reading false.
        drop(tx);
        Stopping(rx)
    }

    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the process is stopping (never, for [`Stopping::never`]).
    pub async fn wait(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
