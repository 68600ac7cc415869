{#- One row per unique activity, numbered per ticket in the deterministic order. Both steps
    work on the identity and ordering columns alone (a hash aggregate, then a sort of four
    columns, not of whole rows), and the parsed columns of the kept copies are joined back by
    (load_id, position): splitting them into two models would either store the keys once more
    or sort every column. Incremental (macros/incremental.sql): the touched tickets' activities
    are numbered again, the others kept. -#}
{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

activities as (

    select * from {{ ref('stg_raw__activities') }}
    where {{ touched_tickets_only() }}

),

activity_keys as (

    -- The identity and ordering columns alone, read separately: a relation read twice
    -- through one CTE gets materialized whole (parsed columns included) by DuckDB.
    select
        record_hash,
        occurrence,
        load_id,
        position,
        ticket_id,
        performed_at
    from {{ ref('stg_raw__activities') }}
    where {{ touched_tickets_only() }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

first_copies as (

    -- Only files whose load stands (not failed, not replaced by a re-export). The same
    -- activity in overlapping files: identity is the record and its occurrence among
    -- identical records; the copy from the earliest load is kept. A file holds each identity
    -- once (occurrence numbers its repeats), so the load alone decides: a hash aggregate of
    -- the keys, not a sort of every row. ticket_id and performed_at are read from the record,
    -- so identical records share them: grouped by, they come along without an aggregate.
    -- With the `as_of` var set, the marts describe the tickets as they stood at that instant:
    -- activities after it sort last in their ticket, so leaving them out here keeps the
    -- sequence numbers of the others.
    select
        activity_keys.ticket_id,
        activity_keys.performed_at,
        min(activity_keys.load_id) as load_id,
        {{ first_by('activity_keys.position', 'activity_keys.load_id') }} as position
    from activity_keys
    inner join loads
        on activity_keys.load_id = loads.load_id
    where
        loads.is_current_load
        and {{ at_or_before_as_of('activity_keys.performed_at') }}
    group by
        activity_keys.record_hash,
        activity_keys.occurrence,
        activity_keys.ticket_id,
        activity_keys.performed_at

),

activity_order as (

    select
        load_id,
        position,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over (
            partition by ticket_id
            order by performed_at asc, load_id asc, position asc
        ) as bigint) as activity_sequence
    from first_copies

),

final as (

    -- (load_id, position) names one landed record: the kept copies, by two integers. The
    -- record's identity is not kept, nor the activity_id made of it: the models that show
    -- them read them from staging (32 characters a row each, stored once more otherwise).
    select
        activities.ticket_id,
        activities.performed_at,
        activities.load_id,
        activities.file_name,
        activities.position,
        activity_order.activity_sequence,
        activities.performer_type,
        activities.performer_id,
        activities.is_new_ticket,
        activities.status,
        activities.priority,
        activities.source,
        activities.has_group,
        activities.group_name,
        activities.has_agent,
        activities.agent_id,
        activities.requester_id,
        activities.issue_type,
        activities.ticket_type,
        activities.product,
        activities.category,
        activities.shipping_address,
        activities.shipment_date,
        activities.contacted_customer,
        activities.note_id,
        activities.note_type,
        activities.due_by_at,
        activities.sla_policy,
        activities.automation_type,
        activities.automation_rule,
        activities.added_tags,
        activities.removed_tags,
        activities.is_deleted,
        activities.custom_fields
    from activities
    inner join activity_order
        on
            activities.load_id = activity_order.load_id
            and activities.position = activity_order.position

)

select * from final
