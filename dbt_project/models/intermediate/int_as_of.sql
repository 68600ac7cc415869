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

    select max(metadata_end_at) as max_metadata_end_at
    from loads
    where is_current_load

),

observed_as_of as (

    -- The end of what the exports cover: the later of the window end and the last activity.
    select
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
        ) as observed_as_of
    from latest_activity
    cross join latest_window

),

final as (

    -- The `as_of` var wins when set.
    select {{ as_of_var() or 'observed_as_of' }} as as_of
    from observed_as_of

)

select * from final
