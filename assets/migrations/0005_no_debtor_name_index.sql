-- dun schema v5: the index of debtors by name is gone. One lookup used it: a command given
-- an account as a name (`dun show "Acme Ltd"`), once the account is neither a reference nor
-- an id. Without it that lookup reads the debtor table, about 10 ms for 100,000 debtors.
-- With it, every import paid to keep it: a large first import built it again at its end,
-- 90-110 ms of a 1.8 s import of a million rows (BENCHMARKS.md, "Session of 2026-11-23, from 22:00").
-- Imports match names in memory, and the search scans names for any part of them, which no
-- index serves.
DROP INDEX IF EXISTS debtor_name;
