{#- The columns raw.loads has in this database (read when the model runs). -#}
{%- set raw_loads_columns = [] -%}
{%- if execute -%}
{%- for column in adapter.get_columns_in_relation(source('raw', 'loads')) -%}
{%- do raw_loads_columns.append(column.name | lower) -%}
{%- endfor -%}
{%- endif %}

with

loads as (

    select * from {{ source('raw', 'loads') }}

),

ranked as (

    -- A file name's newest successful load is the one that stands: the loader replaces the
    -- activities of an earlier load of the same file name (a re-export) with its own.
    select
        *,
        row_number() over (
            partition by file_name, status = 'failed'
            order by load_id desc
        ) as newest_first
    from loads

),

final as (

    select
        load_id,
        file_name,
        file_path,
        content_hash,
        container,
        is_compressed,
        records as record_count,
        loaded as loaded_count,
        rejected as rejected_count,
        metadata_start_at,
        metadata_end_at,
        declared_count,
        status as load_status,
        status <> 'failed' and newest_first = 1 as is_current_load,
        {#- A database loaded before accounts existed has no account_id until its next load
            adds it (loader/schema.sql): its loads have no known account. #}
        {% if 'account_id' in raw_loads_columns -%}
        account_id,
        {%- else -%}
        cast(null as bigint) as account_id,
        {%- endif %}
        message,
        started_at,
        finished_at
    from ranked

)

select * from final
