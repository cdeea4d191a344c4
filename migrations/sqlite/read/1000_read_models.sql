-- Read models (versions 1000-1999 belong to the projections).
-- Ids are UUID text, money and quantities decimal text, instants Unix
-- microseconds (UTC), calendar dates 'YYYY-MM-DD', flags 0/1.
-- Each projector owns the tables listed in docs/projections.md and writes
-- them in the same transaction as its row in projection_checkpoints.

CREATE TABLE projection_checkpoints (
    name        TEXT    PRIMARY KEY,
    position    INTEGER NOT NULL,          -- last event position applied (0: none)
    updated_at  INTEGER NOT NULL
);

-- projector "team"
CREATE TABLE team_settings (
    team_id         TEXT    PRIMARY KEY,
    business_name   TEXT    NOT NULL,
    time_zone       TEXT    NOT NULL,
    slot_minutes    INTEGER NOT NULL,
    working_hours   TEXT    NOT NULL,      -- JSON {"mon": [["09:00","17:00"]], ...}
    invite_subject  TEXT    NOT NULL,
    invite_body     TEXT    NOT NULL,
    accent_colour   TEXT,
    logo            TEXT,
    tagline         TEXT
);

CREATE TABLE team_staff (
    staff_id    TEXT    PRIMARY KEY,
    team_id     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL
);
CREATE INDEX team_staff_by_team ON team_staff (team_id);

-- projector "clients"
CREATE TABLE clients (
    client_id       TEXT    PRIMARY KEY,
    team_id         TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    status          TEXT    NOT NULL,      -- not_invited | invited | active | suspended
    invite_email    TEXT,
    invited_by      TEXT,
    invited_at      INTEGER,
    activated       INTEGER NOT NULL,
    enabled         INTEGER NOT NULL,
    quotes          INTEGER NOT NULL,      -- section toggles
    invoices        INTEGER NOT NULL,
    files           INTEGER NOT NULL,
    meetings        INTEGER NOT NULL,
    messages        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX clients_by_team ON clients (team_id, name);

CREATE TABLE client_emails (
    client_id   TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    email       TEXT    NOT NULL,
    PRIMARY KEY (client_id, ord)
);
CREATE INDEX client_emails_by_email ON client_emails (email);

-- projector "quotes"
CREATE TABLE quotes (
    quote_id        TEXT    PRIMARY KEY,
    team_id         TEXT    NOT NULL,
    client_id       TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    expires_on      TEXT,
    revision        INTEGER NOT NULL,
    sent            INTEGER NOT NULL,
    withdrawn       INTEGER NOT NULL,
    expired         INTEGER NOT NULL,
    status          TEXT    NOT NULL,      -- as recorded; expiry by date is applied when read
    subtotal        TEXT    NOT NULL,      -- of the current selection
    tax             TEXT    NOT NULL,
    total           TEXT    NOT NULL,
    accepted_name   TEXT,
    accepted_at     INTEGER,
    accepted_ip     TEXT,
    acceptance      BLOB,                  -- the QuoteAccepted payload (postcard)
    created_at      INTEGER NOT NULL
);
CREATE INDEX quotes_by_client ON quotes (client_id, created_at);

CREATE TABLE quote_lines (
    quote_id            TEXT    NOT NULL,
    line_id             TEXT    NOT NULL,
    ord                 INTEGER NOT NULL,
    description         TEXT    NOT NULL,
    quantity            TEXT    NOT NULL,
    unit_price          TEXT    NOT NULL,
    tax_rate            TEXT    NOT NULL,
    optional            INTEGER NOT NULL,
    default_selected    INTEGER NOT NULL,
    selected            INTEGER NOT NULL,
    net                 TEXT    NOT NULL,
    tax                 TEXT    NOT NULL,
    total               TEXT    NOT NULL,
    PRIMARY KEY (quote_id, line_id)
);

CREATE TABLE quote_comments (
    quote_id    TEXT    NOT NULL,
    position    INTEGER NOT NULL,          -- event position: thread order
    comment_id  TEXT    NOT NULL,
    line_id     TEXT    NOT NULL,
    author      TEXT    NOT NULL,          -- client | staff
    author_id   TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (quote_id, position)
);

-- projector "invoices"
CREATE TABLE invoices (
    invoice_id  TEXT    PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    number      TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    due_on      TEXT    NOT NULL,
    subtotal    TEXT    NOT NULL,
    tax         TEXT    NOT NULL,
    total       TEXT    NOT NULL,
    issued_at   INTEGER NOT NULL
);
CREATE INDEX invoices_by_client ON invoices (client_id, issued_at);

CREATE TABLE invoice_lines (
    invoice_id  TEXT    NOT NULL,
    ord         INTEGER NOT NULL,
    description TEXT    NOT NULL,
    quantity    TEXT    NOT NULL,
    unit_price  TEXT    NOT NULL,
    tax_rate    TEXT    NOT NULL,
    net         TEXT    NOT NULL,
    tax         TEXT    NOT NULL,
    total       TEXT    NOT NULL,
    PRIMARY KEY (invoice_id, ord)
);

CREATE TABLE invoice_payments (
    invoice_id  TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    amount      TEXT    NOT NULL,
    paid_on     TEXT    NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

-- projector "files"
CREATE TABLE files (
    file_id         TEXT    PRIMARY KEY,
    client_id       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT    NOT NULL,
    storage_key     TEXT    NOT NULL,
    uploaded_by     TEXT    NOT NULL,      -- client | staff
    uploader_id     TEXT    NOT NULL,
    uploaded_at     INTEGER NOT NULL
);
CREATE INDEX files_by_client ON files (client_id, uploaded_at);

-- projector "messages"
CREATE TABLE messages (
    message_id  TEXT    PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    seq         INTEGER NOT NULL,          -- 1, 2, ... within the thread
    author      TEXT    NOT NULL,          -- client | staff
    author_id   TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX messages_by_thread ON messages (client_id, seq);

CREATE TABLE message_threads (
    client_id       TEXT    PRIMARY KEY,
    sides           TEXT    NOT NULL,      -- one letter per message: c (client) or s (staff)
    staff_read      INTEGER NOT NULL,      -- messages read by the staff side
    client_read     INTEGER NOT NULL,
    staff_unread    INTEGER NOT NULL,
    client_unread   INTEGER NOT NULL,
    last_message_at INTEGER
);
CREATE INDEX message_threads_by_recency ON message_threads (last_message_at);

-- projector "diary"
CREATE TABLE appointments (
    appointment_id  TEXT    PRIMARY KEY,
    team_id         TEXT    NOT NULL,
    client_id       TEXT,
    title           TEXT,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    status          TEXT    NOT NULL,      -- scheduled | cancelled | completed
    booked_by       TEXT    NOT NULL,      -- client | staff
    booked_by_id    TEXT    NOT NULL,
    window_closed   INTEGER NOT NULL
);
CREATE INDEX appointments_by_team ON appointments (team_id, starts_at);
CREATE INDEX appointments_by_client ON appointments (client_id, starts_at);

-- projector "audit"
CREATE TABLE audit_quotes (
    quote_id    TEXT    PRIMARY KEY,
    team_id     TEXT    NOT NULL,
    client_id   TEXT    NOT NULL,
    stream_id   TEXT    NOT NULL
);
