{#- Spark reads the raw tables the loader writes to the lake (loader/stores.py) as Parquet
    tables of its metastore, registered at the start of every run (an on-run-start hook in
    dbt_project.yml); the other engines hold them already. Their columns are those of
    loader/schema.sql. -#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'ticketflow')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- set lake = env_var('TICKETFLOW_LAKE', 'data/lake') -%}
    {%- set tables = {
        'loads': 'load_id bigint, file_name string, file_path string, content_hash string,'
            ~ ' file_bytes bigint, container string, is_compressed boolean, records int,'
            ~ ' loaded int, rejected int, metadata_start_at timestamp, metadata_end_at timestamp,'
            ~ ' declared_count int, status string, message string, started_at timestamp,'
            ~ ' finished_at timestamp, account_id bigint',
        'activities': 'load_id bigint, file_name string, position int, performed_at timestamp,'
            ~ ' ticket_id bigint, performer_type string, performer_id bigint, activity string,'
            ~ ' record_hash bigint, occurrence int, loaded_at timestamp',
        'rejects': 'load_id bigint, file_name string, position int, raw_text string,'
            ~ ' reason string',
    } -%}
    {%- do run_query('create database if not exists raw') -%}
    {#- Registered anew each run, so the metastore's columns are always these (a table with a
        location is external: dropping it keeps the files). -#}
    {%- for name, columns in tables.items() %}
        {%- do run_query('drop table if exists raw.' ~ name) -%}
        {%- do run_query('create table raw.' ~ name ~ ' (' ~ columns
            ~ ") using parquet location '" ~ lake ~ '/raw/' ~ name ~ "'") -%}
    {%- endfor %}
{%- endmacro %}
