//! Tests of `import::read`.

use super::row::labelled_phones;
use super::*;

#[test]
fn labelled_phone_cells_split() {
    assert_eq!(
        labelled_phones("Phone:(410) 415-7406 Mobile:(410) 555-0100", "phone"),
        vec![("phone".into(), "(410) 415-7406".into()), ("mobile".into(), "(410) 555-0100".into())]
    );
    assert_eq!(labelled_phones("(212) 555-0142", "phone"), vec![("phone".into(), "(212) 555-0142".into())]);
}

#[test]
fn column_letters() {
    assert_eq!(
        (column_letter(0), column_letter(25), column_letter(26), column_letter(27)),
        ("A".into(), "Z".into(), "AA".into(), "AB".into())
    );
}

#[test]
fn totals_are_matched_exactly() {
    let groups = vec!["91 or more days past due".to_string()];
    assert_eq!(subtotal_label("Total for 91 or more days past due", &groups), Some("91 or more days past due"));
    assert_eq!(subtotal_label("Totally Fresh Produce", &groups), None);
    assert_eq!(subtotal_label("Total Quality Logistics", &groups), None);
    assert_eq!(subtotal_label("Total 3000", &["3000".to_string()]), Some("3000"));
    // A customer called "Total for Kids Inc" opens a group; only its own total closes it.
    assert_eq!(subtotal_label("Total for Kids Inc", &groups), None);
    let kids = vec!["Total for Kids Inc".to_string()];
    assert_eq!(subtotal_label("Total for Total for Kids Inc", &kids), Some("Total for Kids Inc"));
    assert!(is_footer(" Tuesday, April 07, 2026 09:14 AM GMT-05:00"));
    assert!(is_footer("Accrual Basis Wednesday, April 08, 2026 10:00 AM GMT-05:00"));
    assert!(!is_footer("Brightwater Plumbing, LLC"));
}
