#!/usr/bin/env bash
# benches/run.sh — the import, re-import, aging and memory budgets (BENCHMARKS.md lists them), measured
# on a 100k-debtor demo book (about 1M invoices). BENCHMARKS.md records what it printed.
#
#   benches/run.sh              # 3 paired runs of each comparison
#   RUNS=5 benches/run.sh
#   DUN_BENCH_DEBTORS=10000 benches/run.sh   # a smaller book
#
# Needs: cargo, bash, GNU time at /usr/bin/time (peak RSS; `apt-get install time`), python3
# (the desk's memory, read in a pseudo-terminal), and sqlite3 for the `.import` baseline
# (`apt-get install sqlite3`; without it that line is skipped).
# The book and the export are kept in target/bench-run/ and reused; delete it to remake them.
# The desk's first frame, a keystroke and the search are `cargo bench --bench desk`.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
DEBTORS=${DUN_BENCH_DEBTORS:-100000}
TODAY=2026-11-22
WORK=target/bench-run
BOOK=$WORK/demo-$DEBTORS.db
CSV=$WORK/open-items-$DEBTORS.csv
mkdir -p "$WORK"
export DUN_TODAY=$TODAY NO_COLOR=1

if [ ! -x /usr/bin/time ]; then
  echo "benches/run.sh needs GNU time at /usr/bin/time for peak memory (apt-get install time)" >&2
  exit 1
fi
echo "== building (release)"
cargo build --release --quiet --bin dun --example bench_data
DUN=target/release/dun
DATA=target/release/examples/bench_data

