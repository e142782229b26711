-- A day holds what the person knows: daylight, energy, mood and outside in the morning may each
-- be missing (NULL), never zero. Every existing row is kept; the CHECK constraints stay (a CHECK
-- on NULL passes).
ALTER TABLE days ALTER COLUMN daylight_quarter_hours DROP NOT NULL;
ALTER TABLE days ALTER COLUMN energy DROP NOT NULL;
ALTER TABLE days ALTER COLUMN mood DROP NOT NULL;
ALTER TABLE days ALTER COLUMN outside_morning DROP NOT NULL;
