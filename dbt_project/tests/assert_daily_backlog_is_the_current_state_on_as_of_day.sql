{%- set categories = status_categories() -%}

-- On the as_of day the daily backlog is the tickets' current state: each backlog_<category>
-- is the number of tickets now in that category, and backlog_unresolved the number of
-- tickets that carry a status and are not resolved or closed. Counted from
-- fct_ticket_metrics (each ticket's current status and is_resolved), not from the interval
-- boundaries the summary sums up. Returns the as_of day (or a missing one) when they differ.
with

daily_summary as (

    select * from {{ ref('fct_daily_ticket_summary') }}

),

ticket_metrics as (

    select * from {{ ref('fct_ticket_metrics') }}

),

last_day as (

    select max(summary_date) as summary_date from daily_summary

),

as_of_day as (

    select daily_summary.*
    from daily_summary
    inner join last_day
        on daily_summary.summary_date = last_day.summary_date

),

current_state as (

    select
        count(*) as ticket_count,
        {%- for category in categories %}
        count(case when status_category = '{{ category }}' then 1 end) as tickets_{{ category }},
        {%- endfor %}
        count(case when status_category is not null and not is_resolved then 1 end)
            as tickets_unresolved
    from ticket_metrics

)

select
    as_of_day.summary_date,
    {%- for category in categories %}
    as_of_day.backlog_{{ category }},
    current_state.tickets_{{ category }},
    {%- endfor %}
    as_of_day.backlog_unresolved,
    current_state.tickets_unresolved
from current_state
left join as_of_day
    on true
where
    current_state.ticket_count > 0
    and (
        as_of_day.summary_date is null
        {%- for category in categories %}
        or as_of_day.backlog_{{ category }} <> current_state.tickets_{{ category }}
        {%- endfor %}
        or as_of_day.backlog_unresolved <> current_state.tickets_unresolved
    )
