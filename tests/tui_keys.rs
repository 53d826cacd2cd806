//! Key sequences through `App::update` with the store answering inline.

mod book;
mod common;

use common::{Harness, today};
use dun::domain::Money;
use dun::tui::app::{Overlay, Screen};

#[test]
fn log_a_call_from_the_account_and_see_it_everywhere() {
    let mut h = Harness::new(60);
    let first = h.app.selected_row().unwrap().clone();
    h.keys("<Enter>c<Tab>lm<Tab>left a message<Tab>+3<Enter>");
    assert!(h.app.overlay.is_none(), "the form closes on save");
    let status = h.app.status.clone().unwrap();
    assert!(!status.error && status.text.contains("Left limited-content message"), "{status:?}");
    let view = h.app.account.as_ref().unwrap().view.as_ref().unwrap();
    assert_eq!(view.attempts[0].outcome, "LM");
    assert_eq!(view.attempts[0].note, "left a message");
    h.keys("<Esc>");
    assert_eq!(h.app.screen, Screen::Worklist);
    let row = h.app.rows.iter().find(|r| r.id == first.id).unwrap();
    assert_eq!(row.last_contact, Some(today()));
    assert_eq!(row.next_follow_up, Some(today() + chrono::Days::new(3)));
}

#[test]
fn record_a_payment_from_the_worklist() {
    let mut h = Harness::new(60);
    let row = h.app.selected_row().unwrap().clone();
    h.keys("p100<Tab><Tab><Tab>chk 7781<Enter>");
    assert!(h.app.overlay.is_none());
    let after = h.app.rows.iter().find(|r| r.id == row.id).unwrap();
    assert_eq!(after.balance, row.balance - Money(10_000));
    let view = h.desk.account(row.id).unwrap();
    assert_eq!(view.payments[0].reference, "chk 7781");
}

#[test]
fn an_invalid_form_stays_open_and_keeps_its_input() {
    let mut h = Harness::new(20);
    h.keys("p12.345<Enter>");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("form closed") };
    assert_eq!(open.form.value("Amount"), "12.345");
    // Esc asks first; "n" keeps editing; a second Esc and "y" discard.
    h.keys("<Esc>");
    assert!(matches!(h.app.overlay, Some(Overlay::ConfirmDiscard(_))));
    h.keys("n");
    assert!(matches!(h.app.overlay, Some(Overlay::Form(_))));
    h.keys("<Esc>y");
    assert!(h.app.overlay.is_none());
}

#[test]
fn channel_and_outcome_must_fit() {
    let mut h = Harness::new(20);
    h.keys("c<Right><Right><Right><Tab>vm<Enter>");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("form closed") };
    assert!(open.form.error.as_deref().unwrap_or("").contains("cannot be the outcome"), "{:?}", open.form.error);
}

#[test]
fn navigation_keys_move_the_selection() {
    let mut h = Harness::new(120);
    h.keys("jjj");
    assert_eq!(h.app.selected, 3);
    h.keys("k");
    assert_eq!(h.app.selected, 2);
    h.keys("G");
    assert_eq!(h.app.selected, h.app.visible.len() - 1);
    h.keys("g");
    assert_eq!(h.app.selected, 0);
    h.keys("<PgDn>");
    assert_eq!(h.app.selected, h.app.page);
    h.keys("<C-d>");
    assert_eq!(h.app.selected, h.app.page + h.app.page / 2);
}

#[test]
fn filter_by_name_or_invoice_number() {
    let mut h = Harness::new(120);
    let target = h.app.rows[5].clone();
    let invoice = h.desk.account(target.id).unwrap().invoices[0].number.clone();
    h.keys(&format!("/{invoice}"));
    assert_eq!(h.app.visible.len(), 1);
    assert_eq!(h.app.selected_row().unwrap().id, target.id);
    h.keys("<Enter><Enter>");
    assert_eq!(h.app.screen, Screen::Account);
    h.keys("<Esc><Esc>");
    assert!(h.app.filter.is_none());
    assert_eq!(h.app.visible.len(), h.app.rows.len());
}

