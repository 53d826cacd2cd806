//! The README's key table is generated from the keymap that dispatches keys.

#[test]
fn readme_key_table_matches_the_keymap() {
    let table = dun::tui::keymap::markdown_table(&dun::tui::keymap::Keymap::default());
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&table), "README.md's key table is out of date; replace it with:\n\n{table}");
}

/// Every ```toml block of the README is a config.toml or an import profile dun accepts, so
/// the documented keys cannot drift from the real ones (unknown keys are errors).
#[test]
fn readme_config_examples_parse() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let blocks: Vec<&str> =
        readme.split("```toml\n").skip(1).map(|b| b.split("```").next().unwrap_or_default()).collect();
    assert!(!blocks.is_empty());
    for block in blocks {
        let result = if block.starts_with("name = ") {
            dun::import::Profile::parse(block, "README.md").map(|_| ()).map_err(|e| e.to_string())
        } else {
            dun::config::Config::parse(block, "README.md").map(|_| ()).map_err(|e| e.to_string())
        };
        if let Err(e) = result {
            panic!("{e}\n{block}");
        }
    }
}

/// The dispute commands' options are all on the README's lines for them (`--json` aside: every
/// command has it). Not yet every command: `profile --natural-person` and `letter --override`
/// are missing from the README, and the lines rarely spell out `--json`.
#[test]
fn readme_dispute_lines_name_every_option() {
    use clap::CommandFactory;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let cli = dun::cli::Cli::command();
    for name in ["dispute", "resolve"] {
        let cmd = cli.find_subcommand(name).unwrap();
        let lines: Vec<&str> = readme.lines().filter(|l| l.starts_with(&format!("dun {name} "))).collect();
        assert!(!lines.is_empty(), "no `dun {name}` line in the README");
        for long in cmd.get_arguments().filter(|a| !a.is_global_set()).filter_map(|a| a.get_long()) {
            let flag = format!("--{long}");
            let named = lines.iter().any(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '-')).any(|w| w == flag));
            assert!(named || long == "json", "README: `dun {name}` does not mention {flag}");
        }
    }
}

/// `dun log --help` names every outcome code the desk records (its unknown-code error sends
/// the user there).
#[test]
fn log_help_names_every_outcome_code() {
    use clap::CommandFactory;
    let cli = dun::cli::Cli::command();
    let log = cli.find_subcommand("log").unwrap();
    let outcome = log.get_arguments().find(|a| a.get_long() == Some("outcome")).unwrap();
    let help = outcome.get_help().unwrap().to_string();
    let listed: Vec<&str> = help.split_whitespace().collect();
    for o in dun::domain::contact::OUTCOMES {
        assert!(listed.contains(&o.code), "`dun log --help` does not list {}", o.code);
    }
}
