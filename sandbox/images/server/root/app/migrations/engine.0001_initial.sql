-- since: v1.0.0
-- XingRin's first schema (modelled): Django's migration ledger and the scans table.
CREATE TABLE IF NOT EXISTS django_migrations (
    id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL DEFAULT now());
CREATE TABLE scan (
    id serial PRIMARY KEY,
    target varchar(255) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
