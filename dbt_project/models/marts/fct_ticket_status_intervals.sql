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
        activity_id as interval_id,
        ticket_id,
        change_sequence as interval_sequence,
        status,
        status_category,
        is_status_mapped,
        previous_status,
        previous_status_category,
        started_at,
        ended_at,
        {{ seconds_between('started_at', 'ended_at') }} as seconds_in_status,
        is_current,
        is_resolution,
        is_reopen,
        direction
    from closed

)

select * from final
