-- Each ticket's first_response_at is the earliest note of a response type (seed
-- ticketflow_note_types) at or after created_at by a `user` who is not the ticket's
-- requester, recomputed from the stored activities; null when there is none. Returns the
-- tickets where the two differ.
with

ticket_metrics as (

    select * from {{ ref('fct_ticket_metrics') }}

),

activities as (

    select * from {{ ref('int_activities_classified') }}

),

note_types as (

    select * from {{ ref('ticketflow_note_types') }}

),

replies_by_others as (

    select
        activities.ticket_id,
        min(activities.performed_at) as first_reply_at
    from activities
    inner join note_types
        on activities.note_type = note_types.note_type
    inner join ticket_metrics
        on activities.ticket_id = ticket_metrics.ticket_id
    where
        note_types.is_response_type
        and activities.performer_type = 'user'
        and activities.performed_at >= ticket_metrics.created_at
        and (
            ticket_metrics.requester_id is null
            or activities.performer_id is null
            or activities.performer_id <> ticket_metrics.requester_id
        )
    group by activities.ticket_id

)

select
    ticket_metrics.ticket_id,
    ticket_metrics.first_response_at,
    replies_by_others.first_reply_at
from ticket_metrics
left join replies_by_others
    on ticket_metrics.ticket_id = replies_by_others.ticket_id
where ticket_metrics.first_response_at is distinct from replies_by_others.first_reply_at
