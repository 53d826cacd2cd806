//! The compliance guard: before a contact is placed, every rule that binds this
//! account answers allow, warn or block, with its rule id, a plain sentence and when
//! the contact becomes allowed (domain-rules §1, §2, §3, §8). Pure: the facts and the
//! instant are passed in.

pub mod frequency;
pub mod statute;
pub mod validation;
pub mod window;
pub mod zones;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::contact::Channel;
use super::records::DebtorFlags;
use frequency::PastCall;
use window::{CallWindow, WindowVerdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Allow,
    Warn,
    Block,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub message: String,
    /// When the contact becomes allowed, when the rule says.
    pub allowed_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub level: Level,
    pub findings: Vec<Finding>,
    /// The earliest instant every timed block has lifted (none when a block has no end).
    pub next_allowed: Option<DateTime<Utc>>,
    /// The zones the debtor may be in, and how they were found.
    pub zones: Vec<String>,
    pub zone_source: String,
    /// Which profile the rules ran under, and whether facts were missing.
    pub profile: String,
    /// The statute of limitations of the oldest open debt.
    pub statute: Option<statute::Statute>,
    /// The last day of the validation period, once the notice was provided (F-VAL).
    pub validation_period_end: Option<chrono::NaiveDate>,
    /// F-CR: the first day the debt may be furnished to a credit bureau (none yet: not until
    /// the debtor has been spoken to, or written to and 14 days have passed).
    pub credit_reporting_from: Option<chrono::NaiveDate>,
}

impl Answer {
    /// The first blocking or warning finding, for one-line displays.
    pub fn headline(&self) -> String {
        match self.findings.iter().max_by_key(|f| f.level) {
            Some(f) => format!("{} {}: {}", level_word(f.level), f.rule, f.message),
            None => "allowed".into(),
        }
    }
}

pub fn level_word(l: Level) -> &'static str {
    match l {
        Level::Allow => "ALLOW",
        Level::Warn => "WARN",
        Level::Block => "BLOCK",
    }
}

/// Debt purpose (D-PROFILE-1). Unknown is treated as consumer, the strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    Consumer,
    Commercial,
    Unknown,
}

/// Who collects. Unknown is treated as a third-party collector, the strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ThirdParty,
    FirstParty,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleProfile {
    pub purpose: Purpose,
    pub role: Role,
}

impl RuleProfile {
    /// The FDCPA and Reg F bind third parties collecting consumer debts; elsewhere
    /// their rules are good practice (a warning), except where a state makes them law.
    fn fdcpa_binds(&self) -> bool {
        self.purpose != Purpose::Commercial && self.role != Role::FirstParty
    }
    fn consumer(&self) -> bool {
        self.purpose != Purpose::Commercial
    }
    pub fn describe(&self) -> String {
        let purpose = match self.purpose {
            Purpose::Consumer => "consumer debt",
            Purpose::Commercial => "commercial debt",
            Purpose::Unknown => "debt purpose unknown (treated as consumer)",
        };
        let role = match self.role {
            Role::ThirdParty => "third-party collector",
            Role::FirstParty => "creditor collecting its own debt",
            Role::Unknown => "collector role unknown (treated as third party)",
        };
        format!("{purpose}, {role}")
    }
}

