//! The README's key table is generated from the keymap that dispatches keys.

#[test]
fn readme_key_table_matches_the_keymap() {
    let table = dun::tui::keymap::markdown_table(&dun::tui::keymap::Keymap::default());
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&table), "README.md's key table is out of date; replace it with:\n\n{table}");
}
