{%- set categories = status_categories() -%}

with

daily_counts as (

    select * from {{ ref('int_ticket_daily_counts') }}

),

ticket_attributes as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

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

day_counts as (

    -- Each ticket's counts per day are stored (int_ticket_daily_counts, recomputed only for
    -- the tickets a build touches): a day's are their sum.
    select
        summary_date,
        sum(tickets_created) as tickets_created,
        sum(first_responses) as first_responses,
        sum(resolutions) as resolutions,
        {%- for category in categories %}
        sum(backlog_move_{{ category }}) as delta_{{ category }},
        {%- endfor %}
        sum(reopens) as reopens
    from daily_counts
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

joined as (

    select
        days.summary_date,
        coalesce(day_counts.tickets_created, 0) as tickets_created,
        coalesce(day_counts.first_responses, 0) as first_responses,
        coalesce(day_counts.resolutions, 0) as resolutions,
        {%- for category in categories %}
        sum(coalesce(day_counts.delta_{{ category }}, 0)) over (
            order by days.summary_date rows between unbounded preceding and current row
        ) as backlog_{{ category }},
        {%- endfor %}
        coalesce(day_counts.reopens, 0) as reopens,
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
    left join day_counts
        on days.summary_date = day_counts.summary_date

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
