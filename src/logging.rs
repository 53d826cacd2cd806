//! Diagnostics go to a file in the data dir, and only when DUN_LOG asks for them
//! (e.g. DUN_LOG=debug). Never to the terminal the desk draws on. Log lines carry
//! ids and kinds of things, never names, numbers or addresses.

use std::fs::OpenOptions;

use crate::paths::Paths;

pub fn init(paths: &Paths) {
    let Ok(filter) = std::env::var("DUN_LOG") else { return };
    if std::fs::create_dir_all(&paths.data_dir).is_err() {
        return;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let Ok(file) = options.open(paths.data_dir.join("dun.log")) else { return };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}
