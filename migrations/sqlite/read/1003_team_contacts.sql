-- projector "team": the business's contact address (TeamContactEmailChanged;
-- the owner's email from TeamCreated until then). The owner cannot be told
-- from the other staff rows, so the projector starts again from the log:
-- its rows go and its checkpoint returns to 0, and the runner replays every
-- team event on its next step (settings read as missing until it has caught
-- up, as during any lag).

CREATE TABLE team_contacts (
    team_id         TEXT    PRIMARY KEY,
    contact_email   TEXT    NOT NULL
);

DELETE FROM team_staff;
DELETE FROM team_logos;
DELETE FROM team_settings;
UPDATE projection_checkpoints SET position = 0 WHERE name = 'team';
