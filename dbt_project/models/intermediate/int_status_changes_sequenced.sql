{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

activities as (

    select * from {{ ref('int_activities_classified') }}
    where {{ touched_tickets_only() }}

),

status_rows as (

    select
        ticket_id,
        load_id,
        position,
        activity_sequence,
        performed_at,
        status,
        status_key,
        status_category,
        is_status_mapped,
        is_solved,
        stage_order
    from activities
    where status is not null

),

compared_to_current as (

    select
        *,
        lag(status_key) over (
            partition by ticket_id
            order by activity_sequence
        ) as current_status_key
    from status_rows

),

changes as (

    -- A status equal to the ticket's current status is not a change.
    select * from compared_to_current
    where
        current_status_key is null
        or status_key <> current_status_key

),

sequenced as (

    select
        *,
        -- bigint on every engine (Spark's row_number is an int)
        cast(row_number() over ticket_changes as bigint) as change_sequence,
        lag(status) over ticket_changes as previous_status,
        lag(status_category) over ticket_changes as previous_status_category,
        lag(is_solved) over ticket_changes as is_previous_solved,
        lag(stage_order) over ticket_changes as previous_stage_order,
        lead(performed_at) over ticket_changes as next_change_at
    from changes
    window ticket_changes as (
        partition by ticket_id
        order by activity_sequence
    )

),

final as (

    -- (load_id, position) names the change's landed record: fct_ticket_status_intervals
    -- makes its interval_id of it (the activity_id, 32 characters, is stored there alone).
    select
        ticket_id,
        load_id,
        position,
        activity_sequence,
        change_sequence,
        performed_at as changed_at,
        next_change_at,
        status,
        status_category,
        is_status_mapped,
        is_solved,
        previous_status,
        previous_status_category,
        -- Into resolved/closed from a non-solved status, or as the ticket's first status.
        is_solved and coalesce(not is_previous_solved, true) as is_resolution,
        coalesce(is_previous_solved and not is_solved, false) as is_reopen,
        case
            when change_sequence = 1 then 'initial'
            when
                stage_order is null or previous_stage_order is null
                or stage_order = previous_stage_order then 'lateral'
            when stage_order > previous_stage_order then 'forward'
            else 'backward'
        end as direction
    from sequenced

)

select * from final
