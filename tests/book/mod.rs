//! A book for process tests: the real binary on a temporary database, config and data
//! folder, with a pinned day and nothing from the environment.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

pub struct Book {
    pub dir: tempfile::TempDir,
}

impl Book {
    pub fn new() -> Book {
        Book { dir: tempfile::tempdir().unwrap() }
    }

    pub fn with_demo(debtors: u32) -> Book {
        let book = Book::new();
        book.dun(&["demo", "--debtors", &debtors.to_string()]).assert().success();
        book
    }

    pub fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("book.db")
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Write config.toml.
    pub fn config(&self, toml: &str) {
        std::fs::create_dir_all(self.path("config")).unwrap();
        std::fs::write(self.path("config/config.toml"), toml).unwrap();
    }

    pub fn dun(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("dun").unwrap();
        cmd.env_clear()
            .env("DUN_DB", self.db())
            .env("DUN_TODAY", "2026-11-22")
            .env("DUN_CONFIG_DIR", self.path("config"))
            .env("DUN_DATA_DIR", self.path("data"))
            .args(args);
        cmd
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.dun(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.dun(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// One number from the book, by SQL (tests cross-check the CLI's figures with it).
    pub fn count(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(self.db()).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}