#[test]
fn stale_replies_are_dropped() {
    use dun::tui::app::Msg;
    use dun::tui::worker::{Reply, Response, WorkerEvent};
    let mut h = Harness::new(20);
    h.keys("/zz");
    // A reply for an older ticket (the search for "z") must not replace the newer one.
    let stale = Reply { ticket: 1, result: Ok(Response::Search { query: "z".into(), ids: vec![] }) };
    let before = h.app.visible.clone();
    h.app.update(Msg::Worker(WorkerEvent::Reply(stale)));
    assert_eq!(h.app.visible, before);
}

#[test]
fn welcome_loads_the_demo_book() {
    let mut h = Harness::new(0);
    assert_eq!(h.app.screen, Screen::Welcome);
    h.keys("dn");
    assert_eq!(h.app.screen, Screen::Welcome, "any key but y cancels");
    h.keys("dy");
    assert_eq!(h.app.screen, Screen::Worklist);
    assert!(h.app.rows.len() > 200);
    assert!(h.app.status.as_ref().unwrap().text.starts_with("Demo book loaded"));
}

#[test]
fn quit_from_the_top_and_ctrl_c_anywhere() {
    let mut h = Harness::new(5);
    h.keys("<Enter>q");
    assert_eq!(h.app.screen, Screen::Worklist, "q on an account goes back");
    assert!(!h.app.quit);
    h.keys("q");
    assert!(h.app.quit);
    let mut h = Harness::new(5);
    h.keys("<Enter><C-c>");
    assert!(h.app.quit);
}

#[test]
fn import_from_the_welcome_screen_after_a_preview() {
    let mut h = Harness::new(0);
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qbo_ar_aging_detail.csv");
    h.keys("i");
    h.keys(file);
    h.keys("<Enter>");
    let Some(Overlay::ImportReview { report, .. }) = &h.app.overlay else { panic!("no preview: {:?}", h.app.status) };
    assert_eq!(report.plan.new_invoices.len(), 7);
    assert_eq!(h.desk.worklist().unwrap().len(), 0, "the preview wrote nothing");
    h.keys("y");
    assert!(h.app.overlay.is_none());
    assert!(h.app.status.as_ref().unwrap().text.starts_with("Imported qbo-ar-aging-detail"), "{:?}", h.app.status);
    assert_eq!(h.app.screen, Screen::Worklist);
    assert_eq!(h.app.rows.len(), 4);
}

#[test]
fn a_file_changed_after_its_preview_is_not_imported() {
    let mut h = Harness::new(0);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aging.csv");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qbo_ar_aging_detail.csv");
    std::fs::copy(fixture, &file).unwrap();
    h.keys(&format!("i{}<Enter>", file.display()));
    assert!(matches!(h.app.overlay, Some(Overlay::ImportReview { .. })), "{:?}", h.app.status);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("2,450.00", "2,540.00")).unwrap();
    h.keys("y");
    let said = format!("{:?} {:?}", h.app.status, h.app.overlay);
    assert!(said.contains("changed since the preview"), "{said}");
    assert_eq!(h.desk.worklist().unwrap().len(), 0, "nothing was imported");
}

#[test]
fn an_import_preview_can_be_cancelled_and_a_missing_file_is_said() {
    let mut h = Harness::new(20);
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/qbo_open_invoices.csv");
    h.keys(&format!("i{file}<Enter>n"));
    assert!(h.app.overlay.is_none());
    assert!(h.app.status.as_ref().unwrap().text.contains("nothing was written"));
    h.keys("i/no/such/file.csv<Enter>");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("form closed") };
    assert!(open.form.error.as_deref().unwrap_or("").contains("cannot read"), "{:?}", open.form.error);
}

