{#- Each attribute carries the value of the last activity (in the deterministic order) that
    set it: the last non-null value, except `group` and `agent_id`, where a key present with
    null unassigns. -#}
{%- set last_non_null = [
    'priority', 'source', 'requester_id', 'issue_type', 'ticket_type', 'product', 'category',
    'shipping_address', 'shipment_date', 'contacted_customer', 'due_by_at', 'sla_policy',
] -%}

{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

activities as (

    select * from {{ ref('int_activities_sequenced') }}
    where {{ touched_tickets_only() }}

),

agent_activities as (

    -- The activities that set the agent (and below the group) are read on their own: a
    -- relation read several times through one CTE gets materialized whole by some engines,
    -- DuckDB among them (at 5M activities that spilled more than a GB to disk).
    select
        ticket_id,
        activity_sequence,
        agent_id
    from {{ ref('int_activities_sequenced') }}
    where has_agent and {{ touched_tickets_only() }}

),

group_activities as (

    select
        ticket_id,
        activity_sequence,
        group_name
    from {{ ref('int_activities_sequenced') }}
    where has_group and {{ touched_tickets_only() }}

),

agent_reassignments as (

    {{ count_reassignments('agent_activities', 'agent_id') }}

),

group_changes as (

    {{ count_reassignments('group_activities', 'group_name') }}

),

per_ticket as (

    select
        ticket_id,
        coalesce(
            min(case when is_new_ticket then performed_at end),
            min(performed_at)
        ) as created_at,
        max(case when is_new_ticket then 1 else 0 end) = 1 as is_created_in_window,
        min(performed_at) as first_activity_at,
        max(performed_at) as last_activity_at,
        count(*) as activity_count,
        max(load_id) as last_load_id,
        sum(case when note_type = 3 then 1 else 0 end) as private_note_count,
        {%- for column in last_non_null %}
        {{ last_by(column, 'case when ' ~ column ~ ' is not null then activity_sequence end') }}
            as {{ column }},
        {%- endfor %}
        {{ last_by('group_name', 'case when has_group then activity_sequence end') }} as group_name,
        {{ last_by('agent_id', 'case when has_agent then activity_sequence end') }} as agent_id,
        max(case when is_deleted then 1 else 0 end) = 1 as is_deleted
    from activities
    group by ticket_id

),

final as (

    select
        per_ticket.*,
        coalesce(agent_reassignments.change_count, 0) as agent_reassignment_count,
        coalesce(group_changes.change_count, 0) as group_change_count
    from per_ticket
    left join agent_reassignments
        on per_ticket.ticket_id = agent_reassignments.ticket_id
    left join group_changes
        on per_ticket.ticket_id = group_changes.ticket_id

)

select * from final
