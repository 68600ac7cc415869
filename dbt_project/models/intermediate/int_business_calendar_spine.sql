{%- set local_midnight = 'cast(calendar_dates.local_date as ' ~ dbt.type_timestamp() ~ ')' -%}

{#- The working-period spine: for each calendar, one row per local date from the first to the
    last instant any ticket needs (no fixed cap), with that date's working periods in UTC
    (converted with the offset in force at each wall time, so DST days are right) and the
    calendar's business seconds before the date, counted from a fixed anchor date (earlier
    dates count negative) so that a reading stays right when the spine grows. A date without working time (weekend,
    holiday) has one row with null period. Business seconds up to any instant are read from
    here by int_business_clock_readings: an equi-join on calendar and local date, no fan-out
    over the periods an interval spans. -#}

with

tickets as (

    select * from {{ ref('int_ticket_attributes_carried_forward') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

calendars as (

    select * from {{ ref('int_business_calendars') }}

),

business_hours as (

    select * from {{ ref('int_business_hours') }}

),

holidays as (

    select * from {{ ref('ticketflow_holidays') }}

),

ticket_bounds as (

    select
        min(first_activity_at) as first_at,
        max(last_activity_at) as last_at
    from tickets

),

bounds as (

    -- UTC dates one day wider than needed on each side: a local date is at most one day
    -- from its UTC date.
    select
        least(
            cast(least(ticket_bounds.first_at, as_of.as_of) as date) - 1,
            {{ business_clock_anchor_date() }}
        ) as first_date,
        cast(greatest(ticket_bounds.last_at, as_of.as_of) as date) + 1 as last_date
    from ticket_bounds
    cross join as_of
    where ticket_bounds.first_at is not null

),

dates as (

    {{ day_spine('first_date', 'last_date', 'bounds') }}

),

calendar_dates as (

    select
        calendars.calendar,
        calendars.time_zone,
        dates.summary_date as local_date
    from calendars
    cross join dates

),

periods as (

    -- Each weekday row of the calendar on each of its dates that is no holiday.
    select
        calendar_dates.calendar,
        calendar_dates.local_date,
        {{ local_to_utc(
            dbt.dateadd('second', 'business_hours.start_seconds', local_midnight),
            'calendar_dates.time_zone'
        ) }} as period_start_at,
        {{ local_to_utc(
            dbt.dateadd('second', 'business_hours.end_seconds', local_midnight),
            'calendar_dates.time_zone'
        ) }} as period_end_at
    from calendar_dates
    inner join business_hours
        on
            calendar_dates.calendar = business_hours.calendar
            and {{ iso_weekday('calendar_dates.local_date') }} = business_hours.weekday
    left join holidays
        on
            calendar_dates.calendar = holidays.calendar
            and calendar_dates.local_date = holidays.holiday_date
    where holidays.holiday_date is null

),

dated_periods as (

    select
        calendar_dates.calendar,
        calendar_dates.local_date,
        periods.period_start_at,
        periods.period_end_at,
        coalesce(
            {{ seconds_between('periods.period_start_at', 'periods.period_end_at') }}, 0
        ) as period_seconds
    from calendar_dates
    left join periods
        on
            calendar_dates.calendar = periods.calendar
            and calendar_dates.local_date = periods.local_date

),

day_totals as (

    select
        calendar,
        local_date,
        sum(period_seconds) as day_seconds
    from dated_periods
    group by calendar, local_date

),

running_totals as (

    select
        calendar,
        local_date,
        coalesce(sum(day_seconds) over (
            partition by calendar
            order by local_date
            rows between unbounded preceding and 1 preceding
        ), 0) as business_seconds_since_spine_start
    from day_totals

),

anchored_totals as (

    -- Counted from the anchor date (negative before it), not from the spine's first date,
    -- which moves when an older activity arrives: readings stay valid across builds.
    select
        calendar,
        local_date,
        business_seconds_since_spine_start - max(
            case
                when local_date = {{ business_clock_anchor_date() }}
                    then business_seconds_since_spine_start
            end
        ) over (partition by calendar) as business_seconds_before_date
    from running_totals

),

final as (

    select
        dated_periods.calendar,
        dated_periods.local_date,
        dated_periods.period_start_at,
        dated_periods.period_end_at,
        dated_periods.period_seconds,
        cast(anchored_totals.business_seconds_before_date as bigint)
            as business_seconds_before_date
    from dated_periods
    inner join anchored_totals
        on
            dated_periods.calendar = anchored_totals.calendar
            and dated_periods.local_date = anchored_totals.local_date

)

select * from final
