{{ config(
    materialized=ticket_grain_materialization(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_tickets() }}",
) }}
-- depends_on: {{ ref('int_touched_tickets') }}

with

activities as (

    select * from {{ ref('int_activities_sequenced') }}
    where {{ touched_tickets_only() }}

),

field_settings as (

    {{ json_object_entries('activities', 'custom_fields', ['ticket_id', 'activity_sequence']) }}

),

latest_settings as (

    -- Each custom field keeps the value of the last activity that set it.
    select
        ticket_id,
        field_name,
        {{ last_by('field_value', 'activity_sequence') }} as field_value
    from field_settings
    group by ticket_id, field_name

),

final as (

    select
        ticket_id,
        {{ json_object_agg('field_name', 'field_value') }} as custom_fields
    from latest_settings
    group by ticket_id

)

select * from final
