{#- The ticket's business clock read at each instant a business-hours metric starts or ends
    at: its creation, every status change, its first response and as_of. The reading is the
    business seconds of the ticket's calendar from the start of the spine up to that instant,
    so the business seconds of [t1, t2) are the reading at t2 minus the reading at t1. It
    is found with an equi-join on the instant's local date in the calendar's zone: the
    business seconds before that date plus the part of each of the date's working periods
    that lies before the instant. -#}

with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

),

status_changes as (

    select * from {{ ref('int_status_changes_sequenced') }}

),

responses as (

    select * from {{ ref('int_responses') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

service_terms as (

    select * from {{ ref('int_ticket_service_terms') }}

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
        tickets.ticket_id,
        as_of.as_of as read_at
    from tickets
    cross join as_of
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

    select
        located.ticket_id,
        located.read_at,
        cast(
            max(spine.business_seconds_before_date)
            + coalesce(sum({{ clamp_seconds(
                seconds_between('spine.period_start_at', 'located.read_at'),
                'spine.period_seconds'
            ) }}), 0)
            as bigint
        ) as business_clock_seconds
    from located
    inner join spine
        on
            located.business_calendar = spine.calendar
            and located.local_date = spine.local_date
    group by located.ticket_id, located.read_at

)

select * from final
