//! Where dun keeps its files: the platform's data and config dirs, unless told otherwise.

use std::path::PathBuf;

use directories::ProjectDirs;

/// Resolved locations for this run.
#[derive(Debug, Clone)]
pub struct Paths {
    pub database: PathBuf,
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// `db` is `--db` / `DUN_DB` when given; `DUN_CONFIG_DIR` and `DUN_DATA_DIR` move the dirs.
    pub fn resolve(db: Option<PathBuf>) -> Paths {
        let dirs = ProjectDirs::from("", "", "dun");
        let env_dir = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let data_dir = env_dir("DUN_DATA_DIR")
            .or_else(|| dirs.as_ref().map(|d| d.data_local_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(".dun"));
        let config_dir = env_dir("DUN_CONFIG_DIR")
            .or_else(|| dirs.as_ref().map(|d| d.config_dir().to_path_buf()))
            .unwrap_or_else(|| data_dir.clone());
        let database = db.unwrap_or_else(|| data_dir.join("dun.db"));
        Paths { database, config_dir, data_dir }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

/// Write a file that holds debtor data: created readable and writable by its owner only.
/// An existing file is made private before it is written.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// A folder (and its missing parents) only the owner can enter: letters and backups hold
/// debtors' names.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
