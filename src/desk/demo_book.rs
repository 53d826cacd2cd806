//! The demo book: a deterministic, realistic set of accounts to try dun on.
//! Pure generation (no SQL): account `i` depends only on the seed, `i` and today,
//! so a 250-debtor book is the first 250 accounts of a 100k one.

use chrono::{Days, NaiveDate, NaiveTime};

use crate::domain::allocation::{OpenItem, allocate};
use crate::domain::{Channel, ContactKind, ContactStatus, DebtorFlags, DebtorKind, Money, PromiseStatus};

/// SplitMix64: tiny, fast and the same on every platform and version, which a
/// crate's generator does not promise across releases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
    /// True with probability `percent` / 100 (tenths allowed: `permille`).
    pub fn chance(&mut self, permille: u64) -> bool {
        self.next_u64() % 1000 < permille
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "William",
    "Elizabeth",
    "Carlos",
    "Aisha",
    "Kevin",
    "Nguyen",
    "Sofia",
    "Thomas",
    "Grace",
    "Daniel",
    "Olivia",
    "Marcus",
    "Priya",
    "Samuel",
    "Hannah",
    "Luis",
    "Chloe",
    "Andre",
    "Megan",
    "Ethan",
    "Rosa",
    "Tyrone",
    "Emily",
    "Victor",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Okafor",
    "Kowalski",
    "Brennan",
    "Castillo",
    "Patel",
];
const BIZ_A: &[&str] = &[
    "Acme",
    "Blue Ridge",
    "Cedar",
    "Summit",
    "Harbor",
    "Pioneer",
    "Granite",
    "Maple",
    "Northwind",
    "Redwood",
    "Silver Lake",
    "Keystone",
    "Lakeside",
    "Ironwood",
    "Golden Gate",
    "Prairie",
    "Bayview",
    "Riverbend",
    "Evergreen",
    "Copper Hill",
];
const BIZ_B: &[&str] = &[
    "Plumbing",
    "Dental",
    "Logistics",
    "Bakery",
    "Landscaping",
    "Auto Repair",
    "Electric",
    "Roofing",
    "Catering",
    "Print Shop",
    "Veterinary",
    "Construction",
    "Florist",
    "Fitness",
    "Hardware",
    "Consulting",
    "Signs",
    "Cleaning",
];
const BIZ_C: &[&str] = &["LLC", "Inc.", "Co.", "Ltd.", "& Sons", "Group", "LLC", "Inc."];
const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Elm St",
    "Park Ave",
    "Washington Blvd",
    "Lake Rd",
    "Hillcrest Dr",
    "Sunset Blvd",
    "River Rd",
    "Church St",
    "Market St",
    "Broadway",
    "2nd Ave",
    "Mill Rd",
];

/// Region, a city in it, its time zone, area codes, ZIP prefix.
const PLACES: &[(&str, &str, &str, &[u16], &str)] = &[
    ("NY", "Brooklyn", "America/New_York", &[718, 347], "112"),
    ("NY", "New York", "America/New_York", &[212, 646], "100"),
    ("MA", "Worcester", "America/New_York", &[508, 774], "016"),
    ("FL", "Tampa", "America/New_York", &[813], "336"),
    ("GA", "Atlanta", "America/New_York", &[404, 678], "303"),
    ("IL", "Chicago", "America/Chicago", &[312, 773], "606"),
    ("TX", "Austin", "America/Chicago", &[512, 737], "787"),
    ("CO", "Denver", "America/Denver", &[303, 720], "802"),
    ("AZ", "Phoenix", "America/Phoenix", &[602, 480], "850"),
    ("CA", "Oakland", "America/Los_Angeles", &[510], "946"),
    ("CA", "San Diego", "America/Los_Angeles", &[619, 858], "921"),
    ("WA", "Tacoma", "America/Los_Angeles", &[253], "984"),
];

