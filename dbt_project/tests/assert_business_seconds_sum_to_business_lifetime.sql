{#- Business time in status sums to the business seconds of [first status change, as_of),
    read from the ticket's business clock (SPEC.md, "Business hours and SLA"). -#}
{%- set categories = status_categories() -%}

with

metrics as (

    select * from {{ ref('fct_ticket_metrics') }}

),

business_clock as (

    select * from {{ ref('int_business_clock_readings') }}

),

business_clock_at_as_of as (

    select * from {{ ref('int_business_clock_at_as_of') }}

),

final as (

    select
        metrics.ticket_id,
        {%- for category in categories %}
        {{ '+ ' if not loop.first }}metrics.business_seconds_{{ category }}
        {%- endfor %}
            as business_seconds_in_statuses,
        clock_at_as_of.business_clock_seconds - clock_at_first_status.business_clock_seconds
            as business_lifetime_seconds
    from metrics
    inner join business_clock as clock_at_first_status
        on
            metrics.ticket_id = clock_at_first_status.ticket_id
            and metrics.first_status_at = clock_at_first_status.read_at
    inner join business_clock_at_as_of as clock_at_as_of
        on
            metrics.business_calendar = clock_at_as_of.business_calendar
            and metrics.as_of = clock_at_as_of.read_at

)

select * from final
where business_seconds_in_statuses <> business_lifetime_seconds
