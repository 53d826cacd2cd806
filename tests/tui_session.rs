//! Working a day at the desk: call sessions, the agenda, the ladder column, and the account
//! actions that used to need the command line (settle, write off, reverse, legal, contacts).

mod common;

use common::*;
use dun::domain::{ContactStatus, Money};
use dun::tui::app::{Overlay, Screen};

#[test]
fn a_call_session_works_accounts_in_rank_order_one_key_each() {
    let mut h = Harness::new(80);
    // The session passes over accounts the guard will not let be called now.
    let callable = |h: &Harness, id: i64| {
        h.desk.check_contact(id, dun::domain::Channel::CallOut, None).unwrap().level
            != dun::domain::compliance::Level::Block
    };
    let ranked: Vec<i64> = h
        .app
        .visible
        .iter()
        .map(|&i| &h.app.rows[i])
        .filter(|r| r.tier != dun::domain::priority::Tier::OnHold)
        .map(|r| r.id)
        .collect();
    let order: Vec<i64> = ranked.iter().copied().filter(|id| callable(&h, *id)).take(6).collect();
    let passed_over = ranked.iter().position(|id| *id == order[5]).unwrap() - 5;
    h.keys("S");
    assert_eq!(h.app.screen, Screen::Account);
    assert_eq!(h.app.account.as_ref().unwrap().id, order[0]);
    assert!(h.screen(100, 30).contains("Session 1/"), "{}", h.screen(100, 30));

    // 1: no answer, logged, next account.
    h.keys("1");
    assert_eq!(h.app.account.as_ref().unwrap().id, order[1]);
    assert!(h.desk.account(order[0]).unwrap().attempts.iter().any(|a| a.outcome == "NA"));
    // 4: a promise needs an amount and a date: a small form, on the amount.
    h.keys("4");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("the promise form opens") };
    assert_eq!(open.form.value("Outcome"), "PTP");
    h.keys("150<Tab>+5<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert_eq!(h.app.account.as_ref().unwrap().id, order[2]);
    // Space: on without logging anything.
    let before = h.desk.account(order[2]).unwrap().attempts.len();
    h.keys(" ");
    assert_eq!(h.desk.account(order[2]).unwrap().attempts.len(), before);
    // 3: talked; then pause, and resume where it stopped.
    h.keys("3");
    assert_eq!(h.app.account.as_ref().unwrap().id, order[4]);
    h.keys("S");
    assert_eq!(h.app.screen, Screen::Worklist);
    assert!(h.app.status.as_ref().unwrap().text.contains("paused"), "{:?}", h.app.status);
    h.keys("S");
    assert_eq!(h.app.account.as_ref().unwrap().id, order[4]);
    // 7: a call back asks when.
    h.keys("7+2<Enter>");
    assert!(h.app.overlay.is_none(), "{:?} {:?}", h.app.overlay, h.app.status);
    let s = h.app.session.as_ref().unwrap();
    assert_eq!((s.worked, s.skipped, s.right_party, s.promises), (4, 1, 3, 1));
    assert_eq!(s.blocked, passed_over);
    assert_eq!(s.promised, Money(15_000));
    assert_eq!(h.desk.account(order[4]).unwrap().follow_ups[0].due_on, today() + chrono::Days::new(2));
    // A promise form left with Esc records nothing and stays on the account.
    let here = h.app.account.as_ref().unwrap().id;
    h.keys("4<Esc>y");
    assert_eq!(h.app.account.as_ref().unwrap().id, here);
    assert_eq!(h.app.session.as_ref().unwrap().worked, 4);
}

