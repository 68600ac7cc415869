{#- Each business calendar's clock read at as_of (see int_business_clock_readings): the one
    reading that moves with every load, the same for every ticket of the calendar, so it is
    taken once per calendar instead of once per ticket. -#}

with

calendars as (

    select * from {{ ref('int_business_calendars') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

spine as (

    select * from {{ ref('int_business_calendar_spine') }}

),

located as (

    select
        calendars.calendar as business_calendar,
        as_of.as_of as read_at,
        {{ local_date('as_of.as_of', 'calendars.time_zone') }} as local_date
    from calendars
    cross join as_of

),

final as (

    {{ read_business_clock('located', ['business_calendar']) }}

)

select * from final
