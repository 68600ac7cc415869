-- The raw schema on Postgres: loader/schema.sql's tables and columns (see there), for
-- `ticketflow load --target postgres` (loader/stores.py). load_id comes from the loader's
-- ledger, not from a sequence here.
create schema if not exists raw;

create table if not exists raw.loads (
    load_id bigint primary key,
    file_name varchar not null,
    file_path varchar not null,
    content_hash varchar not null,
    file_bytes bigint not null,
    container varchar,
    is_compressed boolean not null,
    records integer not null,
    loaded integer not null,
    rejected integer not null,
    metadata_start_at timestamp,
    metadata_end_at timestamp,
    declared_count integer,
    status varchar not null,
    message varchar,
    started_at timestamp not null,
    finished_at timestamp not null,
    account_id bigint
);

create table if not exists raw.activities (
    load_id bigint not null,
    file_name varchar not null,
    position integer not null,
    performed_at timestamp not null,
    ticket_id bigint not null,
    performer_type varchar,
    performer_id bigint,
    activity json,                       -- the text as the loader wrote it (repeated keys kept)
    record_hash bigint not null,
    occurrence integer not null,
    loaded_at timestamp not null
);
create index if not exists activities_file_name on raw.activities (file_name);
-- Databases whose record_hash is the md5 text (before 2026-12-04) get the number made of it
-- (loader/database.py, record_hash: the first 16 hex digits, shifted right one bit). Postgres
-- changes no column a view reads: the views on raw.activities (the dbt project's staging
-- view) are dropped with the views built on them, which the next build creates again.
do $$
declare
    dependent record;
begin
    if exists (
        select from information_schema.columns
        where table_schema = 'raw' and table_name = 'activities'
            and column_name = 'record_hash' and data_type = 'character varying'
    ) then
        perform set_config('lock_timeout', '60s', true);  -- a reader holding it: an error
        for dependent in
            select distinct view_namespace.nspname as schema_name, view_class.relname as view_name
            from pg_depend
            inner join pg_rewrite on pg_depend.objid = pg_rewrite.oid
            inner join pg_class as view_class on pg_rewrite.ev_class = view_class.oid
            inner join pg_namespace as view_namespace
                on view_class.relnamespace = view_namespace.oid
            where pg_depend.refobjid = 'raw.activities'::regclass
                and view_class.oid <> 'raw.activities'::regclass
        loop
            execute format(
                'drop view if exists %I.%I cascade', dependent.schema_name, dependent.view_name
            );
        end loop;
        alter table raw.activities alter column record_hash type bigint
            using (('x' || left(record_hash, 16))::bit(64) >> 1)::bigint;
    end if;
end
$$;

create table if not exists raw.rejects (
    load_id bigint not null,
    file_name varchar not null,
    position integer,
    raw_text varchar,
    reason varchar not null
);
create index if not exists rejects_file_name on raw.rejects (file_name);
