{#- What each ticket adds to each of the account's days in fct_daily_ticket_summary: created,
    first response, resolutions, reopens, and the moves of the backlog (+1 into a status
    category on the day an interval starts, -1 on the day a closed interval ends). None of it
    reads as_of, so it is per ticket and incremental like the other ticket-grain models: a
    build recomputes the days of the touched tickets only, and the summary sums these rows
    per day (DECISIONS.md, "Incremental builds"). -#}
{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
{%- set categories = status_categories() %}
-- depends_on: {{ ref('int_touched_tickets') }}

with

-- One CTE per use of a relation: DuckDB materializes a CTE read twice (at 10M activities
-- the copies of the status changes alone took a quarter of the memory limit).
tickets_created as (

    select
        ticket_id,
        created_at
    from {{ ref('int_ticket_attributes_carried_forward') }}
    where is_created_in_window and {{ touched_tickets_only() }}

),

tickets_answered as (

    select ticket_id
    from {{ ref('int_ticket_attributes_carried_forward') }}
    where is_created_in_window and {{ touched_tickets_only() }}

),

responses as (

    select
        ticket_id,
        responded_at
    from {{ ref('int_responses') }}
    where {{ touched_tickets_only() }}

),

status_changes_started as (

    select
        ticket_id,
        changed_at,
        status_category,
        is_resolution,
        is_reopen
    from {{ ref('int_status_changes_sequenced') }}
    where {{ touched_tickets_only() }}

),

status_changes_ended as (

    select
        ticket_id,
        next_change_at,
        status_category
    from {{ ref('int_status_changes_sequenced') }}
    where next_change_at is not null and {{ touched_tickets_only() }}

),

first_responses as (

    select
        ticket_id,
        min(responded_at) as first_response_at
    from responses
    group by ticket_id

),

events as (

    -- Only a ticket created in the exports counts as created; its first response too (a
    -- ticket created before them may have been answered before them).
    select
        ticket_id,
        {{ local_date('created_at') }} as summary_date,
        1 as is_created,
        0 as is_first_response,
        0 as is_resolution,
        0 as is_reopen,
        cast(null as {{ dbt.type_string() }}) as status_category,
        0 as backlog_move
    from tickets_created
    union all
    select
        first_responses.ticket_id,
        {{ local_date('first_responses.first_response_at') }} as summary_date,
        0 as is_created,
        1 as is_first_response,
        0 as is_resolution,
        0 as is_reopen,
        cast(null as {{ dbt.type_string() }}) as status_category,
        0 as backlog_move
    from first_responses
    inner join tickets_answered
        on first_responses.ticket_id = tickets_answered.ticket_id
    union all
    -- A ticket is in an interval's status at the end of every day from the day the interval
    -- starts up to the day before it ends (through the as_of day for the current interval).
    select
        ticket_id,
        {{ local_date('changed_at') }} as summary_date,
        0 as is_created,
        0 as is_first_response,
        case when is_resolution then 1 else 0 end as is_resolution,
        case when is_reopen then 1 else 0 end as is_reopen,
        status_category,
        1 as backlog_move
    from status_changes_started
    union all
    select
        ticket_id,
        {{ local_date('next_change_at') }} as summary_date,
        0 as is_created,
        0 as is_first_response,
        0 as is_resolution,
        0 as is_reopen,
        status_category,
        -1 as backlog_move
    from status_changes_ended

),

final as (

    -- Counts, not sums: a count's state is a bigint where DuckDB sums integers into 128-bit
    -- state, and the aggregate holds one state per column for every ticket and day (3M at
    -- 10M activities): with sums it did not fit DuckDB's 1.2 GB while another model ran.
    select
        ticket_id,
        summary_date,
        cast(count(case when is_created = 1 then 1 end) as integer) as tickets_created,
        cast(count(case when is_first_response = 1 then 1 end) as integer) as first_responses,
        cast(count(case when is_resolution = 1 then 1 end) as integer) as resolutions,
        {%- for category in categories %}
        cast(
            count(case when status_category = '{{ category }}' and backlog_move = 1 then 1 end)
            - count(case when status_category = '{{ category }}' and backlog_move = -1 then 1 end)
            as integer
        ) as backlog_move_{{ category }},
        {%- endfor %}
        cast(count(case when is_reopen = 1 then 1 end) as integer) as reopens
    from events
    group by ticket_id, summary_date

)

select * from final