/// Everything the guard looks at for one proposed contact.
#[derive(Debug, Clone)]
pub struct ContactFacts {
    pub channel: Channel,
    pub at: DateTime<Utc>,
    pub profile: RuleProfile,
    pub state: Option<String>,
    pub zones: Vec<Tz>,
    pub zone_source: String,
    pub flags: DebtorFlags,
    /// The whole open balance is in dispute, not yet verified.
    pub fully_disputed: bool,
    /// How much of the open balance (`exposure`) open disputes hold back, in `currency`:
    /// that part may not be collected, the rest may (F-DISP-1, "any disputed portion").
    pub disputed: super::money::Money,
    pub currency: String,
    /// Active holds in words.
    /// Active holds: reason and the last day they run, if they end.
    pub holds: Vec<(String, Option<chrono::NaiveDate>)>,
    /// Past calls on the debtor's local calendar (for the frequency rules).
    pub calls: Vec<PastCall>,
    pub window: CallWindow,
    /// Due date of the oldest open invoice (when the limitation period starts, by default).
    pub oldest_due: Option<chrono::NaiveDate>,
    /// A natural person owes or guarantees the debt (sole trader, personal guarantee).
    pub natural_person: bool,
    /// Whether that fact is on record (else it was assumed, the strict way).
    pub natural_person_known: bool,
    /// Times, days and places the debtor said are inconvenient (F-TIME-3, F-WORK).
    pub restrictions: Vec<Restriction>,
    /// The number a call would go to is a work number.
    pub dialled_is_work: bool,
    /// The debtor asked to be called back today (direct prior consent, within 7 days):
    /// the call does not count toward the frequency rules (1006.14(b)(3)(i)).
    pub consent_today: bool,
    /// The debtor lives in New York City, whose rules also bind creditors (S-NYC).
    pub nyc: bool,
    /// The debtor's local date of the first communication about the debt, if any.
    pub initial_communication: Option<chrono::NaiveDate>,
    /// When the validation notice was provided, if it was (outcome VN).
    pub validation_notice: Option<chrono::NaiveDate>,
    /// The first telephone or in-person conversation about the debt, and the first letter or
    /// email about it (F-CR: when the debt may be reported to a credit bureau).
    pub first_conversation: Option<chrono::NaiveDate>,
    pub first_written: Option<chrono::NaiveDate>,
    /// What this creditor is owed by the debtor in all (California's $500,000 line).
    pub exposure: super::money::Money,
}

/// Something the debtor told the collector about when and where not to reach them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restriction {
    /// A local-time window the debtor said is inconvenient, e.g. 12:00–13:30.
    Time { from: chrono::NaiveTime, to: chrono::NaiveTime },
    /// A day of the week.
    Weekday(chrono::Weekday),
    /// No contact at work (the employer forbids it, or the debtor asked).
    Workplace,
}

impl Restriction {
    /// Parse a stored restriction: ("time", "12:00-13:30"), ("weekday", "sun"), ("workplace", "").
    pub fn parse(kind: &str, value: &str) -> Option<Restriction> {
        match kind {
            "time" => {
                let (a, b) = value.split_once('-')?;
                let t = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
                Some(Restriction::Time { from: t(a)?, to: t(b)? })
            }
            "weekday" => value.trim().parse::<chrono::Weekday>().ok().map(Restriction::Weekday),
            "workplace" => Some(Restriction::Workplace),
            _ => None,
        }
    }
}

