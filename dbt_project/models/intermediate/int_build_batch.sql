{#- One row: what this build does (DECISIONS.md, "Incremental builds"). The loads after
    `built_from_load_id` (the high-water mark: load ids, never performed_at) up to
    `through_load_id` are new; a full rebuild recomputes every ticket instead. The row of the
    previous build (this table before it is replaced) tells whether that build completed
    (`is_complete`, set by the on-run-end hook) and what it was built from. -#}
{%- set seeds = [
    'ticketflow_business_hours', 'ticketflow_group_calendars', 'ticketflow_holidays',
    'ticketflow_note_types', 'ticketflow_priorities', 'ticketflow_sla_policies',
    'ticketflow_sources', 'ticketflow_status_categories', 'status_names',
] -%}
{%- set string = api.Column.translate_type('string') -%}
{#- Where every build is a full one (Spark) the previous row is not read: Spark's table
    materialization drops the table before its select runs, so it cannot read itself. -#}
{%- set is_incremental_engine = ticket_grain_materialization() == 'incremental' -%}
{%- set previous = load_relation(this) if execute and is_incremental_engine else none -%}
{#- Whether the previous build's written rows were all tested (an older batch table lacks the
    column), and whether an incremental model's table is missing (then every one is rebuilt:
    a table created afresh holds every ticket, and every row of it needs testing). -#}
{%- set previous_columns = adapter.get_columns_in_relation(previous) | map(attribute='name')
    | map('lower') | list if previous is not none else [] -%}
{%- set missing_tables = [] -%}
{%- for unique_id in (incremental_build_nodes() if execute else []) -%}
{%- if graph.nodes[unique_id].config.materialized == 'incremental'
    and model_relation(unique_id) is none -%}
{%- do missing_tables.append(unique_id) -%}
{%- endif -%}
{%- endfor -%}

with

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

{% for seed in seeds %}
{{ seed }} as (

    {#- The status-name mapping is the relation the var `status_names` names. #}
    select * from {{ status_names_relation() if seed == 'status_names' else ref(seed) }}

),

{% endfor %}
seed_contents as (

    -- The seeds as loaded (not as the CSV files say: a seed edited but not yet loaded has
    -- not changed any mart), each row as text. Where every build is a full one (Spark, which
    -- has no row-to-text cast) the row count stands in.
    {%- for seed in seeds %}
    {{ 'union all' if not loop.first }}
    select
        '{{ seed }}' as seed_name,
    {%- if ticket_grain_materialization() == 'incremental' %}
        {{ dbt.hash(dbt.listagg(
            'cast(' ~ seed ~ ' as ' ~ string ~ ')', "'|'",
            'order by cast(' ~ seed ~ ' as ' ~ string ~ ')'
        )) }} as content_hash
    {%- else %}
        cast(count(*) as {{ string }}) as content_hash
        {%- endif %}
    from {{ seed }}
    {%- endfor %}

),

fingerprint as (

    select
        {{ dbt.hash(dbt.concat([
            "'" ~ build_fingerprint_text() ~ "'",
            dbt.listagg('seed_name || content_hash', "'|'", 'order by seed_name'),
        ])) }} as fingerprint
    from seed_contents

),

{% if previous is not none %}
previous_build as (

    select * from {{ this }}

),

{% endif %}
final as (

    select
        cast((select max(loads.load_id) from loads) as bigint) as through_load_id,
        {%- if previous is none %}
        cast(0 as bigint) as built_from_load_id,
        true as is_full_rebuild,
        false as carries_touched_tickets,
        {%- else %}
        cast(case
            when previous_build.is_complete then previous_build.through_load_id
            else previous_build.built_from_load_id
        end as bigint) as built_from_load_id,
        {{ 'true' if flags.FULL_REFRESH else 'false' }}
        or previous_build.fingerprint <> fingerprint.fingerprint
        or (previous_build.is_full_rebuild and not previous_build.is_complete)
        {%- if missing_tables %}
        or true  -- missing: {{ missing_tables | join(', ') }}
        {%- endif %}
            as is_full_rebuild,
        not previous_build.is_complete as carries_touched_tickets,
        {%- endif %}
        {%- if previous is not none and 'is_tested' in previous_columns %}
        previous_build.is_tested as tests_written_rows_only,
        {%- else %}
        false as tests_written_rows_only,
        {%- endif %}
        fingerprint.fingerprint,
        false as is_complete,
        false as is_tested,
        -- The dbt invocation that built this row (the tests read only their own build's).
        cast('{{ invocation_id }}' as {{ string }}) as invocation_id
    from fingerprint
    {%- if previous is not none %}
    cross join previous_build
    {%- endif %}

)

select * from final