#[test]
fn the_agenda_lists_what_is_due_and_opens_the_account() {
    let mut h = Harness::new(150);
    h.keys("A");
    assert_eq!(h.app.screen, Screen::Agenda);
    let items = h.app.agenda.as_ref().unwrap();
    assert!(!items.is_empty());
    assert!(items.windows(2).all(|w| w[0].due_on <= w[1].due_on));
    let screen = h.screen(100, 30);
    assert!(screen.contains("Agenda") && screen.contains("To do"), "{screen}");
    h.keys("j<Enter>");
    assert_eq!(h.app.screen, Screen::Account);
    assert_eq!(h.app.account.as_ref().unwrap().id, h.app.agenda.as_ref().unwrap()[1].debtor_id);
    h.keys("<Esc>");
    assert_eq!(h.app.screen, Screen::Agenda, "back to the agenda it was opened from");
    h.keys("<Esc>");
    assert_eq!(h.app.screen, Screen::Worklist);
}

#[test]
fn the_worklist_shows_the_ladders_next_step_of_the_rows_on_screen() {
    let h = Harness::new(80);
    let first = h.app.rows[h.app.visible[0]].clone();
    let step = h.app.next_steps.get(&first.id).expect("asked for the rows on screen");
    assert_eq!(*step, h.desk.account(first.id).unwrap().next_step.step);
    assert!(h.app.next_steps.len() < h.app.rows.len(), "only the rows around the selection");
    assert!(h.screen(120, 40).contains("Step"));
}

