-- dun schema v2: undo. An undone note, contact attempt or legal case stays in its table (and
-- its events stay in the log); `undone_at` hides it from the account. Redo clears it again.
-- The compliance guard still counts an undone attempt (see src/desk/undo.rs).

ALTER TABLE note ADD COLUMN undone_at TEXT;
ALTER TABLE attempt ADD COLUMN undone_at TEXT;
ALTER TABLE legal_case ADD COLUMN undone_at TEXT;
