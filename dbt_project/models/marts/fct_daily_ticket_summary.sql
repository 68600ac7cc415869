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

bounds as (

    select
        cast(min(ticket_attributes.first_activity_at) as date) as first_date,
        cast(max(as_of.as_of) as date) as last_date
    from ticket_attributes
    cross join as_of

),

days as (

    {{ day_spine('bounds.first_date', 'bounds.last_date', 'bounds') }}

),

created as (

    select
        cast(created_at as date) as summary_date,
        count(*) as tickets_created
    from tickets
    where is_created_in_window
    group by summary_date

),

first_responses as (

    select
        cast(first_response_at as date) as summary_date,
        count(*) as first_responses
    from tickets
    where first_response_at is not null
    group by summary_date

),

status_events as (

    select
        cast(started_at as date) as summary_date,
        sum(case when is_resolution then 1 else 0 end) as resolutions,
        sum(case when is_reopen then 1 else 0 end) as reopens
    from status_intervals
    group by summary_date

),

backlog_moves as (

    -- A ticket is in an interval's status at the end of every day from the day the interval
    -- starts up to the day before it ends (through the as_of day for the current interval):
    -- +1 on the start day, -1 on the end day.
    select
        cast(started_at as date) as summary_date,
        status_category,
        1 as delta
    from status_intervals
    union all
    select
        cast(ended_at as date) as summary_date,
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
        coalesce(status_events.reopens, 0) as reopens
    from days
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
        ) as backlog_unresolved
    from joined

)

select * from final
