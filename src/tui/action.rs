//! Every intent the desk understands, by name. Keys map to these; help, hints and
//! (later) the command palette list them with their descriptions.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Open,
    Filter,
    NextTab,
    PrevTab,
    LogAttempt,
    RecordPayment,
    AddNote,
    Promise,
    FollowUp,
    Dispute,
    Hold,
    Why,
    LoadDemo,
    Import,
    TogglePrivacy,
    Refresh,
}

impl Action {
    pub const ALL: [Action; 27] = [
        Action::Quit,
        Action::Back,
        Action::Help,
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::HalfPageUp,
        Action::HalfPageDown,
        Action::Open,
        Action::Filter,
        Action::NextTab,
        Action::PrevTab,
        Action::LogAttempt,
        Action::RecordPayment,
        Action::AddNote,
        Action::Promise,
        Action::FollowUp,
        Action::Dispute,
        Action::Hold,
        Action::Why,
        Action::LoadDemo,
        Action::Import,
        Action::TogglePrivacy,
        Action::Refresh,
    ];

    /// The kebab-case name used in config and the palette.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Back => "back",
            Action::Help => "help",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::HalfPageUp => "half-page-up",
            Action::HalfPageDown => "half-page-down",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::NextTab => "next-tab",
            Action::PrevTab => "prev-tab",
            Action::LogAttempt => "log-attempt",
            Action::RecordPayment => "record-payment",
            Action::AddNote => "add-note",
            Action::Promise => "promise",
            Action::FollowUp => "follow-up",
            Action::Dispute => "dispute",
            Action::Hold => "hold",
            Action::Why => "why",
            Action::LoadDemo => "load-demo",
            Action::Import => "import",
            Action::TogglePrivacy => "toggle-privacy",
            Action::Refresh => "refresh",
        }
    }

    /// What it does, in the collector's words.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "Quit dun",
            Action::Back => "Back / cancel",
            Action::Help => "Help for this screen",
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::Top => "First row",
            Action::Bottom => "Last row",
            Action::PageUp => "Page up",
            Action::PageDown => "Page down",
            Action::HalfPageUp => "Half a page up",
            Action::HalfPageDown => "Half a page down",
            Action::Open => "Open the account",
            Action::Filter => "Filter: name, invoice no.",
            Action::NextTab => "Next tab",
            Action::PrevTab => "Previous tab",
            Action::LogAttempt => "Log a contact attempt",
            Action::RecordPayment => "Record a payment",
            Action::AddNote => "Add a note",
            Action::Promise => "Record a promise to pay",
            Action::FollowUp => "Schedule a follow-up",
            Action::Dispute => "Open a dispute",
            Action::Hold => "Put the account on hold",
            Action::Why => "Why it ranks here",
            Action::LoadDemo => "Load the demo book",
            Action::Import => "Import an A/R export",
            Action::TogglePrivacy => "Privacy mask on/off",
            Action::Refresh => "Reload from the database",
        }
    }

    /// Short label for the hint bar.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Back => "back",
            Action::Help => "help",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::NextTab => "tab",
            Action::LogAttempt => "log contact",
            Action::RecordPayment => "payment",
            Action::AddNote => "note",
            Action::LoadDemo => "demo book",
            Action::Import => "import",
            _ => self.name(),
        }
    }
}
