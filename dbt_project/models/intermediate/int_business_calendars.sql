{#- One row per business calendar with its time zone (the account's when the seed leaves it
    empty). A calendar given two zones fails the uniqueness test of `calendar`. -#}

with

business_hours as (

    select * from {{ ref('int_business_hours') }}

),

final as (

    select distinct
        calendar,
        time_zone
    from business_hours

)

select * from final
