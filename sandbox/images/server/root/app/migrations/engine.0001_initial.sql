-- since: v1.0.0
-- XingRin's first schema (modelled): Django's migration ledger and the scans table.
CREATE TABLE IF NOT EXISTS django_migrations (
    id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL DEFAULT now());
CREATE TABLE scan (
    id serial PRIMARY KEY,
    target varchar(255) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
-- XingRin's worker records (engine/models.py, WorkerNode; contract §6). Like Django, no column
-- has a database default: whoever inserts a row names every column.
CREATE TABLE worker_node (
    id bigserial PRIMARY KEY,
    name varchar(100) NOT NULL,
    ip_address inet NOT NULL,
    ssh_port integer NOT NULL,
    username varchar(50) NOT NULL,
    password varchar(200) NOT NULL,
    is_local boolean NOT NULL,
    status varchar(20) NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT unique_worker_name UNIQUE (name));
CREATE UNIQUE INDEX unique_remote_worker_ip ON worker_node (ip_address) WHERE NOT is_local;
