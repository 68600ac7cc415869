{#- A view, not a table: the typed activity is stored once, in int_activities_sequenced,
    and this mart adds only its classification (seeds), the landed record's identity (raw
    columns) and two flags found by (ticket_id, activity_sequence). Writing 5M such wide
    rows again cost more than its readers (its one data test, `ticketflow publish`, which
    stores it as a table for BI tools, export) pay to compute it (DECISIONS.md,
    "Engineering"). Every row is one row of int_activities_sequenced: the joins are on keys
    unique in the joined models, so the grain tests stay where the rows are stored. -#}

with

activities as (

    select * from {{ ref('int_activities_classified') }}

),

record_identities as (

    -- The landed record's identity, not kept by int_activities_sequenced (nor the
    -- activity_id made of it): raw columns, no parsing (DuckDB prunes the view's other
    -- columns).
    select
        load_id,
        position,
        record_hash,
        occurrence
    from {{ ref('stg_raw__activities') }}

),

status_changes as (

    select * from {{ ref('int_status_changes_sequenced') }}

),

responses as (

    select * from {{ ref('int_responses') }}

),

final as (

    select
        {{ activity_id(
            'activities.ticket_id', 'record_identities.record_hash', 'record_identities.occurrence'
        ) }} as activity_id,
        activities.ticket_id,
        activities.performed_at,
        activities.activity_sequence,
        activities.performer_type,
        activities.performer_id,
        activities.is_new_ticket,
        activities.status,
        activities.status_category,
        status_changes.activity_sequence is not null as is_status_change,
        cast(activities.priority as integer) as priority,
        cast(activities.source as integer) as source,
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
        cast(activities.note_type as integer) as note_type,
        responses.activity_sequence is not null as is_response,
        activities.due_by_at,
        activities.sla_policy,
        cast(activities.automation_type as integer) as automation_type,
        activities.automation_rule,
        activities.added_tags,
        activities.removed_tags,
        activities.is_deleted,
        activities.custom_fields,
        activities.load_id,
        activities.file_name,
        cast(activities.position as integer) as position,
        record_identities.record_hash,
        cast(record_identities.occurrence as integer) as occurrence
    from activities
    inner join record_identities
        on
            activities.load_id = record_identities.load_id
            and activities.position = record_identities.position
    left join status_changes
        on
            activities.ticket_id = status_changes.ticket_id
            and activities.activity_sequence = status_changes.activity_sequence
    left join responses
        on
            activities.ticket_id = responses.ticket_id
            and activities.activity_sequence = responses.activity_sequence

)

select * from final
