-- projectors "quotes" and "clients": each quote and client is kept whole in
-- its row's `state` (the folded domain state, postcard), which is what the
-- projector reads back in a later batch; the columns that were there only to
-- be read back go (`quotes.acceptance`, `clients.invited_by`,
-- `clients.activated`). The states are in the log, not in the rows already
-- there, so both projectors start again from the log: their rows go and
-- their checkpoints return to 0 (see 1002).

DELETE FROM quote_comments;
DELETE FROM quote_lines;
DELETE FROM quotes;
ALTER TABLE quotes DROP COLUMN acceptance;
ALTER TABLE quotes ADD COLUMN state BLOB NOT NULL DEFAULT x'';

DELETE FROM client_emails;
DELETE FROM clients;
ALTER TABLE clients DROP COLUMN invited_by;
ALTER TABLE clients DROP COLUMN activated;
ALTER TABLE clients ADD COLUMN state BLOB NOT NULL DEFAULT x'';

UPDATE projection_checkpoints SET position = 0 WHERE name IN ('quotes', 'clients');
