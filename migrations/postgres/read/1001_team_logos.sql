-- projector "team": the portal logo gets its own table; team_settings.logo
-- (an id only, never checked) goes. Replay of TeamLogoChanged/TeamLogoRemoved fills it.

ALTER TABLE team_settings DROP COLUMN logo;

CREATE TABLE team_logos (
    team_id         TEXT    PRIMARY KEY,
    file_id         TEXT    NOT NULL,      -- TeamLogo.file, in the logo URL
    content_type    TEXT    NOT NULL,
    size            BIGINT  NOT NULL,
    storage_key     TEXT    NOT NULL
);