ms() { echo "${EPOCHREALTIME/./}"; }   # microseconds since the epoch
# timed OUTFILE CMD...: run CMD (stdout and stderr to OUTFILE); print "wall_ms max_rss_kib"
timed() {
  local out=$1; shift
  local t0 t1
  t0=$(ms)
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$out" 2>&1
  t1=$(ms)
  echo "$(( (t1 - t0) / 1000 )) $(tail -1 "$WORK/rss")"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
fresh() { rm -rf "$1" "$1-wal" "$1-shm" "$1-journal" "$(dirname "$1")/backups"; }

echo "== the book: dun demo --debtors $DEBTORS"
if [ ! -f "$BOOK" ]; then
  read -r wall _ < <(timed "$WORK/demo.log" "$DUN" --db "$BOOK" demo --debtors "$DEBTORS")
  echo "demo book written in $wall ms"
fi
"$DUN" --db "$BOOK" check | head -2

echo "== the export: every invoice of the book as an eu-open-items CSV"
if [ ! -f "$CSV" ]; then "$DATA" export "$BOOK" "$CSV" >/dev/null; fi
ROWS=$(( $(wc -l <"$CSV") - 1 ))
echo "$CSV: $ROWS rows, $(( $(stat -c %s "$CSV") / 1000000 )) MB"

echo "== import into an empty book vs sqlite3 .import into one bare table (paired, $RUNS runs)"
HAVE_SQLITE3=1
if ! command -v sqlite3 >/dev/null; then
  HAVE_SQLITE3=0
  echo "sqlite3 is not installed: the .import baseline is skipped (apt-get install sqlite3)"
fi
mkdir -p "$WORK/import" "$WORK/sqlite"
IMPORT_DB=$WORK/import/book.db
: >"$WORK/import.ms"; : >"$WORK/sqlite.ms"; : >"$WORK/ratio"; : >"$WORK/import.rss"
for i in $(seq "$RUNS"); do
  fresh "$IMPORT_DB"
  read -r a rss < <(timed "$WORK/import.log" "$DUN" --db "$IMPORT_DB" import "$CSV")
  echo "$a" >>"$WORK/import.ms"; echo "$rss" >>"$WORK/import.rss"
  if [ $HAVE_SQLITE3 = 1 ]; then
    fresh "$WORK/sqlite/x.db"
    read -r b _ < <(timed "$WORK/sqlite.log" sqlite3 "$WORK/sqlite/x.db" '.mode csv' '.separator ;' ".import $CSV ledger")
    echo "$b" >>"$WORK/sqlite.ms"; ratio "$a" "$b" >>"$WORK/ratio"; echo >>"$WORK/ratio"
    echo "  run $i: dun import $a ms, sqlite3 .import $b ms"
  else
    echo "  run $i: dun import $a ms"
  fi
done
grep -E 'rows|invoices|rejected|imported' "$WORK/import.log" | head -8 | sed 's/^/  | /'
IMPORT_MS=$(median <"$WORK/import.ms")
echo "dun import: median $IMPORT_MS ms, peak RSS $(median <"$WORK/import.rss") KiB"
if [ $HAVE_SQLITE3 = 1 ]; then
  echo "sqlite3 .import: median $(median <"$WORK/sqlite.ms") ms"
  echo "ratio dun / sqlite3 (median of paired ratios): $(median <"$WORK/ratio")   budget < 0.8"
fi

if [ $HAVE_SQLITE3 = 1 ]; then
  # What SQLite alone costs to write these rows where dun writes them: sqlite3 itself moves
  # the rows, already converted as dun's reader converts them (ISO dates, cents, a debtor
  # number per customer, in the order of the UNIQUE key, as dun writes them), into an empty
  # book: dun's schema, WAL, the same 64 MiB cache, foreign keys off, the secondary index
  # dropped and built after, as dun's import does.
  # No parsing, no validation, no reconciling: dun's import cannot go below this floor.
  echo "== the SQL floor: sqlite3 writes the same rows, converted, into dun's tables ($RUNS runs)"
  iso() { echo "substr(\"$1\", 7, 4) || '-' || substr(\"$1\", 4, 2) || '-' || substr(\"$1\", 1, 2)"; }
  cents() { echo "CAST(replace(replace(\"$1\", '.', ''), ',', '') AS INTEGER)"; }
  sqlite3 "$WORK/sqlite/x.db" "DROP TABLE IF EXISTS prep" \
    "CREATE TABLE prep AS SELECT dense_rank() OVER (ORDER BY \"Kundennummer\") AS debtor,
       \"Kundennummer\" AS ref, \"Kunde\" AS name, \"Rechnungsnummer\" AS number,
       $(iso Rechnungsdatum) AS issued, $(iso 'Fällig am') AS due,
       $(cents Betrag) AS original, $(cents Offen) AS balance FROM ledger ORDER BY 1, 4"
  FLOOR_DB=$WORK/floor/book.db
  mkdir -p "$WORK/floor"
  : >"$WORK/floor.ms"
  for i in $(seq "$RUNS"); do
    fresh "$FLOOR_DB"
    "$DUN" --db "$FLOOR_DB" check >/dev/null
    read -r f _ < <(timed "$WORK/floor.log" sqlite3 "$FLOOR_DB" \
      "PRAGMA cache_size=-65536" "PRAGMA foreign_keys=OFF" "PRAGMA temp_store=MEMORY" \
      "ATTACH '$WORK/sqlite/x.db' AS src" "BEGIN" \
      "DROP INDEX invoice_open" \
      "INSERT INTO debtor (id, external_ref, name, kind, currency, created_at, updated_at)
         SELECT debtor, ref, min(name), 'business', 'EUR', '${TODAY}T18:00:00Z', '${TODAY}T18:00:00Z'
         FROM src.prep GROUP BY debtor" \
      "INSERT INTO invoice (debtor_id, number, kind, issued_on, due_on, original_cents, balance_cents, currency,
                            status, last_import_id, created_at, updated_at)
         SELECT debtor, number, 'invoice', issued, due, original, balance, 'EUR',
                CASE WHEN balance = 0 THEN 'paid' ELSE 'open' END, NULL, '${TODAY}T18:00:00Z', '${TODAY}T18:00:00Z'
         FROM src.prep" \
      "CREATE INDEX invoice_open ON invoice(debtor_id, due_on, balance_cents) WHERE status = 'open'" \
      "COMMIT")
    echo "$f" >>"$WORK/floor.ms"
    echo "  run $i: $f ms"
  done
  "$DUN" --db "$FLOOR_DB" check | head -1 | sed 's/^/  | /'
  FLOOR_MS=$(median <"$WORK/floor.ms")
  echo "SQL floor: median $FLOOR_MS ms = $(ratio "$FLOOR_MS" "$(median <"$WORK/sqlite.ms")") of sqlite3 .import;" \
    "dun's import is $(ratio "$IMPORT_MS" "$FLOOR_MS") of the floor"
fi

# Paired: each re-import follows an import of the same file into an empty book, and the
# ratio is the median of the per-pair ratios (the machine's drift between the sections
# above and this one does not enter it).
echo "== re-import of the unchanged file, each paired with an import into an empty book ($RUNS runs)"
: >"$WORK/reimport.ms"; : >"$WORK/reimport.ratio"
PAIR_DB=$WORK/pair/book.db
mkdir -p "$WORK/pair"
for i in $(seq "$RUNS"); do
  fresh "$PAIR_DB"
  read -r b _ < <(timed "$WORK/pair.log" "$DUN" --db "$PAIR_DB" import "$CSV")
  read -r a rss < <(timed "$WORK/reimport.log" "$DUN" --db "$IMPORT_DB" import "$CSV")
  echo "$a" >>"$WORK/reimport.ms"; ratio "$a" "$b" >>"$WORK/reimport.ratio"; echo >>"$WORK/reimport.ratio"
  echo "  run $i: import $b ms, re-import $a ms, peak RSS $rss KiB"
done
grep -iE 'nothing|unchanged' "$WORK/reimport.log" | head -3 | sed 's/^/  | /'
REIMPORT_MS=$(median <"$WORK/reimport.ms")
echo "re-import: median $REIMPORT_MS ms = $(ratio "$REIMPORT_MS" "$IMPORT_MS") of the first section's import;" \
  "paired ratio (median): $(median <"$WORK/reimport.ratio")   budget < 0.5"

echo "== aging report vs the bare GROUP BY (paired, $RUNS runs, as of $TODAY)"
: >"$WORK/aging.ms"; : >"$WORK/groupby.ms"; : >"$WORK/aging.ratio"
for i in $(seq "$RUNS"); do
  read -r a _ < <(timed "$WORK/aging.log" "$DUN" --db "$BOOK" report aging)
  read -r b _ < <(timed "$WORK/groupby.log" "$DATA" aging "$BOOK" "$TODAY")
  echo "$a" >>"$WORK/aging.ms"; echo "$b" >>"$WORK/groupby.ms"; ratio "$a" "$b" >>"$WORK/aging.ratio"; echo >>"$WORK/aging.ratio"
  echo "  run $i: dun report aging $a ms, bare GROUP BY $b ms ($(cat "$WORK/groupby.log"))"
done
echo "aging: median $(median <"$WORK/aging.ms") ms vs GROUP BY $(median <"$WORK/groupby.ms") ms; ratio $(median <"$WORK/aging.ratio")   budget < 1.2"

echo "== resident memory"
read -r _ rss < <(timed "$WORK/worklist.log" "$DUN" --db "$BOOK" worklist)
echo "dun worklist (the desk's worklist, printed): max RSS $rss KiB"
if command -v python3 >/dev/null; then
  python3 - "$DUN" "$BOOK" <<'PY'
import os, pty, select, sys, time
dun, book = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execv(dun, [dun, "--db", book])
import fcntl, struct, termios
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
got, last, start = 0, time.time(), time.time()
while time.time() - start < 60:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        got += len(chunk); last = time.time()
    elif got > 2000 and time.time() - last > 2.0:
        break
def quiet(seconds):
    last = time.time()
    while time.time() - last < seconds:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            os.read(fd, 65536); last = time.time()
def hwm(when):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmHWM", "VmRSS")):
            print(f"  desk in a 120x40 pseudo-terminal, {when}:", line.strip())
hwm("worklist on screen")
for key in (b"j", b"j", b"k"):
    os.write(fd, key); time.sleep(0.3)
# The first search builds the search index (names, invoice numbers, phones, emails): the
# desk's memory is read again once it has answered.
os.write(fd, b"/")
for key in b"harbor":
    os.write(fd, bytes([key])); time.sleep(0.2)
quiet(2.0)
hwm("after a search (its index built)")
os.write(fd, b"\x1b"); time.sleep(0.3)
os.write(fd, b"q")
time.sleep(0.5)
try:
    os.kill(pid, 15)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
PY
else
  echo "python3 is not installed: the desk's own memory is not measured (dun worklist above is the proxy)"
fi
echo "budget: desk < 64 MiB (65536 KiB)"
