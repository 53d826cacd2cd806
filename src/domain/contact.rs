//! Channels, outcome codes (D-OUTCOME) and contact points.
//! Each outcome carries the Reg F flags the compliance rules count with.

use serde::{Deserialize, Serialize};

/// How a contact attempt was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    CallOut,
    CallIn,
    Email,
    Letter,
    Sms,
    Visit,
}

impl Channel {
    pub const ALL: [Channel; 6] =
        [Channel::CallOut, Channel::CallIn, Channel::Email, Channel::Letter, Channel::Sms, Channel::Visit];

    pub fn code(self) -> &'static str {
        match self {
            Channel::CallOut => "call-out",
            Channel::CallIn => "call-in",
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Sms => "sms",
            Channel::Visit => "visit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::CallOut => "Call (outbound)",
            Channel::CallIn => "Call (inbound)",
            Channel::Email => "Email",
            Channel::Letter => "Letter",
            Channel::Sms => "Text message",
            Channel::Visit => "Visit",
        }
    }

    pub fn parse(code: &str) -> Option<Channel> {
        let code = code.trim().to_ascii_lowercase();
        let alias = match code.as_str() {
            "call" | "phone" | "out" => "call-out",
            "inbound" | "in" => "call-in",
            "text" => "sms",
            other => other,
        };
        Channel::ALL.into_iter().find(|c| c.code() == alias)
    }

    pub fn is_call(self) -> bool {
        matches!(self, Channel::CallOut | Channel::CallIn)
    }
}

/// Outcome class as collection systems report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeClass {
    Attempt,
    Fail,
    WrongParty,
    ThirdParty,
    RightParty,
    Inbound,
    Status,
}

/// One row of the canonical outcome table (domain-rules D-OUTCOME).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub code: &'static str,
    pub label: &'static str,
    pub class: OutcomeClass,
    /// Counts as a placed call (7-in-7 prong A).
    pub placed_call: bool,
    /// Counts as connected for 7-in-7.
    pub connected: bool,
    /// A telephone conversation: starts the 7-day quiet period (prong B).
    pub conversation: bool,
    /// Right-party contact.
    pub right_party: bool,
}

const fn o(code: &'static str, label: &'static str, class: OutcomeClass, flags: [bool; 4]) -> Outcome {
    Outcome {
        code,
        label,
        class,
        placed_call: flags[0],
        connected: flags[1],
        conversation: flags[2],
        right_party: flags[3],
    }
}

use OutcomeClass as C;

/// Every outcome a collector can record, in the order forms offer them.
pub const OUTCOMES: &[Outcome] = &[
    o("NA", "No answer", C::Attempt, [true, true, false, false]),
    o("VM", "Voicemail, no message left", C::Attempt, [true, true, false, false]),
    o("LM", "Left limited-content message", C::Attempt, [true, true, false, false]),
    o("BZ", "Busy signal", C::Attempt, [true, false, false, false]),
    o("DC", "Disconnected / not in service", C::Fail, [true, false, false, false]),
    o("WN", "Wrong number", C::WrongParty, [true, true, false, false]),
    o("TP", "Third party reached", C::ThirdParty, [true, true, false, false]),
    o("RPC", "Right party, talked about the debt", C::RightParty, [true, true, true, true]),
    o("RPC-NC", "Right party, refused to talk", C::RightParty, [true, true, true, true]),
    o("PTP", "Promise to pay", C::RightParty, [true, true, true, true]),
    o("PLAN", "Payment plan agreed", C::RightParty, [true, true, true, true]),
    o("RTP", "Refuses to pay", C::RightParty, [true, true, true, true]),
    o("DISP", "Dispute raised", C::RightParty, [true, true, true, true]),
    o("CB", "Call back requested", C::RightParty, [true, true, true, true]),
    o("INC", "Time, place or medium inconvenient", C::RightParty, [true, true, true, true]),
    o("ATTY", "Represented by an attorney", C::RightParty, [true, true, true, false]),
    o("BK", "Bankruptcy filed", C::Status, [false, false, false, false]),
    o("DEC", "Debtor deceased", C::Status, [false, false, false, false]),
    o("CND", "Cease contact requested", C::Status, [false, false, false, false]),
    o("IN-RPC", "Inbound call, conversation", C::Inbound, [false, false, true, true]),
    o("SENT", "Sent (letter, email, text)", C::Attempt, [false, false, false, false]),
    o("VN", "Validation notice sent", C::Attempt, [false, false, false, false]),
];

pub fn outcome(code: &str) -> Option<&'static Outcome> {
    let code = code.trim();
    OUTCOMES.iter().find(|o| o.code.eq_ignore_ascii_case(code))
}

pub fn outcome_codes() -> impl Iterator<Item = &'static str> {
    OUTCOMES.iter().map(|o| o.code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContactKind {
    Phone,
    Email,
    Address,
}

impl ContactKind {
    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Phone => "phone",
            ContactKind::Email => "email",
            ContactKind::Address => "address",
        }
    }
    pub fn parse(s: &str) -> Option<ContactKind> {
        [ContactKind::Phone, ContactKind::Email, ContactKind::Address].into_iter().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContactStatus {
    Good,
    Bad,
    Unverified,
    DoNotUse,
}

impl ContactStatus {
    pub fn code(self) -> &'static str {
        match self {
            ContactStatus::Good => "good",
            ContactStatus::Bad => "bad",
            ContactStatus::Unverified => "unverified",
            ContactStatus::DoNotUse => "do-not-use",
        }
    }
    pub fn parse(s: &str) -> Option<ContactStatus> {
        [ContactStatus::Good, ContactStatus::Bad, ContactStatus::Unverified, ContactStatus::DoNotUse]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

/// Whether `outcome` can be the result of a contact by `channel`: a voicemail cannot
/// come from a letter, nor a "sent" from a phone call.
pub fn outcome_fits_channel(outcome: &Outcome, channel: Channel) -> bool {
    let phone_only = matches!(outcome.code, "NA" | "VM" | "LM" | "BZ" | "DC");
    match channel {
        Channel::CallOut => !matches!(outcome.code, "SENT" | "VN" | "IN-RPC"),
        Channel::CallIn => !phone_only && !matches!(outcome.code, "SENT" | "VN"),
        Channel::Visit => !phone_only && !matches!(outcome.code, "SENT" | "VN" | "IN-RPC"),
        Channel::Email | Channel::Letter | Channel::Sms => !phone_only && outcome.code != "IN-RPC",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_are_unique_and_found_case_insensitively() {
        let mut codes: Vec<_> = outcome_codes().collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), OUTCOMES.len());
        assert_eq!(outcome("ptp").unwrap().code, "PTP");
        assert!(outcome("XYZ").is_none());
    }

    #[test]
    fn busy_and_disconnected_are_not_connected_but_are_placed() {
        for code in ["BZ", "DC"] {
            let o = outcome(code).unwrap();
            assert!(o.placed_call && !o.connected, "{code}");
        }
        let inbound = outcome("IN-RPC").unwrap();
        assert!(!inbound.placed_call && inbound.conversation);
    }

    #[test]
    fn channel_aliases() {
        assert_eq!(Channel::parse("call"), Some(Channel::CallOut));
        assert_eq!(Channel::parse("EMAIL"), Some(Channel::Email));
        assert_eq!(Channel::parse("fax"), None);
    }
}
