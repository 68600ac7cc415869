{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

activities as (

    select * from {{ ref('int_activities_classified') }}
    where {{ touched_tickets_only() }}

),

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}
    where {{ touched_tickets_only() }}

),

final as (

    -- A response: a note of type 0 (reply) or 4 (public note), at or after created_at, by a
    -- `user` who is not the ticket's requester (its last non-null requester).
    select
        activities.ticket_id,
        activities.activity_sequence,
        activities.performed_at as responded_at,
        activities.performer_id,
        activities.note_id,
        activities.note_type
    from activities
    inner join tickets
        on activities.ticket_id = tickets.ticket_id
    where
        activities.is_response_type_note
        and activities.performer_type = 'user'
        and activities.performed_at >= tickets.created_at
        and (
            tickets.requester_id is null
            or activities.performer_id is null
            or activities.performer_id <> tickets.requester_id
        )

)

select * from final
