//! Letter templates: plain text with `{{field}}` merge fields. Merging is strict: a field the
//! template names but the account cannot fill is an error naming its line and column, so a
//! letter never goes out with a hole in it.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{template}, line {line}, column {column}: {reason}")]
pub struct MergeError {
    pub template: String,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

/// Replace every `{{name}}` (spaces inside the braces allowed) with its value.
pub fn merge(template_name: &str, text: &str, fields: &BTreeMap<&str, String>) -> Result<String, MergeError> {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    let mut consumed = 0;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let at = consumed + open;
        let error = |reason: String| {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            MergeError { template: template_name.to_string(), line, column, reason }
        };
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| error("`{{` is never closed with `}}`".into()))?;
        let name = after[..close].trim();
        let value = fields.get(name).ok_or_else(|| {
            let known: Vec<&str> = fields.keys().copied().collect();
            error(format!("unknown field '{name}' (fields: {})", known.join(", ")))
        })?;
        out.push_str(value);
        let used = open + 2 + close + 2;
        consumed += used;
        rest = &rest[used..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The fields a template uses, in order of first use.
pub fn fields_used(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let name = after[..close].trim().to_string();
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &after[close + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> BTreeMap<&'static str, String> {
        BTreeMap::from([("debtor_name", "Acme Ltd".to_string()), ("balance", "$1,200.00".to_string())])
    }

    #[test]
    fn fields_are_filled() {
        let text = "Dear {{debtor_name}},\nyou owe {{ balance }}.\n";
        assert_eq!(merge("t", text, &fields()).unwrap(), "Dear Acme Ltd,\nyou owe $1,200.00.\n");
        assert_eq!(fields_used(text), ["debtor_name", "balance"]);
    }

    #[test]
    fn an_unknown_field_names_its_line_and_column() {
        let err = merge("first-notice", "Dear {{debtor_name}},\n  Pay {{amount_due}} now.", &fields()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 7));
        assert!(err.to_string().starts_with("first-notice, line 2, column 7: unknown field 'amount_due'"), "{err}");
    }

    #[test]
    fn an_unclosed_field_is_an_error() {
        let err = merge("t", "Dear {{debtor_name", &fields()).unwrap_err();
        assert_eq!((err.line, err.column), (1, 6));
    }
}
