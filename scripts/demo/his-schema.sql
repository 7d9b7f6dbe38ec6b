-- The demo HIS database (SQLite): what the example flows read and write where a hospital's own HIS tables stand.
-- Created by scripts/demo (npm start) in .demo/his.sqlite. Times are China time text 'yyyy-MM-dd HH:mm:ss'
-- (spec 8); amounts are exact text '12.30' (never REAL: a float cannot hold every amount).

-- One row per order the HIS sends to the platform (paymentNo = payment_no).
CREATE TABLE IF NOT EXISTS his_payment (
    payment_no      TEXT PRIMARY KEY,               -- HIS serial, sent as paymentNo
    amount          TEXT NOT NULL,                  -- yuan, '12.30'
    subject         TEXT NOT NULL,
    biz_type        TEXT NOT NULL,                  -- scan_pay | barcode_pay
    channel_product TEXT,
    status          TEXT NOT NULL DEFAULT 'pending' -- pending | paid | failed | closed | unknown
                    CHECK (status IN ('pending', 'paid', 'failed', 'closed', 'unknown')),
    out_payment_no  TEXT,                           -- platform serial (from the answers)
    in_payment_no   TEXT,                           -- channel serial
    channel_type    TEXT,
    paid_at         TEXT,
    expire_time     TEXT,                           -- the order's expireTime (the poll runs until it)
    reason          TEXT,                           -- why the poll ended as it did (msg.upp.reason)
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS his_payment_status ON his_payment (status);

-- One row per refund the HIS decided to make. Its id gives the refund's requestNo ('HR' + id): the same refund
-- always goes out with the same requestNo, and an HTTP caller can never mint one.
CREATE TABLE IF NOT EXISTS his_refund (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    refund_no       TEXT NOT NULL UNIQUE,           -- HIS refund serial, sent as refundNo
    payment_no      TEXT NOT NULL REFERENCES his_payment (payment_no),
    amount          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'new'     -- new | refunded | failed | unknown
                    CHECK (status IN ('new', 'refunded', 'failed', 'unknown')),
    assumed         INTEGER NOT NULL DEFAULT 0,     -- 1: the manual's "treat as refunded" rule decided, reconcile it
    out_refund_no   TEXT,
    refunded_at     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS his_refund_payment ON his_refund (payment_no);

-- The audit trail (example 09, node upp-audit): one row per HTTP attempt of the UPP nodes, the request body exactly
-- as sent (signed; the key is never in it) and the answer exactly as received. Kept as long as the payment records.
CREATE TABLE IF NOT EXISTS upp_audit (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    time            TEXT NOT NULL,                  -- when the attempt started (ISO text, UTC)
    endpoint        TEXT NOT NULL,                  -- scanCode, query, refund, close, ...
    node            TEXT,                           -- the Node-RED node that made the call
    config          TEXT,                           -- its upp-config node
    payment_no      TEXT,
    request_no      TEXT,
    call_id         INTEGER NOT NULL,               -- the attempts of one call share it
    attempt         INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    final           INTEGER NOT NULL,               -- 1: the call's last attempt (its outcome is the call's)
    transport       TEXT NOT NULL,                  -- answered | not_sent | maybe_sent
    outcome         TEXT NOT NULL,                  -- success | pending | failed | retried | not_sent | probe
    reason          TEXT,
    detail          TEXT,
    verified        TEXT NOT NULL,                  -- the signature variant that matched, or 'false'
    http_status     INTEGER,
    request         TEXT NOT NULL,
    response        TEXT,                           -- NULL when no HTTP answer came
    elapsed_ms      REAL NOT NULL,
    call_elapsed_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS upp_audit_payment ON upp_audit (payment_no);
CREATE INDEX IF NOT EXISTS upp_audit_request ON upp_audit (request_no);

-- Daily reconciliation (example 08, node upp-reconcile): one row per day and bill (platform or channel) with the whole
-- report as JSON, and one row per discrepancy or flagged HIS row to act on. Running a day again replaces its rows.
CREATE TABLE IF NOT EXISTS upp_reconcile_run (
    day             TEXT NOT NULL,                  -- the trading day, China calendar 'yyyy-MM-dd'
    source          TEXT NOT NULL,                  -- platform | channel (whose bill)
    status          TEXT NOT NULL,                  -- balanced | discrepancies | empty_side | both_empty | not_downloaded
    reason          TEXT,                           -- not_downloaded: why (msg.upp.reason of upp-bills)
    report          TEXT,                           -- the report (msg.payload of upp-reconcile), JSON
    run_at          TEXT NOT NULL,                  -- China time 'yyyy-MM-dd HH:mm:ss'
    PRIMARY KEY (day, source)
);
CREATE TABLE IF NOT EXISTS upp_reconcile_discrepancy (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    day             TEXT NOT NULL,
    source          TEXT NOT NULL,
    kind            TEXT NOT NULL,                  -- his_only | platform_only | amount_mismatch | duplicate |
                                                    -- refund_exceeds_payment | flagged (a flagged HIS row, see verdict)
    trade_type      TEXT NOT NULL,                  -- pay | refund
    trade_no        TEXT,                           -- HIS serial
    out_trade_no    TEXT,                           -- platform serial
    his_amount      TEXT,                           -- exact text as the HIS row has it
    bill_amount     TEXT,                           -- exact text as the bill row has it
    difference      TEXT,                           -- bill - HIS (amount_mismatch, refund_exceeds_payment: the excess)
    verdict         TEXT,                           -- flagged: confirmed | not_in_bill | in_bill | paid_after_close | amount_differs
    handling_en     TEXT NOT NULL,
    handling_zh     TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS upp_reconcile_discrepancy_day ON upp_reconcile_discrepancy (day, source);
