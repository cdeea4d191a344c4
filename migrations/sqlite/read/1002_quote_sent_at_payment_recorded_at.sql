-- projectors "quotes" and "invoices": when a quote was sent (QuoteSent.at)
-- and when a payment was recorded (its event's recorded_at). Neither can be
-- derived from the rows already there, so both projectors start again from
-- the log: their rows go and their checkpoints return to 0, and the runner
-- replays every quote and invoice event into the new columns on its next
-- step (the lists read short until it has caught up, as during any lag).

ALTER TABLE quotes ADD COLUMN sent_at INTEGER;   -- null while a draft
ALTER TABLE invoice_payments ADD COLUMN recorded_at INTEGER NOT NULL DEFAULT 0;

DELETE FROM quote_comments;
DELETE FROM quote_lines;
DELETE FROM quotes;
DELETE FROM invoice_payments;
DELETE FROM invoice_lines;
DELETE FROM invoices;
UPDATE projection_checkpoints SET position = 0 WHERE name IN ('quotes', 'invoices');
