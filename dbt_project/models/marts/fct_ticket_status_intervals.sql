with

status_intervals as (

    select * from {{ ref('int_status_intervals') }}

),

final as (

    select
        interval_id,
        ticket_id,
        interval_sequence,
        status,
        status_category,
        is_status_mapped,
        previous_status,
        previous_status_category,
        started_at,
        ended_at,
        seconds_in_status,
        is_current,
        is_resolution,
        is_reopen,
        direction
    from status_intervals

)

select * from final
