{%- set categories = status_categories() -%}

with

tickets as (

    select * from {{ ref('fct_ticket_metrics') }}

),

ticket_attributes as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

),

status_intervals as (

    select * from {{ ref('fct_ticket_status_intervals') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

bounds as (

    select
        {{ local_date('min(ticket_attributes.first_activity_at)') }} as first_date,
        {{ local_date('max(as_of.as_of)') }} as last_date
    from ticket_attributes
    cross join as_of

),

days as (

    {{ day_spine('bounds.first_date', 'bounds.last_date', 'bounds') }}

),

created as (

    select
        {{ local_date('created_at') }} as summary_date,
        count(*) as tickets_created
    from tickets
    where is_created_in_window
    group by summary_date

),

first_responses as (

    select
        {{ local_date('first_response_at') }} as summary_date,
        count(*) as first_responses
    from tickets
    -- A ticket created before the exports may have been answered before them too: its first
    -- response in the exports is not known to be its first, so it is not counted.
    where first_response_at is not null and is_created_in_window
    group by summary_date

),

status_events as (

    select
        {{ local_date('started_at') }} as summary_date,
        sum(case when is_resolution then 1 else 0 end) as resolutions,
        sum(case when is_reopen then 1 else 0 end) as reopens
    from status_intervals
    group by summary_date

),

day_bounds as (

    -- Each local day as a UTC range [day_start_at, day_end_at): 23 or 25 hours on DST days.
    select
        summary_date,
        {{ local_midnight_utc('summary_date') }} as day_start_at,
        {{ local_midnight_utc(dbt.dateadd('day', 1, 'summary_date')) }} as day_end_at
    from days

),

export_windows as (

    select
        metadata_start_at,
        metadata_end_at
    from loads
    where is_current_load and metadata_start_at is not null

),

window_count as (

    select count(*) as export_window_count
    from export_windows

),

coverage as (

    -- A day is covered when a standing load's window [start_at, end_at] overlaps it; with no
    -- window loaded at all (JSON lines only) coverage is unknown: null.
    select
        day_bounds.summary_date,
        {{ dbt.dateadd('second', -1, 'day_bounds.day_end_at') }} as day_last_second_at,
        case
            when max(window_count.export_window_count) > 0
                then count(export_windows.metadata_start_at) > 0
        end as has_export_window
    from day_bounds
    cross join window_count
    left join export_windows
        on
            day_bounds.day_end_at > export_windows.metadata_start_at
            and day_bounds.day_start_at < export_windows.metadata_end_at
    group by day_bounds.summary_date, day_bounds.day_end_at

),

backlog_moves as (

    -- A ticket is in an interval's status at the end of every day from the day the interval
    -- starts up to the day before it ends (through the as_of day for the current interval):
    -- +1 on the start day, -1 on the end day.
    select
        {{ local_date('started_at') }} as summary_date,
        status_category,
        1 as delta
    from status_intervals
    union all
    select
        {{ local_date('ended_at') }} as summary_date,
        status_category,
        -1 as delta
    from status_intervals
    where not is_current

),

backlog_deltas as (

    select
        {%- for category in categories %}
        sum(case when status_category = '{{ category }}' then delta else 0 end)
            as delta_{{ category }},
        {%- endfor %}
        summary_date
    from backlog_moves
    group by summary_date

),

joined as (

    select
        days.summary_date,
        coalesce(created.tickets_created, 0) as tickets_created,
        coalesce(first_responses.first_responses, 0) as first_responses,
        coalesce(status_events.resolutions, 0) as resolutions,
        {%- for category in categories %}
        sum(coalesce(backlog_deltas.delta_{{ category }}, 0)) over (
            order by days.summary_date rows between unbounded preceding and current row
        ) as backlog_{{ category }},
        {%- endfor %}
        coalesce(status_events.reopens, 0) as reopens,
        coverage.has_export_window,
        -- The day holding as_of is partial unless as_of is its last second.
        coalesce(
            days.summary_date = {{ local_date('as_of.as_of') }}
            and as_of.as_of < coverage.day_last_second_at,
            false
        ) as is_partial_day
    from days
    inner join coverage
        on days.summary_date = coverage.summary_date
    cross join as_of
    left join created
        on days.summary_date = created.summary_date
    left join first_responses
        on days.summary_date = first_responses.summary_date
    left join status_events
        on days.summary_date = status_events.summary_date
    left join backlog_deltas
        on days.summary_date = backlog_deltas.summary_date

),

final as (

    select
        summary_date,
        cast(tickets_created as bigint) as tickets_created,
        cast(first_responses as bigint) as first_responses,
        cast(resolutions as bigint) as resolutions,
        cast(reopens as bigint) as reopens,
        {%- for category in categories %}
        cast(backlog_{{ category }} as bigint) as backlog_{{ category }},
        {%- endfor %}
        cast(
            {%- for category in status_categories(is_solved=false) %}
            {{ '+ ' if not loop.first }}backlog_{{ category }}
            {%- endfor %}
            as bigint
        ) as backlog_unresolved,
        has_export_window,
        is_partial_day
    from joined

)

select * from final
