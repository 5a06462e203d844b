-- since: v1.0.0
-- XingRin's first schema (modelled): Django's migration ledger and the scans table.
CREATE TABLE IF NOT EXISTS django_migrations (
    id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
    applied timestamptz NOT NULL DEFAULT now());
-- A scan records where it ran and where its results are (scan_models.py: worker, results_dir in a
-- 100-character field; status initiated → running → completed or failed).
CREATE TABLE scan (
    id serial PRIMARY KEY,
    target varchar(255) NOT NULL,
    status varchar(20) NOT NULL DEFAULT 'initiated',
    worker_id bigint,
    results_dir varchar(100),
    created_at timestamptz NOT NULL DEFAULT now());
-- Django's accounts and sessions (contrib.auth, contrib.sessions): the admin account init_admin
-- makes, and the session a login opens.
CREATE TABLE auth_user (
    id serial PRIMARY KEY,
    username varchar(150) NOT NULL UNIQUE,
    password varchar(128) NOT NULL,
    is_superuser boolean NOT NULL);
CREATE TABLE django_session (
    session_key varchar(40) PRIMARY KEY,
    user_id integer NOT NULL REFERENCES auth_user (id),
    expire_date timestamptz NOT NULL);
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
