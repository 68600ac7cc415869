{#- The ticket's business clock read at each instant a business-hours metric starts or ends
    at, as_of aside: its creation, every status change and its first response. The reading is
    the business seconds of the ticket's calendar from the spine's anchor date up to that
    instant, so the business seconds of [t1, t2) are the reading at t2 minus the reading at
    t1 (macros/business_clock.sql). A ticket's readings do not depend on as_of: incremental,
    recomputed for the touched tickets; int_business_clock_at_as_of reads each calendar's
    clock at as_of. -#}
{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}
    where {{ touched_tickets_only() }}

),

status_changes as (

    select * from {{ ref('int_status_changes_sequenced') }}
    where {{ touched_tickets_only() }}

),

responses as (

    select * from {{ ref('int_responses') }}
    where {{ touched_tickets_only() }}

),

service_terms as (

    select * from {{ ref('int_ticket_service_terms') }}
    where {{ touched_tickets_only() }}

),

calendars as (

    select * from {{ ref('int_business_calendars') }}

),

spine as (

    select * from {{ ref('int_business_calendar_spine') }}

),

instants as (

    select
        ticket_id,
        created_at as read_at
    from tickets
    union
    select
        ticket_id,
        changed_at as read_at
    from status_changes
    union
    select
        ticket_id,
        min(responded_at) as read_at
    from responses
    group by ticket_id

),

located as (

    select
        instants.ticket_id,
        instants.read_at,
        service_terms.business_calendar,
        {{ local_date('instants.read_at', 'calendars.time_zone') }} as local_date
    from instants
    inner join service_terms
        on instants.ticket_id = service_terms.ticket_id
    inner join calendars
        on service_terms.business_calendar = calendars.calendar

),

final as (

    {{ read_business_clock('located', ['ticket_id']) }}

)

select * from final
