-- dun schema v1. Money is INTEGER minor units; dates are 'YYYY-MM-DD' text;
-- instants are UTC RFC 3339 text. Enumerations are checked text.

CREATE TABLE import_batch (
    id              INTEGER PRIMARY KEY,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    profile         TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    rows_imported   INTEGER NOT NULL DEFAULT 0,
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    -- The newest date in the file: a later export of the same format should not be older.
    newest_date     TEXT,
    status          TEXT NOT NULL CHECK (status IN ('committed', 'rejected', 'dry-run'))
) STRICT;

CREATE TABLE import_issue (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batch(id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    column_name TEXT,
    reason      TEXT NOT NULL,
    raw         TEXT
) STRICT;

CREATE TABLE debtor (
    id            INTEGER PRIMARY KEY,
    external_ref  TEXT UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('person', 'business')),
    region        TEXT,
    postal_code   TEXT,
    time_zone     TEXT,
    currency      TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    cease_contact INTEGER NOT NULL DEFAULT 0 CHECK (cease_contact IN (0, 1)),
    attorney      INTEGER NOT NULL DEFAULT 0 CHECK (attorney IN (0, 1)),
    bankruptcy    INTEGER NOT NULL DEFAULT 0 CHECK (bankruptcy IN (0, 1)),
    deceased      INTEGER NOT NULL DEFAULT 0 CHECK (deceased IN (0, 1)),
    do_not_call   INTEGER NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    email_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (email_opt_out IN (0, 1)),
    -- The rule profile (D-PROFILE-1); NULL = unknown, and the strictest rules apply.
    debt_purpose  TEXT CHECK (debt_purpose IN ('consumer', 'commercial')),
    collector_role TEXT CHECK (collector_role IN ('third-party', 'first-party')),
    -- A natural person owes or guarantees the debt; NULL = as the debtor's kind says.
    natural_person INTEGER CHECK (natural_person IN (0, 1)),
    -- Latest attempt's instant, kept by every attempt insert (store::insert_attempt).
    last_contact_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX debtor_name ON debtor(name COLLATE NOCASE);

CREATE TABLE hold (
    id          INTEGER PRIMARY KEY,
    debtor_id   INTEGER NOT NULL REFERENCES debtor(id),
    invoice_id  INTEGER REFERENCES invoice(id),
    reason      TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    released_at TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX hold_debtor ON hold(debtor_id);

CREATE TABLE contact_point (
    id          INTEGER PRIMARY KEY,
    debtor_id   INTEGER NOT NULL REFERENCES debtor(id),
    kind        TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'address')),
    label       TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ('good', 'bad', 'unverified', 'do-not-use')),
    source      TEXT NOT NULL DEFAULT 'manual',
    verified_on TEXT,
    is_work     INTEGER NOT NULL DEFAULT 0 CHECK (is_work IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX contact_point_debtor ON contact_point(debtor_id);

CREATE TABLE invoice (
    id             INTEGER PRIMARY KEY,
    debtor_id      INTEGER NOT NULL REFERENCES debtor(id),
    number         TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'invoice' CHECK (kind IN ('invoice', 'credit-memo', 'unapplied-payment')),
    -- The sub-customer or job of a `Parent:Child` ledger name.
    job            TEXT,
    issued_on      TEXT,
    due_on         TEXT NOT NULL,
    original_cents INTEGER NOT NULL,
    balance_cents  INTEGER NOT NULL,
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'closed', 'void')),
    last_import_id INTEGER REFERENCES import_batch(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (debtor_id, kind, number)
) STRICT;
-- Covering for the worklist's aggregate: it never touches the table.
CREATE INDEX invoice_open ON invoice(debtor_id, due_on, balance_cents) WHERE status = 'open';
CREATE INDEX invoice_number ON invoice(number);

CREATE TABLE attempt (
    id               INTEGER PRIMARY KEY,
    debtor_id        INTEGER NOT NULL REFERENCES debtor(id),
    at               TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('call-out', 'call-in', 'email', 'letter', 'sms', 'visit')),
    contact_point_id INTEGER REFERENCES contact_point(id),
    outcome          TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    follow_up_on     TEXT,
    override_reason  TEXT,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX attempt_debtor ON attempt(debtor_id, at);

CREATE TABLE promise (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtor(id),
    attempt_id   INTEGER REFERENCES attempt(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    promised_on  TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'kept', 'partly-kept', 'broken', 'cancelled')),
    paid_cents   INTEGER NOT NULL DEFAULT 0,
    resolved_on  TEXT,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX promise_debtor ON promise(debtor_id, due_on);

