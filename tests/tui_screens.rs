//! Every screen of the desk rendered on TestBackend at 80×24 and 120×40, with a
//! fixed today and the deterministic demo book. Snapshots live in tests/snapshots.

mod common;

use common::Harness;
use dun::tui::app::Screen;

fn snap(name: &str, h: &Harness) {
    for (w, ht) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), h.screen(w, ht));
    }
}

#[test]
fn welcome_on_an_empty_book() {
    let h = Harness::new(0);
    assert_eq!(h.app.screen, Screen::Welcome);
    snap("welcome", &h);
}

#[test]
fn worklist() {
    let h = Harness::new(250);
    assert_eq!(h.app.screen, Screen::Worklist);
    snap("worklist", &h);
}

#[test]
fn worklist_filtered() {
    let mut h = Harness::new(250);
    h.keys("/olivia");
    snap("worklist_filter", &h);
}

#[test]
fn account_tabs() {
    let mut h = Harness::new(250);
    h.keys("<Enter>");
    assert_eq!(h.app.screen, Screen::Account);
    snap("account_invoices", &h);
    h.keys("<Tab>");
    snap("account_activity", &h);
    h.keys("<Tab>");
    snap("account_promises", &h);
    h.keys("<Tab>");
    snap("account_payments", &h);
}

#[test]
fn help_overlays() {
    let mut h = Harness::new(250);
    h.keys("?");
    snap("help_worklist", &h);
    h.keys("x<Enter>?");
    snap("help_account", &h);
}

#[test]
fn forms() {
    let mut h = Harness::new(250);
    h.keys("<Enter>c");
    snap("form_log_attempt", &h);
    h.keys("<Esc>p12.345");
    snap("form_payment_invalid", &h);
    h.keys("<Esc>");
    snap("confirm_discard", &h);
    h.keys("y");
    h.keys("n");
    snap("form_note", &h);
}

/// `d` with an amount: the form, then the account with part of one invoice in dispute.
#[test]
fn dispute_on_an_amount() {
    let mut h = Harness::new(250);
    h.keys("<Enter>");
    let id = h.app.account.as_ref().unwrap().view.as_ref().unwrap().debtor.id;
    let invoice = h
        .desk
        .account(id)
        .unwrap()
        .invoices
        .into_iter()
        .filter(|i| i.status == "open" && i.kind == "invoice")
        .max_by_key(|i| i.balance)
        .unwrap();
    h.keys(&format!("d{}<Tab>two boxes short<Tab>120", invoice.number));
    snap("form_dispute_amount", &h);
    h.keys("<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let saved = h.desk.account(id).unwrap().invoices.into_iter().find(|i| i.id == invoice.id).unwrap();
    assert_eq!(saved.disputed_amount, dun::domain::Money(12_000));
    snap("account_partly_disputed", &h);
}

#[test]
fn import_preview() {
    let mut h = Harness::new(0);
    h.keys("i");
    snap("form_import", &h);
    // A path relative to the package (where cargo runs tests), so the screen is the
    // same in every checkout.
    h.keys("tests/fixtures/qbo_ar_aging_detail_next.csv<Enter>");
    insta::assert_snapshot!("import_preview_100x30", h.screen(100, 30));
}

#[test]
fn privacy_mode_masks_the_account_header() {
    let mut h = Harness::new(250);
    h.keys("*<Enter>");
    let screen = h.screen(80, 24);
    assert!(screen.contains("•••"), "{screen}");
    snap("account_private", &h);
}

#[test]
fn reports_screen() {
    let mut h = Harness::new(250);
    h.keys("R");
    assert_eq!(h.app.screen, Screen::Reports);
    assert!(h.app.reports.is_some(), "read through the store thread's handler");
    snap("reports", &h);
}

#[test]
fn agenda_screen() {
    let mut h = Harness::new(250);
    h.keys("A");
    assert_eq!(h.app.screen, Screen::Agenda);
    snap("agenda", &h);
}

#[test]
fn call_session_on_an_account() {
    let mut h = Harness::new(250);
    h.keys("S");
    assert!(h.app.in_session());
    snap("call_session", &h);
}

#[test]
fn command_palette() {
    let mut h = Harness::new(250);
    h.keys("<Enter>:pay");
    snap("palette", &h);
}

/// `L` on an account: the plan form starts at the open balance with the book's grace days;
/// Payments and Each pays are one or the other; Enter shows the whole schedule the store
/// computed (first and last lines when it is long) before a second Enter saves it.
#[test]
fn plan_form_previews_the_schedule_before_saving() {
    let mut h = Harness::new(250);
    h.keys("<Enter>");
    let view = h.app.account.as_ref().unwrap().view.clone().unwrap();
    h.keys("L");
    snap("form_plan", &h);
    let open = match &h.app.overlay {
        Some(dun::tui::app::Overlay::Form(open)) => open.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(open.form.value("Total"), view.open_balance.to_decimal());
    assert_eq!(open.form.value("Grace days"), "5");

    // Both a count and an amount: the form says so and nothing is asked of the store.
    h.keys("<Tab><Tab><Tab>100<Enter>");
    snap("form_plan_both", &h);
    assert!(h.app.overlay.is_some());

    // An amount alone, a down payment, every week: a long schedule, previewed.
    let each = dun::domain::Money((view.open_balance.cents() - 10_000).div_euclid(24) + 1);
    h.keys(&format!("<C-u>{}<S-Tab><C-u><S-Tab>100<Tab><Tab><Tab>w<Enter>", each.to_decimal()));
    snap("form_plan_schedule", &h);
    let preview = match &h.app.overlay {
        Some(dun::tui::app::Overlay::Form(open)) => open.checked_schedule(common::today()).cloned().unwrap(),
        other => panic!("{other:?}"),
    };
    let sum: dun::domain::Money = preview.rows.iter().map(|r| r.1).sum();
    assert_eq!(sum, view.open_balance, "the schedule sums exactly to the total");
    assert_eq!(preview.rows[0].1, dun::domain::Money(10_000), "the down payment first");
    assert!(h.desk.account(view.debtor.id).unwrap().plans.is_empty(), "a preview writes nothing");

    h.keys("<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let plans = h.desk.account(view.debtor.id).unwrap().plans;
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].installments.len(), preview.rows.len());
}

/// What saving would refuse, the preview refuses in the form: a total above the open balance.
#[test]
fn plan_form_shows_a_refused_schedule_and_saves_nothing() {
    let mut h = Harness::new(250);
    h.keys("<Enter>L99999999<Enter>");
    snap("form_plan_refused", &h);
    let id = h.app.account.as_ref().unwrap().id;
    match &h.app.overlay {
        Some(dun::tui::app::Overlay::Form(open)) => {
            assert!(open.form.error.as_deref().unwrap_or("").contains("more than the open balance"), "{open:?}")
        }
        other => panic!("{other:?}"),
    }
    h.keys("<Enter>");
    assert!(h.desk.account(id).unwrap().plans.is_empty());
}
