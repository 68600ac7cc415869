with

activities as (

    select * from {{ ref('int_activities_sequenced') }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

latest_activity as (

    select max(performed_at) as max_performed_at from activities

),

latest_window as (

    select max(metadata_end_at) as max_metadata_end_at from loads where is_current_load

),

final as (

    select
        {%- if as_of_var() is not none %}
        {{ as_of_var() }} as as_of
        {%- else %}
        cast(
            case
                when latest_window.max_metadata_end_at is null
                    then latest_activity.max_performed_at
                when latest_activity.max_performed_at is null
                    then latest_window.max_metadata_end_at
                when latest_window.max_metadata_end_at > latest_activity.max_performed_at
                    then latest_window.max_metadata_end_at
                else latest_activity.max_performed_at
            end
            as {{ dbt.type_timestamp() }}
        ) as as_of
        {%- endif %}
    from latest_activity
    cross join latest_window

)

select * from final
