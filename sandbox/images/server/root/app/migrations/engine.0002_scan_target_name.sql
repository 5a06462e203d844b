-- since: v1.2.0
-- v1.2.0 renames the scan's target and records the engine: a v1.1.0 server cannot read the table
-- any more (its queries name `target`), as a rollback across a real migration breaks.
ALTER TABLE scan RENAME COLUMN target TO target_name;
ALTER TABLE scan ADD COLUMN engine_name varchar(100) NOT NULL DEFAULT 'full scan';