const NOTES: &[&str] = &[
    "Owner travels Mondays; best reached Tue-Thu mornings.",
    "AP contact asked for copies of the last three invoices.",
    "Says cash flow will improve after the 15th.",
    "Prefers email; phone goes to a shared line.",
    "Check was mailed per debtor, not received yet.",
    "New bookkeeper since last month; re-sent statement.",
];
const METHODS: &[&str] = &["check", "ach", "card", "wire"];
const DISPUTE_REASONS: &[&str] =
    &["Goods not received", "Billed twice", "Price differs from quote", "Work not completed", "Damaged on delivery"];

pub struct DemoInvoice {
    pub number: String,
    pub credit_memo: bool,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub original: Money,
    pub balance: Money,
}

pub struct DemoPayment {
    pub received_on: NaiveDate,
    pub amount: Money,
    pub method: &'static str,
    pub reference: String,
    /// (index into invoices, amount)
    pub allocations: Vec<(usize, Money)>,
}

pub struct DemoAttempt {
    pub at: chrono::DateTime<chrono::Utc>,
    pub channel: Channel,
    pub outcome: &'static str,
    pub note: String,
}

pub struct DemoPromise {
    pub attempt: usize,
    pub amount: Money,
    pub promised_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    pub paid: Money,
}

pub struct DemoPlan {
    pub total: Money,
    pub first_due_on: NaiveDate,
    pub status: &'static str,
    /// (due, amount, paid, status)
    pub installments: Vec<(NaiveDate, Money, Money, &'static str)>,
}

pub struct DemoContact {
    pub kind: ContactKind,
    pub label: &'static str,
    pub value: String,
    pub status: ContactStatus,
    pub is_work: bool,
}

pub struct DemoAccount {
    pub external_ref: String,
    pub name: String,
    pub kind: DebtorKind,
    pub region: &'static str,
    pub postal_code: String,
    pub time_zone: &'static str,
    pub flags: DebtorFlags,
    pub contacts: Vec<DemoContact>,
    pub invoices: Vec<DemoInvoice>,
    pub payments: Vec<DemoPayment>,
    pub attempts: Vec<DemoAttempt>,
    pub promises: Vec<DemoPromise>,
    pub plan: Option<DemoPlan>,
    pub notes: Vec<(chrono::DateTime<chrono::Utc>, &'static str)>,
    pub follow_up: Option<(NaiveDate, &'static str)>,
    /// (invoice index, reason, opened)
    pub dispute: Option<(usize, &'static str, NaiveDate)>,
    pub hold: Option<(&'static str, NaiveDate, NaiveDate)>,
    /// (referred, attorney, court, case number)
    pub legal: Option<(NaiveDate, &'static str, String, String)>,
}

fn days_before(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_sub_days(Days::new(n.max(0) as u64)).unwrap_or(d)
}
fn days_after(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_days(Days::new(n.max(0) as u64)).unwrap_or(d)
}
fn at(d: NaiveDate, rng: &mut Rng) -> chrono::DateTime<chrono::Utc> {
    // 14:00-21:59 UTC: inside business hours in every US zone the demo uses.
    let t = NaiveTime::from_hms_opt(rng.range(14, 21) as u32, rng.range(0, 59) as u32, 0).unwrap_or_default();
    d.and_time(t).and_utc()
}

/// Generate account number `i` (0-based) of the demo book.
pub fn demo_account(seed: u64, i: usize, today: NaiveDate) -> DemoAccount {
    let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let place = *rng.pick(PLACES);
    let (region, city, zone, area_codes, zip3) = place;
    let business = rng.chance(450);
    let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
    let name = if business {
        format!("{} {} {}", rng.pick(BIZ_A), rng.pick(BIZ_B), rng.pick(BIZ_C))
    } else {
        format!("{first} {last}")
    };
    let postal_code = format!("{zip3}{:02}", rng.range(1, 99));
    let phone = |rng: &mut Rng| format!("({}) 555-01{:02}", rng.pick(area_codes), rng.range(0, 99));
    let slug: String = name.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).take(14).collect();
    let mut contacts = vec![DemoContact {
        kind: ContactKind::Phone,
        label: if business { "office" } else { "mobile" },
        value: phone(&mut rng),
        status: if rng.chance(800) { ContactStatus::Good } else { ContactStatus::Unverified },
        is_work: false,
    }];
    if rng.chance(350) {
        contacts.push(DemoContact {
            kind: ContactKind::Phone,
            label: if business { "accounts payable" } else { "work" },
            value: phone(&mut rng),
            status: if rng.chance(200) { ContactStatus::Bad } else { ContactStatus::Unverified },
            is_work: !business,
        });
    }
    let email = if business {
        format!("ap@{slug}.example.com")
    } else {
        format!("{}.{}@example.net", first.to_ascii_lowercase(), last.to_ascii_lowercase())
    };
    contacts.push(DemoContact {
        kind: ContactKind::Email,
        label: if business { "billing" } else { "personal" },
        value: email,
        status: ContactStatus::Good,
        is_work: false,
    });
    contacts.push(DemoContact {
        kind: ContactKind::Address,
        label: if business { "office" } else { "home" },
        value: format!("{} {}, {city}, {region} {postal_code}", rng.range(10, 9899), rng.pick(STREETS)),
        status: if rng.chance(900) { ContactStatus::Good } else { ContactStatus::Bad },
        is_work: false,
    });

    // Invoices spread over the last eleven months so every aging bucket is populated.
    let count = if business { rng.range(6, 20) } else { rng.range(2, 12) } as usize;
    let mut invoices = Vec::with_capacity(count + 1);
    for n in 0..count {
        let issued_on = days_before(today, rng.range(0, 330));
        let terms = if business { *rng.pick(&[30, 30, 45, 60, 15]) } else { 30 };
        let cents = if business { rng.range(150, 6_000) * 100 + rng.range(0, 99) } else { rng.range(40, 1_200) * 100 };
        invoices.push(DemoInvoice {
            number: format!("INV-{:06}", i * 20 + n + 1001),
            credit_memo: false,
            issued_on,
            due_on: days_after(issued_on, terms),
            original: Money(cents),
            balance: Money(cents),
        });
    }
    invoices.sort_by_key(|inv| (inv.issued_on, inv.number.clone()));
    if business && rng.chance(60) {
        let issued_on = days_before(today, rng.range(5, 60));
        let cents = -rng.range(50, 400) * 100;
        invoices.push(DemoInvoice {
            number: format!("CM-{:05}", i + 101),
            credit_memo: true,
            issued_on,
            due_on: issued_on,
            original: Money(cents),
            balance: Money(cents),
        });
    }

    // Past invoices: most paid in full around their due date, some in part.
    let mut payments = Vec::new();
    for (idx, inv) in invoices.iter_mut().enumerate() {
        if inv.credit_memo || inv.due_on >= today {
            continue;
        }
        let age = (today - inv.due_on).num_days();
        let roll = rng.range(0, 999);
        // Most invoices are paid in the end; the longer past due, the likelier.
        let paid_in_full = (550 + age.min(300) * 3 / 2).min(930);
        let portion = if roll < paid_in_full {
            inv.original
        } else if roll < paid_in_full + 50 {
            Money(inv.original.cents() * rng.range(20, 70) / 100)
        } else {
            Money::ZERO
        };
        if portion.is_positive() {
            let received_on = days_after(inv.due_on, rng.range(0, 20)).min(days_before(today, 1));
            payments.push(DemoPayment {
                received_on,
                amount: portion,
                method: METHODS[rng.range(0, METHODS.len() as i64 - 1) as usize],
                reference: format!("{}", rng.range(1000, 99_999)),
                allocations: vec![(idx, portion)],
            });
            inv.balance -= portion;
        }
    }

    let mut account = DemoAccount {
        external_ref: format!("C{:06}", i + 1),
        name,
        kind: if business { DebtorKind::Business } else { DebtorKind::Person },
        region,
        postal_code,
        time_zone: zone,
        flags: DebtorFlags::default(),
        contacts,
        invoices,
        payments,
        attempts: Vec::new(),
        promises: Vec::new(),
        plan: None,
        notes: Vec::new(),
        follow_up: None,
        dispute: None,
        hold: None,
        legal: None,
    };
    collection_history(&mut account, &mut rng, today, business);
    if i == 3 {
        refer_to_legal(&mut account, today, city);
    }
    account
}

fn past_due_items(a: &DemoAccount, on: NaiveDate) -> Vec<OpenItem> {
    a.invoices
        .iter()
        .enumerate()
        .filter(|(_, inv)| !inv.credit_memo && inv.balance.is_positive() && inv.issued_on <= on)
        .map(|(idx, inv)| OpenItem {
            invoice_id: idx as i64,
            number: inv.number.clone(),
            issued_on: Some(inv.issued_on),
            due_on: inv.due_on,
            balance: inv.balance,
            disputed: Money::ZERO,
        })
        .collect()
}

/// Pay `amount` oldest first as of `on`, the way dun itself allocates.
fn pay_fifo(a: &mut DemoAccount, amount: Money, on: NaiveDate, method: &'static str, reference: String) -> Money {
    let plan = allocate(amount, &past_due_items(a, on), None);
    let applied: Money = plan.allocations.iter().map(|x| x.amount).sum();
    if !applied.is_positive() {
        return Money::ZERO;
    }
    for x in &plan.allocations {
        a.invoices[x.invoice_id as usize].balance -= x.amount;
    }
    a.payments.push(DemoPayment {
        received_on: on,
        amount: applied,
        method,
        reference,
        allocations: plan.allocations.iter().map(|x| (x.invoice_id as usize, x.amount)).collect(),
    });
    applied
}

fn past_due_balance(a: &DemoAccount, today: NaiveDate) -> Money {
    a.invoices.iter().filter(|i| i.due_on < today && !i.credit_memo).map(|i| i.balance).sum()
}

fn collection_history(a: &mut DemoAccount, rng: &mut Rng, today: NaiveDate, business: bool) {
    let past_due = past_due_balance(a, today);
    if !past_due.is_positive() {
        return;
    }
    let oldest_due = a.invoices.iter().filter(|i| i.balance.is_positive()).map(|i| i.due_on).min().unwrap_or(today);
    let window = (today - oldest_due).num_days().clamp(1, 120);
    let tries = rng.range(0, 8) as usize;
    let mut days: Vec<i64> = (0..tries).map(|_| rng.range(1, window)).collect();
    days.sort_unstable_by(|x, y| y.cmp(x));
    days.dedup();
    const OUTCOMES: &[&str] = &[
        "NA", "NA", "NA", "NA", "NA", "NA", "LM", "LM", "LM", "LM", "VM", "VM", "BZ", "RPC", "RPC", "PTP", "PTP",
        "PTP", "CB", "CB", "WN", "DC", "RTP", "SENT",
    ];
    for ago in days {
        let on = days_before(today, ago);
        let outcome = *rng.pick(OUTCOMES);
        let channel = if outcome == "SENT" { *rng.pick(&[Channel::Email, Channel::Letter]) } else { Channel::CallOut };
        let note = match outcome {
            "RPC" => "Discussed balance; will check with bank.".to_string(),
            "PTP" => "Promised payment.".to_string(),
            "CB" => "Asked to call back later in the week.".to_string(),
            "RTP" => "Says they will not pay until invoice copies arrive.".to_string(),
            "SENT" => "Reminder with statement attached.".to_string(),
            _ => String::new(),
        };
        a.attempts.push(DemoAttempt { at: at(on, rng), channel, outcome, note });
        // The demo collects as a careful third party would: the validation notice goes out
        // the day after the first time the debt is discussed or written about (F-VAL).
        let communicated = !matches!(outcome, "NA" | "VM" | "LM" | "BZ" | "DC" | "WN" | "TP");
        if communicated && !a.attempts.iter().any(|x| x.outcome == "VN") {
            let next = days_after(on, 1).min(today);
            a.attempts.push(DemoAttempt {
                at: at(next, rng),
                channel: Channel::Letter,
                outcome: "VN",
                note: "Validation notice mailed.".into(),
            });
        }
        if outcome == "PTP" {
            let open = past_due_balance(a, today);
            if !open.is_positive() {
                continue;
            }
            let amount = Money((open.cents() * rng.range(30, 100) / 100 / 2_500).max(1) * 2_500).min(open);
            let due_on = days_after(on, rng.range(3, 14));
            let grace_end = days_after(due_on, 2);
            let (status, paid) = if grace_end >= today {
                (PromiseStatus::Pending, Money::ZERO)
            } else {
                match rng.range(0, 99) {
                    0..=44 => {
                        let paid =
                            pay_fifo(a, amount, due_on.min(days_before(today, 1)), "ach", format!("PTP-{}", ago));
                        (if paid >= amount { PromiseStatus::Kept } else { PromiseStatus::PartlyKept }, paid)
                    }
                    45..=59 => {
                        let part = Money(amount.cents() * 40 / 100);
                        let paid = pay_fifo(a, part, due_on, "card", format!("PTP-{}", ago));
                        (PromiseStatus::PartlyKept, paid)
                    }
                    _ => (PromiseStatus::Broken, Money::ZERO),
                }
            };
            a.promises.push(DemoPromise {
                attempt: a.attempts.len() - 1,
                amount,
                promised_on: on,
                due_on,
                status,
                paid,
            });
        }
    }
    if let Some(last) = a.attempts.last() {
        let last_on = last.at.date_naive();
        let recent = (today - last_on).num_days() <= 14;
        if recent && (matches!(last.outcome, "CB" | "LM" | "RPC" | "VM") || rng.chance(150)) {
            a.follow_up = Some((days_after(last_on, rng.range(2, 9)), "call back"));
        }
    }

    // A few payment plans, some on track, one installment missed on others.
    let open = past_due_balance(a, today);
    if open.cents() > 50_000 && rng.chance(60) {
        let start = days_before(today, rng.range(20, 100));
        let count = 6u32;
        let parts = open.split_even(count);
        let miss = rng.chance(350);
        let mut installments = Vec::new();
        let mut missed_one = false;
        for (k, amount) in parts.into_iter().enumerate() {
            let due = start.checked_add_months(chrono::Months::new(k as u32)).unwrap_or(start);
            if due < days_before(today, 2) && !(miss && !missed_one && k > 0) {
                let paid = pay_fifo(a, amount, due, "ach", format!("PLAN-{k}"));
                installments.push((due, amount, paid, if paid >= amount { "paid" } else { "due" }));
            } else if due < days_before(today, 2) {
                missed_one = true;
                installments.push((due, amount, Money::ZERO, "missed"));
            } else {
                installments.push((due, amount, Money::ZERO, "due"));
            }
        }
        a.plan = Some(DemoPlan { total: open, first_due_on: start, status: "active", installments });
    }

    // Disputes, standing flags and holds, rare as in a real book.
    if rng.chance(35)
        && let Some(idx) = a.invoices.iter().position(|i| i.balance.is_positive() && i.due_on < today)
    {
        a.dispute = Some((idx, *rng.pick(DISPUTE_REASONS), days_before(today, rng.range(3, 40))));
    }
    let roll = rng.range(0, 999);
    match roll {
        0..=9 => a.flags.cease_contact = true,
        10..=16 if !business => a.flags.bankruptcy = true,
        17..=26 => a.flags.attorney = true,
        27..=49 => a.flags.do_not_call = true,
        50..=69 => a.flags.email_opt_out = true,
        70..=89 => {
            a.hold = Some(("awaiting remittance advice", days_before(today, 2), days_after(today, rng.range(3, 14))))
        }
        _ => {}
    }
    if rng.chance(300) {
        a.notes.push((at(days_before(today, rng.range(1, 60)), rng), *rng.pick(NOTES)));
    }
}

fn refer_to_legal(a: &mut DemoAccount, today: NaiveDate, city: &str) {
    // Make sure the referred account has an old, large unpaid invoice.
    let issued_on = days_before(today, 240);
    a.invoices.push(DemoInvoice {
        number: "INV-LEGAL-1".into(),
        credit_memo: false,
        issued_on,
        due_on: days_after(issued_on, 30),
        original: Money(1_875_000),
        balance: Money(1_875_000),
    });
    a.legal = Some((
        days_before(today, 21),
        "Hartley & Vance LLP",
        format!("{city} Municipal Court"),
        "CV-2026-04417".into(),
    ));
}