CREATE TABLE plan (
    id                 INTEGER PRIMARY KEY,
    debtor_id          INTEGER NOT NULL REFERENCES debtor(id),
    total_cents        INTEGER NOT NULL CHECK (total_cents > 0),
    down_payment_cents INTEGER NOT NULL DEFAULT 0,
    currency           TEXT NOT NULL CHECK (length(currency) = 3),
    frequency          TEXT NOT NULL CHECK (frequency IN ('weekly', 'biweekly', 'semimonthly', 'monthly')),
    first_due_on       TEXT NOT NULL,
    grace_days         INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'broken', 'replaced', 'cancelled')),
    replaces_plan_id   INTEGER REFERENCES plan(id),
    created_at         TEXT NOT NULL
) STRICT;
CREATE INDEX plan_debtor ON plan(debtor_id);

CREATE TABLE installment (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan(id),
    seq          INTEGER NOT NULL,
    due_on       TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_cents   INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'late', 'missed')),
    UNIQUE (plan_id, seq)
) STRICT;

CREATE TABLE payment (
    id                  INTEGER PRIMARY KEY,
    debtor_id           INTEGER NOT NULL REFERENCES debtor(id),
    kind                TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'settlement', 'credit', 'write-off', 'reversal', 'ledger')),
    amount_cents        INTEGER NOT NULL,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    received_on         TEXT NOT NULL,
    method              TEXT NOT NULL DEFAULT '',
    reference           TEXT NOT NULL DEFAULT '',
    note                TEXT NOT NULL DEFAULT '',
    reverses_payment_id INTEGER REFERENCES payment(id),
    import_id           INTEGER REFERENCES import_batch(id),
    created_at          TEXT NOT NULL
) STRICT;
CREATE INDEX payment_debtor ON payment(debtor_id, received_on);

CREATE TABLE allocation (
    id           INTEGER PRIMARY KEY,
    payment_id   INTEGER NOT NULL REFERENCES payment(id),
    invoice_id   INTEGER NOT NULL REFERENCES invoice(id),
    amount_cents INTEGER NOT NULL
) STRICT;
CREATE INDEX allocation_payment ON allocation(payment_id);
CREATE INDEX allocation_invoice ON allocation(invoice_id);

CREATE TABLE dispute (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtor(id),
    invoice_id   INTEGER REFERENCES invoice(id),
    amount_cents INTEGER,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'rejected', 'withdrawn')),
    opened_on    TEXT NOT NULL,
    resolved_on  TEXT,
    resolution   TEXT,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX dispute_debtor ON dispute(debtor_id);

CREATE TABLE legal_case (
    id              INTEGER PRIMARY KEY,
    debtor_id       INTEGER NOT NULL REFERENCES debtor(id),
    referred_on     TEXT NOT NULL,
    attorney        TEXT NOT NULL DEFAULT '',
    court           TEXT NOT NULL DEFAULT '',
    case_number     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'referred' CHECK (status IN ('referred', 'filed', 'judgment', 'closed')),
    costs_cents     INTEGER NOT NULL DEFAULT 0,
    judgment_cents  INTEGER,
    next_court_on   TEXT,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX legal_case_debtor ON legal_case(debtor_id);

CREATE TABLE note (
    id         INTEGER PRIMARY KEY,
    debtor_id  INTEGER NOT NULL REFERENCES debtor(id),
    at         TEXT NOT NULL,
    body       TEXT NOT NULL CHECK (length(body) > 0)
) STRICT;
CREATE INDEX note_debtor ON note(debtor_id, at);

-- Times, days and places the debtor said are inconvenient (F-TIME-3, F-WORK).
CREATE TABLE contact_restriction (
    id          INTEGER PRIMARY KEY,
    debtor_id   INTEGER NOT NULL REFERENCES debtor(id),
    kind        TEXT NOT NULL CHECK (kind IN ('time', 'weekday', 'workplace')),
    value       TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL CHECK (source IN ('consumer-oral', 'consumer-written', 'creditor-file')),
    captured_at TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE INDEX contact_restriction_debtor ON contact_restriction(debtor_id);

CREATE TABLE follow_up (
    id          INTEGER PRIMARY KEY,
    debtor_id   INTEGER NOT NULL REFERENCES debtor(id),
    due_on      TEXT NOT NULL,
    what        TEXT NOT NULL DEFAULT '',
    attempt_id  INTEGER REFERENCES attempt(id),
    done_at     TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX follow_up_open ON follow_up(debtor_id, due_on) WHERE done_at IS NULL;

-- Append-only: every change, with the hash of the event before it (tamper-evident chain).
CREATE TABLE event (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    debtor_id  INTEGER REFERENCES debtor(id),
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    before     TEXT,
    after      TEXT,
    undone_by  INTEGER REFERENCES event(id),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
CREATE INDEX event_debtor ON event(debtor_id);

CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
