-- The raw schema: the contract between the loader and the dbt project's sources.
-- Timestamps are UTC, stored as TIMESTAMP (no time zone).
create schema if not exists raw;

create sequence if not exists raw.load_id_seq start 1;

-- The ledger: one row per file per load attempt (a skipped file, same content already loaded,
-- writes nothing). A file's rows in raw.activities/raw.rejects are those of its latest
-- 'loaded'/'replaced' attempt; a failed attempt leaves the previous rows in place.
create table if not exists raw.loads (
    load_id bigint primary key,          -- increasing: the load order of files
    file_name varchar not null,          -- base name: the identity of a file across re-exports
    file_path varchar not null,          -- path as resolved at load time
    content_hash varchar not null,       -- sha256 of the file's bytes (as stored, gzip or not)
    file_bytes bigint not null,          -- size of the file as stored
    container varchar,                   -- 'export' | 'jsonl' | null when unreadable
    is_compressed boolean not null,
    records integer not null,            -- records found in the file
    loaded integer not null,             -- records landed in raw.activities
    rejected integer not null,           -- records landed in raw.rejects
    metadata_start_at timestamp,         -- export envelope window (null for JSON lines)
    metadata_end_at timestamp,
    declared_count integer,              -- metadata.activities_count
    status varchar not null,             -- 'loaded' | 'replaced' (a re-export) | 'failed'
    message varchar,                     -- failure reason or count warning, for a person
    started_at timestamp not null,
    finished_at timestamp not null,
    account_id bigint                    -- Freshdesk account: from the file name or --account
);
-- Databases created before account_id existed get the column (null: no account known).
alter table raw.loads add column if not exists account_id bigint;

-- One row per landed activity.
create table if not exists raw.activities (
    load_id bigint not null,             -- raw.loads.load_id
    file_name varchar not null,
    position integer not null,           -- 1-based: line (JSON lines) or index in activities_data
    performed_at timestamp not null,     -- UTC
    ticket_id bigint not null,
    performer_type varchar,
    performer_id bigint,
    activity json,                       -- the activity object, whole, unknown keys included
    record_hash bigint not null,         -- the record's md5, 63 bits (loader/database.py)
    occurrence integer not null,         -- 1-based index among identical records of the file
    loaded_at timestamp not null
);

-- Records that could not land, with a reason a person understands.
create table if not exists raw.rejects (
    load_id bigint not null,
    file_name varchar not null,
    position integer,                    -- 1-based line (JSON lines) or index in activities_data
    raw_text varchar,                    -- the record as read (invalid bytes shown as U+FFFD or ?)
    reason varchar not null
);
