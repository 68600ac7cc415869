{#- The time zone names the engine knows, for the test of the calendars' zones. -#}

with

final as (

    {{ known_time_zones() }}

)

select * from final
