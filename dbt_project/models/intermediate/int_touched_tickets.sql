{#- The tickets this build recomputes in the incremental models (DECISIONS.md, "Incremental
    builds"): those with a record in a load newer than the last completed build, those whose
    kept activities came from a load that no longer stands (replaced by a re-export), and,
    when the previous build did not complete, the tickets it was recomputing. Empty in a full
    rebuild, which recomputes every ticket without reading this list. Where every build is a
    full one (Spark) no earlier table is read: Spark's table materialization drops this one
    before its select runs. -#}
{%- set reads_earlier = execute and ticket_grain_materialization() == 'incremental' -%}
{%- set sequenced_node = graph.nodes.get('model.ticketflow.int_activities_sequenced') -%}
{%- set sequenced = adapter.get_relation(
    database=sequenced_node.database, schema=sequenced_node.schema,
    identifier=sequenced_node.alias
) if reads_earlier else none -%}
{%- set previous = load_relation(this) if reads_earlier else none -%}
-- depends_on: {{ ref('stg_raw__loads') }}

with

activity_keys as (

    select
        ticket_id,
        load_id
    from {{ ref('stg_raw__activities') }}

),

batch as (

    select * from {{ ref('int_build_batch') }}

),

new_load_tickets as (

    select activity_keys.ticket_id
    from activity_keys
    cross join batch
    where
        not batch.is_full_rebuild
        and activity_keys.load_id > batch.built_from_load_id

),

{% if sequenced is not none %}
loads as (

    select * from {{ ref('stg_raw__loads') }}

),

replaced_load_tickets as (

    -- int_activities_sequenced as the last build left it: it still names the loads its kept
    -- copies came from, whose own records the loader has since deleted.
    select sequenced.ticket_id
    from {{ sequenced }} as sequenced
    left join loads
        on
            sequenced.load_id = loads.load_id
            and loads.is_current_load
    where loads.load_id is null

),

{% endif %}
{% if previous is not none %}
unfinished_tickets as (

    select previous_batch.ticket_id
    from {{ this }} as previous_batch
    cross join batch
    where batch.carries_touched_tickets

),

{% endif %}
final as (

    select ticket_id from new_load_tickets
    {%- if sequenced is not none %}
    union
    select ticket_id from replaced_load_tickets
    {%- endif %}
    {%- if previous is not none %}
    union
    select ticket_id from unfinished_tickets
    {%- endif %}

)

select * from final