#[test]
fn settle_write_off_and_reverse_from_the_account() {
    let mut h = Harness::new(60);
    let id = h.app.selected_row().unwrap().id;
    let balance = h.desk.account(id).unwrap().open_balance;
    h.keys("<Enter>p100<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    // r offers the account's payments; the newest bounced.
    h.keys("r");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("reverse form") };
    assert!(!open.form.value("Payment").is_empty());
    let payment: i64 = h.desk.account(id).unwrap().payments.iter().map(|p| p.id).max().unwrap();
    while h
        .app
        .overlay
        .as_ref()
        .is_some_and(|o| matches!(o, Overlay::Form(f) if f.form.value("Payment") != payment.to_string()))
    {
        h.keys("<Right>");
    }
    h.keys("<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert_eq!(h.desk.account(id).unwrap().open_balance, balance, "the bounced payment no longer counts");

    let invoice = h.desk.account(id).unwrap().invoices.iter().find(|i| i.status == "open").unwrap().number.clone();
    h.keys(&format!("x{invoice}<Enter>"));
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert!(h.desk.account(id).unwrap().invoices.iter().any(|i| i.number == invoice && i.status != "open"));

    let left = h.desk.account(id).unwrap().open_balance;
    h.keys("s10<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert!(left.is_positive() && h.desk.account(id).unwrap().open_balance == Money::ZERO, "settled in full");
}

#[test]
fn legal_case_and_contact_points_from_the_account() {
    let mut h = Harness::new(60);
    let id = h.app.selected_row().unwrap().id;
    h.keys("<Enter>ELee & Park LLP<Tab>Cook County<Tab>2026-M1-7<Tab><Tab>75<Tab><Tab>+30<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let case = h.desk.account(id).unwrap().legal_cases.into_iter().find(|c| c.status != "closed").unwrap();
    assert_eq!(
        (case.attorney.as_str(), case.case_number.as_str(), case.costs),
        ("Lee & Park LLP", "2026-M1-7", Money(7_500))
    );
    // E again edits the same case, prefilled.
    h.keys("E");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("legal form") };
    assert_eq!(open.form.value("Attorney"), "Lee & Park LLP");
    h.keys("<Esc>");

    h.keys("C<Tab>(555) 201-7788<Tab>mobile<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let added = h.desk.account(id).unwrap().contact_points.into_iter().find(|c| c.value == "(555) 201-7788").unwrap();
    h.keys("M");
    while h
        .app
        .overlay
        .as_ref()
        .is_some_and(|o| matches!(o, Overlay::Form(f) if f.form.value("Point") != added.id.to_string()))
    {
        h.keys("<Right>");
    }
    h.keys("<Tab><Tab>wrong person<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let marked = h.desk.account(id).unwrap().contact_points.into_iter().find(|c| c.id == added.id).unwrap();
    assert_eq!(marked.status, ContactStatus::Bad);
}

#[test]
fn keys_rebound_in_config_drive_the_desk_its_help_and_hints() {
    let mut h = Harness::new(40);
    let config =
        dun::config::Config::parse("[keys]\nlog-attempt = [\"K\", \"c\"]\nagenda = \"a\"\n", "config.toml").unwrap();
    h.app.keymap = dun::tui::keymap::Keymap::with_overrides(&config.key_overrides()).unwrap();
    h.keys("K");
    assert!(matches!(&h.app.overlay, Some(Overlay::Form(f)) if f.form.title.starts_with("Log contact")));
    h.keys("<Esc>");
    h.keys("a");
    assert_eq!(h.app.screen, Screen::Agenda);
    h.keys("<Esc>?");
    let help = h.screen(120, 40);
    assert!(help.contains("K/c") && help.contains("Log a contact attempt"), "{help}");
}

#[test]
fn the_palette_finds_an_action_by_name_and_runs_it() {
    let mut h = Harness::new(40);
    h.keys(":agen");
    let Some(Overlay::Palette(p)) = &h.app.overlay else { panic!("the palette opens") };
    let entries = h.app.palette_entries(&p.query);
    assert_eq!(entries[0].action, dun::tui::action::Action::Agenda);
    assert_eq!(entries[0].keys, "A");
    h.keys("<Enter>");
    assert_eq!(h.app.screen, Screen::Agenda);
    h.keys("<Esc><Enter>:sttl<Enter>");
    assert!(
        matches!(&h.app.overlay, Some(Overlay::Form(f)) if f.form.title.starts_with("Settlement")),
        "{:?}",
        h.app.overlay
    );
    h.keys("<Esc>:zzzz");
    assert!(h.screen(100, 30).contains("0 action(s)"));
    h.keys("<Esc>");
    assert!(h.app.overlay.is_none());
}

#[test]
fn select_rows_then_hold_or_follow_up_all_of_them_at_once() {
    let mut h = Harness::new(60);
    let ids: Vec<i64> = h.app.visible.iter().take(3).map(|&i| h.app.rows[i].id).collect();
    h.keys("vvv");
    assert_eq!(h.app.marked.iter().copied().collect::<Vec<_>>().len(), 3);
    assert!(h.screen(100, 30).contains("3 selected"));
    h.keys("f");
    let Some(Overlay::Form(open)) = &h.app.overlay else { panic!("the bulk form") };
    assert!(open.form.title.contains("3 selected accounts"), "{}", open.form.title);
    h.keys("<Esc>");
    h.keys("f+3<Tab>quarterly review<Enter>");
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    assert!(h.app.marked.is_empty(), "the selection is spent");
    assert!(h.app.status.as_ref().unwrap().text.contains("for 3 accounts"), "{:?}", h.app.status);
    for id in &ids {
        let view = h.desk.account(*id).unwrap();
        assert_eq!(view.follow_ups[0].what, "quarterly review");
    }
    // V selects everything shown, again nothing; Esc drops a selection first.
    h.keys("V");
    assert_eq!(h.app.marked.len(), h.app.visible.len());
    h.keys("V");
    assert!(h.app.marked.is_empty());
    h.keys("v<Esc>");
    assert!(h.app.marked.is_empty() && h.app.screen == Screen::Worklist);
}

#[test]
fn u_undoes_the_last_action_and_ctrl_r_redoes_it() {
    let mut h = Harness::new(40);
    let id = h.app.selected_row().unwrap().id;
    h.keys("nleft a voicemail with AP<Enter>");
    assert!(h.desk.account(id).unwrap().notes.iter().any(|n| n.body == "left a voicemail with AP"));
    h.keys("u");
    assert!(h.app.status.as_ref().unwrap().text.starts_with("Undid"), "{:?}", h.app.status);
    assert!(!h.desk.account(id).unwrap().notes.iter().any(|n| n.body == "left a voicemail with AP"));
    h.keys("<C-r>");
    assert!(h.desk.account(id).unwrap().notes.iter().any(|n| n.body == "left a voicemail with AP"));
    // Nothing more to redo: the status says why, in red.
    h.keys("<C-r>");
    assert!(h.app.status.as_ref().is_some_and(|s| s.error), "{:?}", h.app.status);
}

#[test]
fn an_invoice_hold_and_an_extension_from_the_account() {
    let mut h = Harness::new(60);
    let id = h.app.selected_row().unwrap().id;
    let open: Vec<String> = h
        .desk
        .account(id)
        .unwrap()
        .invoices
        .into_iter()
        .filter(|i| i.status == "open" && !i.disputed)
        .map(|i| i.number)
        .collect();
    assert!(open.len() >= 2);
    h.keys(&format!("<Enter>e{}<Tab>+45<Tab>agreed on the call<Enter>", open[0]));
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.desk.account(id).unwrap();
    assert_eq!(view.extensions.len(), 1);
    assert_eq!(view.extensions[0].to_due_on, today() + chrono::Days::new(45));
    h.keys(&format!("Hchecking delivery<Tab>+7<Tab>{}<Enter>", open[1]));
    assert!(h.app.overlay.is_none(), "{:?}", h.app.overlay);
    let view = h.desk.account(id).unwrap();
    assert_eq!(view.invoice_holds.len(), 1);
    assert!(view.holds.is_empty(), "the account itself is not on hold");
}

#[test]
fn slash_filters_the_agenda_too() {
    let mut h = Harness::new(150);
    h.keys("A");
    let target = h.app.agenda.as_ref().unwrap()[3].clone();
    let word = target.debtor_name.split(' ').next().unwrap().to_string();
    h.keys(&format!("/{word}"));
    let shown = h.app.agenda_items();
    assert!(!shown.is_empty() && shown.len() < h.app.agenda.as_ref().unwrap().len(), "narrowed");
    assert!(
        shown.iter().all(|i| format!("{} {}", i.debtor_name, i.what()).to_lowercase().contains(&word.to_lowercase()))
    );
    assert!(h.screen(100, 30).contains("item(s)"));
    let first = shown[0].debtor_id;
    h.keys("<Enter><Enter>");
    assert_eq!(h.app.screen, Screen::Account);
    assert_eq!(h.app.account.as_ref().unwrap().id, first, "Enter opens the first match");
    h.keys("<Esc><Esc>");
    assert!(h.app.agenda_filter.is_none(), "Esc clears the filter first");
    assert_eq!(h.app.screen, Screen::Agenda);
}

#[test]
fn slash_filters_the_rows_of_an_accounts_tabs() {
    let mut h = Harness::new(60);
    h.keys("<Enter>");
    let view = h.app.account.as_ref().unwrap().view.clone().unwrap();
    assert!(view.invoices.len() >= 2);
    let wanted = view.invoices[1].number.clone();
    h.keys(&format!("/{wanted}<Enter>"));
    let screen = h.screen(120, 40);
    assert!(screen.contains(&wanted), "{screen}");
    assert!(!screen.contains(&view.invoices[0].number), "other invoices are filtered out:\n{screen}");
    // j/k move within the matches only.
    h.keys("jjj");
    assert_eq!(h.app.account.as_ref().unwrap().selected[0], 0);
    // The filter stays on other tabs; Esc clears it, a second Esc leaves the account.
    h.keys("<Esc>");
    assert!(h.app.tab_filter.is_none());
    assert!(h.screen(120, 40).contains(&view.invoices[0].number));
    h.keys("<Esc>");
    assert_eq!(h.app.screen, Screen::Worklist);
}
