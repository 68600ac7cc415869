-- Each ticket's created_at is the time of its first new_ticket activity, and without one
-- the time of its first activity with is_created_in_window false, recomputed from the
-- stored activities (int_activities_classified). Returns the tickets where dim_tickets differs.
with

tickets as (

    select * from {{ ref('dim_tickets') }}

),

activities as (

    select * from {{ ref('int_activities_classified') }}

),

per_ticket as (

    select
        ticket_id,
        min(case when is_new_ticket then performed_at end) as creation_row_at,
        min(performed_at) as first_activity_at
    from activities
    group by ticket_id

)

select
    tickets.ticket_id,
    tickets.created_at,
    tickets.is_created_in_window,
    per_ticket.creation_row_at,
    per_ticket.first_activity_at
from tickets
left join per_ticket
    on tickets.ticket_id = per_ticket.ticket_id
where
    tickets.created_at
    is distinct from coalesce(per_ticket.creation_row_at, per_ticket.first_activity_at)
    or tickets.is_created_in_window <> (per_ticket.creation_row_at is not null)