#[test]
fn a_blocked_call_shows_the_rule_and_is_logged_only_with_a_typed_reason() {
    let mut h = Harness::new(60);
    // A conversation today starts seven quiet days on this account.
    h.keys("<Enter>c<Tab>rpc<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.app.account.as_ref().unwrap().view.as_ref().unwrap();
    assert_eq!(view.call_check.level, dun::domain::compliance::Level::Block, "the header says so before dialling");
    let attempts = view.attempts.len();
    h.keys("c<Tab>na<Enter>");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("the form should stay open") };
    let error = open.form.error.clone().unwrap_or_default();
    assert!(error.contains("F-FREQ-B") && error.contains("override"), "{error}");
    // Tab to the Override field, give a reason, save.
    h.keys("<Tab><Tab><Tab><Tab><Tab><Tab>debtor called back and asked us to ring<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.app.account.as_ref().unwrap().view.as_ref().unwrap();
    assert_eq!(view.attempts.len(), attempts + 1);
    let events: i64 = h
        .desk
        .connection()
        .query_row("SELECT count(*) FROM event WHERE kind = 'guard-overridden'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 1);
}

#[test]
fn ctrl_c_quits_even_from_a_form() {
    let mut h = Harness::new(5);
    h.keys("c12<C-c>");
    assert!(h.app.quit);
}

#[test]
fn a_promise_to_pay_from_a_call_records_the_promise_and_its_follow_up() {
    let mut h = Harness::new(60);
    h.keys("<Enter>c<Tab>ptp<Enter>");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("a PTP without amount must not save") };
    assert!(open.form.error.as_deref().unwrap_or("").contains("amount and a date"), "{:?}", open.form.error);
    h.keys("<Tab><Tab><Tab><Tab>250<Tab>+4<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.app.account.as_ref().unwrap().view.as_ref().unwrap();
    let promise = view.promises.iter().find(|p| p.status == dun::domain::PromiseStatus::Pending).unwrap();
    assert_eq!((promise.amount, promise.due_on), (Money(25_000), today() + chrono::Days::new(4)));
    assert_eq!(view.follow_ups[0].due_on, today() + chrono::Days::new(4));
}

#[test]
fn promise_follow_up_dispute_and_hold_from_the_keyboard() {
    let mut h = Harness::new(60);
    let id = h.app.selected_row().unwrap().id;
    h.keys("<Enter>P125<Tab>+3<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    h.keys("f<Tab>call the AP desk<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let invoice = h.desk.account(id).unwrap().invoices.iter().find(|i| i.status == "open").unwrap().number.clone();
    h.keys(&format!("d{invoice}<Tab>goods not received<Enter>"));
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.desk.account(id).unwrap();
    assert!(view.promises.iter().any(|p| p.amount == Money(12_500) && p.due_on == today() + chrono::Days::new(3)));
    assert_eq!(view.follow_ups[0].what, "call the AP desk");
    assert!(view.invoices.iter().any(|i| i.number == invoice && i.disputed));
    h.keys("Hawaiting remittance advice<Tab>+10<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    h.keys("<Esc>");
    let row = h.app.rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row.tier, dun::domain::priority::Tier::OnHold, "a held account sits in its own queue");
    assert!(row.reason.contains("awaiting remittance advice"));
}

#[test]
fn why_shows_every_factor() {
    let mut h = Harness::new(60);
    h.keys("w");
    assert!(matches!(h.app.overlay, Some(Overlay::Why { .. })));
    let screen = h.screen(100, 30);
    assert!(screen.contains("dollar-days") && screen.contains("tier"), "{screen}");
}

#[test]
fn a_payment_plan_from_the_account_with_its_schedule_previewed() {
    let mut h = Harness::new(60);
    h.keys("<Enter>L600");
    let screen = h.screen(100, 30);
    assert!(screen.contains("6 payments: 100.00 on"), "{screen}");
    // Enter shows the schedule the store checked; the second Enter saves it.
    h.keys("<Enter>");
    let screen = h.screen(100, 30);
    assert!(screen.contains("6 installment(s) = 600.00, the total"), "{screen}");
    assert!(screen.contains("6. 2027-05-22 100.00"), "{screen}");
    h.keys("<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.app.account.as_ref().unwrap().view.as_ref().unwrap();
    let plan = view.plans.iter().find(|p| p.status == "active").unwrap();
    assert_eq!(plan.installments.len(), 6);
    assert_eq!(plan.installments.iter().map(|i| i.amount).sum::<Money>(), Money(60_000));
}

#[test]
fn reports_open_from_the_worklist_or_an_account_and_esc_goes_back() {
    let mut h = Harness::new(40);
    h.keys("R");
    assert_eq!(h.app.screen, Screen::Reports);
    let overview = h.app.reports.as_ref().unwrap();
    assert_eq!(overview.activity.rows.len(), 30);
    assert_eq!(overview.aging.as_of, today());
    h.keys("<Esc>");
    assert_eq!(h.app.screen, Screen::Worklist);
    h.keys("<Enter>R");
    assert_eq!(h.app.screen, Screen::Reports);
    h.keys("q");
    assert_eq!(h.app.screen, Screen::Account, "back where it was opened");
    // A payment made elsewhere shows when the screen reloads.
    h.keys("R");
    let before = h.app.reports.as_ref().unwrap().activity.total.collected;
    let id = h.app.account.as_ref().unwrap().id;
    let pay = dun::desk::RecordPayment {
        debtor_id: id,
        amount: Money(1_000),
        received_on: None,
        method: String::new(),
        reference: String::new(),
        invoice: None,
    };
    h.desk.record_payment(pay).unwrap();
    h.keys("<C-l>");
    assert_eq!(h.app.reports.as_ref().unwrap().activity.total.collected, before + Money(1_000));
}

/// The plan form and `dun plan` with the same inputs write the same plan: two copies of one
/// demo book, one planned with keys, the other with the CLI.
#[test]
fn a_plan_saved_through_the_form_is_the_plan_the_cli_writes() {
    let (by_keys, by_cli) = (book::Book::with_demo(40), book::Book::with_demo(40));
    let open = |b: &book::Book| {
        dun::desk::Desk::open(&b.db(), dun::clock::Clock::fixed(today()), dun::config::Config::default()).unwrap()
    };
    let mut h = Harness::on_desk(open(&by_keys));
    h.keys("<Enter>");
    let id = h.app.account.as_ref().unwrap().id;
    // Total stays the open balance; down 250, 4 payments, every two weeks, first on the
    // 15th of December, 7 grace days. Enter previews, Enter saves.
    h.keys("L<Tab>250<Tab>4<Tab><Tab>b<Tab>2026-12-15<Tab>7<Enter>");
    assert!(matches!(&h.app.overlay, Some(Overlay::Form(f)) if f.checked_schedule(today()).is_some()));
    h.keys("<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    by_cli
        .dun(&[
            "plan",
            &id.to_string(),
            "--installments",
            "4",
            "--every",
            "2weeks",
            "--first",
            "2026-12-15",
            "--down",
            "250",
            "--grace",
            "7",
        ])
        .assert()
        .success();
    let from_keys = h.desk.account(id).unwrap().plans;
    let from_cli = open(&by_cli).account(id).unwrap().plans;
    assert_eq!(from_keys.len(), 1);
    assert_eq!(from_keys, from_cli);
    let plan = &from_keys[0];
    assert_eq!((plan.grace_days, plan.down_payment, plan.installments.len()), (7, Money(25_000), 5));
    assert_eq!(plan.total, h.desk.account(id).unwrap().open_balance, "the total starts at the open balance");
}

#[test]
fn the_last_rankings_first_page_shows_at_once_and_the_ranking_replaces_it() {
    use dun::tui::app::{App, Msg};
    use dun::tui::worker::{Reply, WorkerEvent, handle};
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book.db");
    let open =
        || dun::desk::Desk::open(&book, dun::clock::Clock::fixed(today()), dun::config::Config::default()).unwrap();
    open().load_demo(40, 1).unwrap();
    // Answer the desk's requests one by one; note the screen and rows after each.
    let start = |desk: &mut dun::desk::Desk| {
        let (mut app, requests) = App::new(today(), 24, false);
        let mut seen = Vec::new();
        let mut queue: std::collections::VecDeque<_> = requests.into();
        while let Some((ticket, request)) = queue.pop_front() {
            let result = handle(desk, &[], request, &mut |_, _| {});
            queue.extend(app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result }))));
            seen.push((app.screen, app.rows.len(), app.provisional.is_some()));
        }
        (app, seen)
    };
    // First start: nothing kept, the ranking is what comes on screen.
    let (first, seen) = start(&mut open());
    assert_eq!(seen[0], (Screen::Loading, 0, false), "{seen:?}");
    let full: Vec<i64> = first.rows.iter().map(|r| r.id).collect();
    // Second start on the unchanged book: the kept page first, then the ranking.
    let (second, seen) = start(&mut open());
    assert_eq!(seen[0], (Screen::Worklist, full.len().min(200), true), "{seen:?}");
    assert_eq!(second.rows.iter().map(|r| r.id).collect::<Vec<_>>(), full);
    assert!(second.provisional.is_none(), "the ranking replaced the kept page");
    // After a write the kept page is not used.
    open().add_note(dun::desk::NewNote { debtor_id: full[0], body: "called".into() }).unwrap();
    let (_, seen) = start(&mut open());
    assert_eq!(seen[0], (Screen::Loading, 0, false), "{seen:?}");
}

/// A first page ranked afresh (a new day, a write from elsewhere) shows at once without the
/// whole list's count, which the ranking then brings.
#[test]
fn a_first_page_ranked_afresh_shows_until_the_ranking_replaces_it() {
    use dun::tui::app::{App, Msg};
    use dun::tui::worker::{Provisional, Reply, Request, Response, WorkerEvent, handle};
    let mut desk = common::demo_desk(40);
    let whole = desk.worklist().unwrap();
    let mut h = Harness::on_desk(common::demo_desk(0));
    let (mut app, requests) = App::new(today(), 24, false);
    let mut later = Vec::new();
    for (ticket, request) in requests {
        let result = match request {
            // What `Desk::worklist_first_page` gives on a book whose top tiers fill the page.
            Request::WorklistStart => Ok(Response::WorklistStart(Some((whole[..10].to_vec(), Provisional::FirstPage)))),
            other => {
                later.push((ticket, other));
                continue;
            }
        };
        later.extend(app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result }))));
    }
    assert_eq!((app.screen, app.rows.len(), app.provisional), (Screen::Worklist, 10, Some(Provisional::FirstPage)));
    h.app = app;
    let first = h.screen(120, 24);
    assert!(first.contains("ranking every account…"), "{first}");
    assert!(first.contains(whole[0].name.as_str()), "{first}");
    for (ticket, request) in later {
        let result = handle(&mut desk, &[], request, &mut |_, _| {});
        let more = h.app.update(Msg::Worker(WorkerEvent::Reply(Reply { ticket, result })));
        assert!(more.iter().all(|(_, r)| matches!(r, Request::NextSteps(_))), "{more:?}");
    }
    assert_eq!((h.app.rows.len(), h.app.provisional), (whole.len(), None));
    let then = h.screen(120, 24);
    assert!(then.contains(&format!("{} accounts", whole.len())) && !then.contains("ranking every"), "{then}");
}

/// Review 3: the plan form's Total starts at the balance in collection, never at money in
/// dispute.
#[test]
fn the_plan_form_total_leaves_out_disputed_money() {
    let mut h = Harness::new(60);
    let row = h.app.selected_row().unwrap().clone();
    let view = h.desk.account(row.id).unwrap();
    let invoice = view.invoices.iter().find(|i| i.status == "open").unwrap().number.clone();
    h.desk.open_dispute(row.id, Some(&invoice), Some(Money(1_000)), "x").unwrap();
    let expected = (view.open_balance - Money(1_000)).to_decimal();
    h.keys("<C-l>");
    let total = |h: &Harness| match &h.app.overlay {
        Some(Overlay::Form(f)) => f.form.value("Total").to_string(),
        other => panic!("{other:?}"),
    };
    let at = h.app.selected_row().unwrap().id;
    assert_eq!(at, row.id, "the same account is selected after the reload");
    h.keys("<Enter>L");
    assert_eq!(total(&h), expected);
}
