{#- Each status change starts an interval that ends at the ticket's next change, or at as_of
    for its current status. Stored once here: dim_tickets, fct_ticket_metrics,
    fct_daily_ticket_summary and fct_ticket_activities read this table. -#}

with

status_changes as (

    select * from {{ ref('int_status_changes_sequenced') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

business_clock as (

    select * from {{ ref('int_business_clock_readings') }}

),

closed as (

    select
        status_changes.*,
        status_changes.changed_at as started_at,
        coalesce(status_changes.next_change_at, as_of.as_of) as ended_at,
        status_changes.next_change_at is null as is_current
    from status_changes
    cross join as_of

),

final as (

    select
        closed.activity_id as interval_id,
        closed.ticket_id,
        closed.change_sequence as interval_sequence,
        closed.status,
        closed.status_category,
        closed.is_status_mapped,
        closed.previous_status,
        closed.previous_status_category,
        closed.started_at,
        closed.ended_at,
        {{ seconds_between('closed.started_at', 'closed.ended_at') }} as seconds_in_status,
        clock_at_end.business_clock_seconds - clock_at_start.business_clock_seconds
            as business_seconds_in_status,
        closed.is_current,
        closed.is_resolution,
        closed.is_reopen,
        closed.direction
    from closed
    left join business_clock as clock_at_start
        on
            closed.ticket_id = clock_at_start.ticket_id
            and closed.started_at = clock_at_start.read_at
    left join business_clock as clock_at_end
        on
            closed.ticket_id = clock_at_end.ticket_id
            and closed.ended_at = clock_at_end.read_at

)

select * from final
