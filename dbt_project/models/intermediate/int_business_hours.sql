{#- The working periods of each calendar's weekdays in seconds after local midnight, with
    overlapping (or touching) rows of the seed merged so that they count once. -#}

with

business_hours as (

    select * from {{ ref('ticketflow_business_hours') }}

),

parsed as (

    select
        calendar,
        coalesce(nullif(trim(time_zone), ''), {{ account_time_zone() }}) as time_zone,
        weekday,
        {{ time_of_day_seconds('start_time') }} as start_seconds,
        {{ time_of_day_seconds('end_time') }} as end_seconds
    from business_hours

),

with_previous_end as (

    select
        *,
        max(end_seconds) over (
            partition by calendar, weekday
            order by start_seconds, end_seconds
            rows between unbounded preceding and 1 preceding
        ) as previous_end_seconds
    from parsed

),

islands as (

    -- A row that starts after every earlier row of its day has ended starts a new period.
    select
        *,
        sum(case when previous_end_seconds >= start_seconds then 0 else 1 end) over (
            partition by calendar, weekday
            order by start_seconds, end_seconds
            rows between unbounded preceding and current row
        ) as period_number
    from with_previous_end

),

final as (

    select
        calendar,
        time_zone,
        weekday,
        min(start_seconds) as start_seconds,
        max(end_seconds) as end_seconds
    from islands
    group by calendar, time_zone, weekday, period_number

)

select * from final
