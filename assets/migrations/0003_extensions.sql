-- dun schema v3: due-date extensions. An extension moves an invoice's due date (the
-- invoice row carries the new date, so aging and the worklist follow it) and keeps here
-- the date it had, the reason and when; the event log has the same before and after.

CREATE TABLE extension (
    id           INTEGER PRIMARY KEY,
    debtor_id    INTEGER NOT NULL REFERENCES debtor(id),
    invoice_id   INTEGER NOT NULL REFERENCES invoice(id),
    from_due_on  TEXT NOT NULL,
    to_due_on    TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX extension_debtor ON extension(debtor_id);
