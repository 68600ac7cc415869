{#- MetricFlow's time spine: one row per account-local day (`date_day`), the days of
    fct_daily_ticket_summary, from the first activity's day to the as_of day. Every event the
    semantic layer measures falls in that range. -#}

with

fct_daily_ticket_summary as (

    select * from {{ ref('fct_daily_ticket_summary') }}

),

final as (

    select summary_date as date_day
    from fct_daily_ticket_summary

)

select * from final
