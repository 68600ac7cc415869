{#- Each status change starts an interval that ends at the ticket's next change, or at as_of
    for its current status. Stored once here: dim_tickets, fct_ticket_metrics and
    fct_daily_ticket_summary read this table. Incremental (macros/incremental.sql): a build
    writes the touched tickets' intervals and every ticket's current interval, the one that
    ends at as_of, which moves with every load. -#}
{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
    meta={'also_rebuilt': 'is_current'},
    on_schema_change='append_new_columns',
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

status_changes as (

    select * from {{ ref('int_status_changes_sequenced') }}
    where {{ touched_tickets_only() }} or next_change_at is null

),

record_identities as (

    -- The landed record of each change, whose activity_id is the interval_id: raw columns,
    -- no parsing. Not filtered to the touched tickets: every ticket's current interval is
    -- written again.
    select
        load_id,
        position,
        record_hash,
        occurrence
    from {{ ref('stg_raw__activities') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

service_terms as (

    select * from {{ ref('int_ticket_service_terms') }}

),

business_clock as (

    select * from {{ ref('int_business_clock_readings') }}

),

business_clock_at_as_of as (

    select * from {{ ref('int_business_clock_at_as_of') }}

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
        {{ activity_id(
            'closed.ticket_id', 'record_identities.record_hash', 'record_identities.occurrence'
        ) }} as interval_id,
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
        coalesce(clock_at_end.business_clock_seconds, clock_at_as_of.business_clock_seconds)
        - clock_at_start.business_clock_seconds as business_seconds_in_status,
        closed.is_current,
        closed.is_resolution,
        closed.is_reopen,
        closed.direction
    from closed
    -- left: an interval whose record were missing fails the not_null constraint, not vanishes
    left join record_identities
        on
            closed.load_id = record_identities.load_id
            and closed.position = record_identities.position
    inner join service_terms
        on closed.ticket_id = service_terms.ticket_id
    left join business_clock as clock_at_start
        on
            closed.ticket_id = clock_at_start.ticket_id
            and closed.started_at = clock_at_start.read_at
    left join business_clock as clock_at_end
        on
            closed.ticket_id = clock_at_end.ticket_id
            and closed.next_change_at = clock_at_end.read_at
    left join business_clock_at_as_of as clock_at_as_of
        on
            service_terms.business_calendar = clock_at_as_of.business_calendar
            and closed.is_current

)

select * from final