/// F-CR-1 (1006.30(a)(1)): a debt may be furnished to a consumer reporting agency once the
/// collector has spoken with the consumer about it, or 14 days after writing to them about it
/// (no undeliverable notice being on record, which dun does not track yet).
pub fn furnish_from(
    first_conversation: Option<chrono::NaiveDate>,
    first_written: Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    let written = first_written.and_then(|d| d.checked_add_days(chrono::Days::new(14)));
    match (first_conversation, written) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `t` inside [from, to), where a window with `from` after `to` runs across midnight.
fn in_window(t: chrono::NaiveTime, from: chrono::NaiveTime, to: chrono::NaiveTime) -> bool {
    if from <= to { t >= from && t < to } else { t >= from || t < to }
}

/// Binding strength: the law (block) or good practice (warn).
fn by_law(required: bool) -> Level {
    if required { Level::Block } else { Level::Warn }
}

/// The answer for `f.at`, and when every block lifts: the latest end of the blocks,
/// checked again at that moment (a later rule may block then), a few times over.
pub fn check_contact(f: &ContactFacts) -> Answer {
    let mut answer = answer_at(f);
    let mut probe = f.clone();
    let mut current = answer.clone();
    answer.next_allowed = None;
    for _ in 0..16 {
        let blocks: Vec<&Finding> = current.findings.iter().filter(|x| x.level == Level::Block).collect();
        if blocks.is_empty() {
            if probe.at != f.at {
                answer.next_allowed = Some(probe.at);
            }
            break;
        }
        let Some(latest) =
            blocks.iter().map(|b| b.allowed_from).collect::<Option<Vec<_>>>().and_then(|v| v.into_iter().max())
        else {
            break; // a block with no end (bankruptcy, cease, a notice not sent): no date to give
        };
        probe.at = match window::check_window(latest, &f.zones, &f.window) {
            WindowVerdict::Outside { next_open: Some(open) } => open,
            _ => latest,
        }
        .max(probe.at + chrono::Duration::minutes(1));
        current = answer_at(&probe);
    }
    answer
}

fn answer_at(f: &ContactFacts) -> Answer {
    let mut out: Vec<Finding> = Vec::new();
    let mut add = |rule, level, message: String, allowed_from| out.push(Finding { rule, level, message, allowed_from });
    let p = &f.profile;
    let fdcpa = p.fdcpa_binds();
    let state = f.state.as_deref().map(str::to_ascii_uppercase);
    // S-CA-3: since 2025-07-01 California also covers commercial debt a natural person owes
    // or guarantees, up to $500,000 with this creditor.
    let ca_commercial = state.as_deref() == Some("CA")
        && p.purpose == Purpose::Commercial
        && f.natural_person
        && f.exposure.cents() <= 50_000_000;
    let ca = state.as_deref() == Some("CA") && (p.consumer() || ca_commercial);
    // S-FL-1 covers creditors too, but not email (SB 232, 2025).
    let fl = state.as_deref() == Some("FL") && p.consumer() && f.channel != Channel::Email;
    // S-NYC: the city's rules cover creditors collecting in their own name (consumer debt).
    let nyc = f.nyc && p.consumer();
    let ca_or_fl = ca || fl || nyc;
    let is_call = matches!(f.channel, Channel::CallOut | Channel::Visit);
    let timed = matches!(f.channel, Channel::CallOut | Channel::Sms | Channel::Email | Channel::Visit);

    // F-BK and F-DEC bind everyone.
    if f.flags.bankruptcy {
        add("F-BK", Level::Block, "bankruptcy filed: the automatic stay bars collection".into(), None);
    }
    if f.flags.deceased {
        add("F-DEC", Level::Block, "debtor deceased: contact the estate's representative instead".into(), None);
    }
    if f.flags.cease_contact && f.channel != Channel::Letter {
        add("F-CEASE", by_law(fdcpa || ca_or_fl), "written cease-communication request on file".into(), None);
    }
    if f.flags.cease_contact && f.channel == Channel::Letter {
        add(
            "F-CEASE",
            Level::Warn,
            "cease request on file: only a termination or remedy notice may be sent".into(),
            None,
        );
    }
    if f.flags.attorney {
        add(
            "F-ATTY",
            by_law(fdcpa || ca),
            "represented by an attorney: contact the attorney, not the debtor".into(),
            None,
        );
    }
    if f.flags.do_not_call && matches!(f.channel, Channel::CallOut | Channel::Sms) {
        add("F-MEDIUM", by_law(fdcpa), "the debtor asked not to be called or texted".into(), None);
    }
    if f.flags.email_opt_out && f.channel == Channel::Email {
        add("F-EOPT", by_law(fdcpa), "the debtor opted out of email".into(), None);
    }
    if f.fully_disputed {
        add("F-DISP", by_law(fdcpa), "the whole balance is disputed and awaits verification".into(), None);
    } else if f.disputed.is_positive() {
        let cur = |m: super::money::Money| m.display(&f.currency);
        add(
            "F-DISP",
            Level::Warn,
            format!(
                "{} of {} is disputed: collect only the undisputed {} until it is resolved",
                cur(f.disputed),
                cur(f.exposure),
                cur((f.exposure - f.disputed).max(super::money::Money::ZERO))
            ),
            None,
        );
    }
    for (hold, ends) in &f.holds {
        let zone = f.zones.first().copied().unwrap_or(Tz::America__New_York);
        let lifts = ends
            .and_then(|e| e.succ_opt())
            .and_then(|d| d.and_time(f.window.opens).and_local_timezone(zone).earliest())
            .map(|t| t.with_timezone(&Utc));
        add("D-HOLD", Level::Block, format!("on hold: {hold}"), lifts);
    }
    if timed && f.channel != Channel::Letter {
        match window::check_window(f.at, &f.zones, &f.window) {
            WindowVerdict::Inside => {}
            WindowVerdict::ClosingSoon => {
                add("F-TIME", Level::Warn, "less than 15 minutes before 9 p.m. where the debtor may be".into(), None)
            }
            WindowVerdict::Outside { next_open } => add(
                "F-TIME",
                by_law(fdcpa || ca_or_fl),
                "outside 8 a.m.–9 p.m. where the debtor may be".into(),
                next_open,
            ),
        }
    }
    // F-TIME-3 and F-WORK: what the debtor designated as inconvenient.
    if timed {
        let zone = f.zones.first().copied().unwrap_or(Tz::America__New_York);
        let local = f.at.with_timezone(&zone);
        for r in &f.restrictions {
            match *r {
                Restriction::Time { from, to } if in_window(local.time(), from, to) => {
                    // A window across midnight that started this evening ends tomorrow.
                    let end_day = if from > to && local.time() >= from {
                        local.date_naive().succ_opt().unwrap_or(local.date_naive())
                    } else {
                        local.date_naive()
                    };
                    let end = end_day.and_time(to).and_local_timezone(zone).earliest().map(|t| t.with_timezone(&Utc));
                    add(
                        "F-TIME-3",
                        by_law(fdcpa || ca_or_fl),
                        format!("the debtor said {}–{} is inconvenient", from.format("%H:%M"), to.format("%H:%M")),
                        end,
                    );
                }
                Restriction::Weekday(day) if chrono::Datelike::weekday(&local) == day => {
                    let next = local
                        .date_naive()
                        .succ_opt()
                        .and_then(|d| d.and_time(f.window.opens).and_local_timezone(zone).earliest());
                    add(
                        "F-TIME-3",
                        by_law(fdcpa || ca_or_fl),
                        format!("the debtor said {day} is inconvenient"),
                        next.map(|t| t.with_timezone(&Utc)),
                    );
                }
                Restriction::Workplace if f.dialled_is_work && is_call => add(
                    "F-WORK",
                    by_law(fdcpa || ca),
                    "no contact at work: the debtor's employer forbids it or the debtor asked".into(),
                    None,
                ),
                _ => {}
            }
        }
    }
    if matches!(f.channel, Channel::CallOut | Channel::Sms) && !f.consent_today {
        let zone = f.zones.first().copied().unwrap_or(Tz::America__New_York);
        let today = f.at.with_timezone(&zone).date_naive();
        let start_of = |d: chrono::NaiveDate| {
            d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(zone).earliest()).map(|t| t.with_timezone(&Utc))
        };
        // Reg F's presumptions count telephone calls; Massachusetts counts calls and texts.
        if f.channel == Channel::CallOut
            && let Some(b) = frequency::seven_in_seven(&f.calls, today)
        {
            let from = start_of(b.allowed_on).map(|t| t.max(f.at));
            add(b.rule, by_law(fdcpa), b.message, from);
        }
        if state.as_deref() == Some("MA")
            && p.consumer()
            && let Some(b) = frequency::massachusetts(&f.calls, today)
        {
            let from = start_of(b.allowed_on);
            add(b.rule, Level::Block, b.message, from);
        }
    }
    // S-WA: collection agencies, 3 communications a week by any medium.
    if state.as_deref() == Some("WA") && p.role != Role::FirstParty && f.channel != Channel::CallIn && !f.consent_today
    {
        let zone = f.zones.first().copied().unwrap_or(Tz::America__Los_Angeles);
        let today = f.at.with_timezone(&zone).date_naive();
        if let Some(b) = frequency::washington(&f.calls, today) {
            let from = b
                .allowed_on
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(zone).earliest())
                .map(|t| t.with_timezone(&Utc));
            add(b.rule, Level::Block, b.message, from);
        }
    }

    // F-VAL: a third party's validation notice is due within 5 days of the first communication;
    // further demands wait for it. (Sending the notice itself is always allowed.)
    let validation_period_end = f.validation_notice.map(validation::period_end);
    if fdcpa
        && f.validation_notice.is_none()
        && f.channel != Channel::CallIn
        && let Some(initial) = f.initial_communication
    {
        let due = validation::notice_due(initial);
        let today_local = f.at.with_timezone(f.zones.first().unwrap_or(&Tz::America__New_York)).date_naive();
        if today_local > due {
            add(
                "F-VAL",
                if f.channel == Channel::Letter { Level::Warn } else { Level::Block },
                format!("the validation notice was due by {due} (5 days after the first communication); send it first"),
                None,
            );
        }
    }

    // F-TBD: collecting a time-barred debt is lawful; suing or threatening suit is not.
    let today = f.at.with_timezone(f.zones.first().unwrap_or(&Tz::America__New_York)).date_naive();
    let statute = f.oldest_due.map(|due| statute::statute(f.state.as_deref(), p.consumer(), due, today));
    if let Some(statute::Statute::Expired { expired_on, .. }) = &statute {
        add(
            "F-TBD",
            Level::Warn,
            format!("time-barred since {expired_on}: collect if you will, but never sue or threaten suit"),
            None,
        );
    }

    let level = out.iter().map(|x| x.level).max().unwrap_or(Level::Allow);
    let mut profile = p.describe();
    if !f.natural_person_known && p.purpose != Purpose::Consumer {
        profile.push_str(", natural person unknown (treated as one)");
    }
    Answer {
        level,
        findings: out,
        next_allowed: None,
        zones: f.zones.iter().map(|z| z.name().to_string()).collect(),
        zone_source: f.zone_source.clone(),
        profile,
        statute,
        validation_period_end,
        credit_reporting_from: furnish_from(f.first_conversation, f.first_written),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(at: &str) -> ContactFacts {
        ContactFacts {
            channel: Channel::CallOut,
            at: at.parse().unwrap(),
            profile: RuleProfile { purpose: Purpose::Unknown, role: Role::Unknown },
            state: Some("NY".into()),
            zones: vec![Tz::America__New_York],
            zone_source: "test".into(),
            flags: DebtorFlags::default(),
            fully_disputed: false,
            disputed: crate::domain::Money::ZERO,
            currency: "USD".into(),
            holds: vec![],
            calls: vec![],
            window: CallWindow::default(),
            oldest_due: None,
            natural_person: false,
            natural_person_known: true,
            exposure: crate::domain::Money::ZERO,
            restrictions: vec![],
            dialled_is_work: false,
            consent_today: false,
            nyc: false,
            initial_communication: None,
            validation_notice: None,
            first_conversation: None,
            first_written: None,
        }
    }

    #[test]
    fn a_call_at_noon_with_nothing_on_file_is_allowed() {
        assert_eq!(check_contact(&facts("2026-11-23T17:00:00Z")).level, Level::Allow);
    }

    #[test]
    fn a_partial_dispute_warns_to_collect_only_the_rest_and_a_whole_one_blocks() {
        let mut f = facts("2026-11-23T17:00:00Z");
        f.exposure = crate::domain::Money(75_000);
        f.disputed = crate::domain::Money(12_000);
        let a = check_contact(&f);
        assert_eq!((a.level, a.findings[0].rule), (Level::Warn, "F-DISP"));
        assert_eq!(
            a.findings[0].message,
            "$120.00 of $750.00 is disputed: collect only the undisputed $630.00 until it is resolved"
        );
        f.disputed = f.exposure;
        f.fully_disputed = true;
        assert_eq!(check_contact(&f).level, Level::Block, "nothing is left to collect");
    }

    #[test]
    fn too_early_is_blocked_with_the_time_it_opens() {
        let a = check_contact(&facts("2026-11-23T12:30:00Z")); // 07:30 EST
        assert_eq!(a.level, Level::Block);
        assert_eq!(a.findings[0].rule, "F-TIME");
        assert_eq!(a.next_allowed, Some("2026-11-23T13:00:00Z".parse().unwrap()));
    }

    #[test]
    fn first_party_commercial_turns_fdcpa_blocks_into_warnings_but_not_bankruptcy() {
        let mut f = facts("2026-11-23T12:30:00Z");
        f.profile = RuleProfile { purpose: Purpose::Commercial, role: Role::FirstParty };
        assert_eq!(check_contact(&f).level, Level::Warn);
        f.flags.bankruptcy = true;
        let a = check_contact(&f);
        assert_eq!(a.level, Level::Block);
        assert_eq!(a.next_allowed, None, "a bankruptcy block has no end date");
    }

    #[test]
    fn state_law_binds_creditors_too() {
        let mut f = facts("2026-11-23T15:30:00Z"); // 07:30 PST in California
        f.state = Some("CA".into());
        f.zones = vec![Tz::America__Los_Angeles];
        f.profile = RuleProfile { purpose: Purpose::Consumer, role: Role::FirstParty };
        assert_eq!(check_contact(&f).level, Level::Block, "CA 1788.17 makes the window law for creditors");
    }

    #[test]
    fn california_covers_a_sole_traders_commercial_debt_and_florida_spares_email() {
        let mut f = facts("2026-11-23T15:30:00Z"); // 07:30 in California
        f.state = Some("CA".into());
        f.zones = vec![Tz::America__Los_Angeles];
        f.profile = RuleProfile { purpose: Purpose::Commercial, role: Role::FirstParty };
        assert_eq!(check_contact(&f).level, Level::Warn, "an entity's trade debt: good practice only");
        f.natural_person = true;
        f.exposure = crate::domain::Money(1_000_000);
        assert_eq!(check_contact(&f).level, Level::Block, "SB 1286: a natural person's commercial debt");
        let mut f = facts("2026-11-23T12:30:00Z"); // 07:30 in Florida
        f.state = Some("FL".into());
        f.profile = RuleProfile { purpose: Purpose::Consumer, role: Role::FirstParty };
        assert_eq!(check_contact(&f).level, Level::Block);
        f.channel = Channel::Email;
        assert_eq!(check_contact(&f).level, Level::Warn, "FL excludes email from its window");
    }

    #[test]
    fn a_third_party_sends_the_validation_notice_before_further_demands() {
        let mut f = facts("2026-11-23T17:00:00Z");
        f.initial_communication = Some("2026-11-10".parse().unwrap());
        let a = check_contact(&f);
        assert_eq!((a.level, a.findings[0].rule), (Level::Block, "F-VAL"));
        f.channel = Channel::Letter;
        assert_eq!(check_contact(&f).level, Level::Warn, "the notice itself may go");
        f.channel = Channel::CallOut;
        f.validation_notice = Some("2026-11-12".parse().unwrap());
        let a = check_contact(&f);
        assert_eq!(a.level, Level::Allow);
        assert_eq!(a.validation_period_end, Some("2026-12-19".parse().unwrap()));
        f.profile = RuleProfile { purpose: Purpose::Commercial, role: Role::FirstParty };
        f.validation_notice = None;
        assert_eq!(check_contact(&f).level, Level::Allow, "a creditor's own commercial debt needs no notice");
    }

    #[test]
    fn credit_reporting_waits_for_a_conversation_or_14_days_after_a_letter() {
        let d = |s: &str| Some(s.parse::<chrono::NaiveDate>().unwrap());
        assert_eq!(furnish_from(None, None), None);
        assert_eq!(furnish_from(None, d("2026-11-01")), d("2026-11-15"));
        assert_eq!(furnish_from(d("2026-11-05"), d("2026-11-01")), d("2026-11-05"));
    }

    #[test]
    fn new_york_city_binds_creditors() {
        let mut f = facts("2026-11-23T12:30:00Z"); // 07:30
        f.profile = RuleProfile { purpose: Purpose::Consumer, role: Role::FirstParty };
        assert_eq!(check_contact(&f).level, Level::Warn, "upstate: good practice for a creditor");
        f.nyc = true;
        assert_eq!(check_contact(&f).level, Level::Block);
    }

    #[test]
    fn a_window_across_midnight_and_the_next_allowed_time_skips_later_blocks() {
        let mut f = facts("2026-11-24T01:30:00Z"); // Mon 20:30 in New York
        f.restrictions = vec![Restriction::parse("time", "20:00-08:30").unwrap()];
        let a = check_contact(&f);
        assert_eq!(a.findings[0].rule, "F-TIME-3");
        assert_eq!(a.next_allowed, Some("2026-11-24T13:30:00Z".parse().unwrap()), "Tue 08:30");
        f.at = "2026-11-24T13:00:00Z".parse().unwrap(); // Tue 08:00, still inside
        assert_eq!(check_contact(&f).level, Level::Block);
        // Sunday is off-limits too: Saturday 21:30's block lifts on Monday, not Sunday.
        let mut f = facts("2026-11-29T02:30:00Z"); // Sat 21:30 in New York
        f.restrictions = vec![Restriction::Weekday(chrono::Weekday::Sun)];
        assert_eq!(check_contact(&f).next_allowed, Some("2026-11-30T13:00:00Z".parse().unwrap()));
    }

    #[test]
    fn massachusetts_counts_texts_and_not_visits() {
        let mut f = facts("2026-11-23T17:00:00Z");
        f.state = Some("MA".into());
        let sms = |d: &str| PastCall {
            local_date: d.parse().unwrap(),
            counts: false,
            conversation: false,
            ma_counts: true,
            communication: true,
        };
        f.calls = vec![sms("2026-11-20"), sms("2026-11-21")];
        f.channel = Channel::Sms;
        assert_eq!(check_contact(&f).findings[0].rule, "S-MA");
        f.channel = Channel::Visit;
        assert!(check_contact(&f).findings.iter().all(|x| x.rule != "S-MA"));
    }

    #[test]
    fn designated_times_days_and_workplace() {
        let mut f = facts("2026-11-23T17:30:00Z"); // Monday 12:30 in New York
        f.restrictions = vec![Restriction::parse("time", "12:00-13:30").unwrap()];
        let a = check_contact(&f);
        assert_eq!((a.level, a.findings[0].rule), (Level::Block, "F-TIME-3"));
        assert_eq!(a.next_allowed, Some("2026-11-23T18:30:00Z".parse().unwrap()));
        f.restrictions = vec![Restriction::parse("weekday", "mon").unwrap()];
        assert_eq!(check_contact(&f).next_allowed, Some("2026-11-24T13:00:00Z".parse().unwrap()));
        f.restrictions = vec![Restriction::Workplace];
        assert_eq!(check_contact(&f).level, Level::Allow, "a home number is fine");
        f.dialled_is_work = true;
        assert_eq!(check_contact(&f).findings[0].rule, "F-WORK");
    }

    /// A placed call on `date` that reached the debtor and talked about the debt.
    fn conversation_on(date: &str) -> PastCall {
        PastCall {
            local_date: date.parse().unwrap(),
            counts: true,
            conversation: true,
            ma_counts: true,
            communication: true,
        }
    }

    /// F-FREQ T6: a call-back the debtor asked for is excluded from the frequency rules.
    #[test]
    fn a_requested_call_back_is_excluded() {
        let mut f = facts("2026-11-23T17:00:00Z");
        f.calls = vec![conversation_on("2026-11-20")];
        assert_eq!(check_contact(&f).level, Level::Block);
        f.consent_today = true;
        assert_eq!(check_contact(&f).level, Level::Allow);
    }

    #[test]
    fn the_quiet_days_after_a_conversation_end_on_a_date() {
        let mut f = facts("2026-11-23T17:00:00Z");
        f.calls = vec![conversation_on("2026-11-20")];
        let a = check_contact(&f);
        assert_eq!(a.findings[0].rule, "F-FREQ-B");
        // 2026-11-27 00:00 EST, then the window: 08:00 EST = 13:00 UTC.
        assert_eq!(a.next_allowed, Some("2026-11-27T13:00:00Z".parse().unwrap()));
    }
}
