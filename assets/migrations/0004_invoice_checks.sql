-- dun schema v4: the invoice table's enumerations are checked as `kind = 'a' OR kind = 'b' …`
-- instead of `kind IN ('a', 'b', …)`. Same rule, same rows; but SQLite evaluates an IN list
-- of three or more values by building a small temporary b-tree for every row it checks,
-- which was a fifth of the time of a million-row import (BENCHMARKS.md, "Import"). And an
-- index no query used is gone (below).
-- SQLite changes a CHECK by rebuilding the table (sqlite.org/lang_altertable.html, "other
-- kinds of table schema changes"); the store runs migrations with foreign keys off and
-- checks them after this step.

CREATE TABLE invoice_v4 (
    id             INTEGER PRIMARY KEY,
    debtor_id      INTEGER NOT NULL REFERENCES debtor(id),
    number         TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'invoice'
                   CHECK (kind = 'invoice' OR kind = 'credit-memo' OR kind = 'unapplied-payment'),
    -- The sub-customer or job of a `Parent:Child` ledger name.
    job            TEXT,
    issued_on      TEXT,
    due_on         TEXT NOT NULL,
    original_cents INTEGER NOT NULL,
    balance_cents  INTEGER NOT NULL,
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status = 'open' OR status = 'paid' OR status = 'closed' OR status = 'void'),
    last_import_id INTEGER REFERENCES import_batch(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (debtor_id, kind, number)
) STRICT;

INSERT INTO invoice_v4 (id, debtor_id, number, kind, job, issued_on, due_on, original_cents, balance_cents,
                        currency, status, last_import_id, created_at, updated_at)
SELECT id, debtor_id, number, kind, job, issued_on, due_on, original_cents, balance_cents,
       currency, status, last_import_id, created_at, updated_at
FROM invoice;

DROP TABLE invoice;
ALTER TABLE invoice_v4 RENAME TO invoice;

-- Covering for the worklist's aggregate: it never touches the table.
CREATE INDEX invoice_open ON invoice(debtor_id, due_on, balance_cents) WHERE status = 'open';
-- v1's invoice_number(number) is not made again: no query used it (an invoice is found by
-- its debtor through the UNIQUE key, and the search scans that key, which holds the number),
-- and every import paid to build it.
