{%- set bigint = api.Column.translate_type('bigint') -%}
{%- set integer = api.Column.translate_type('integer') -%}
{%- set boolean = api.Column.translate_type('boolean') -%}

with

activities as (

    select * from {{ source('raw', 'activities') }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

current_load_activities as (

    -- Only files whose load stands (not failed, not replaced by a re-export).
    select activities.*
    from activities
    inner join loads
        on activities.load_id = loads.load_id
    where loads.is_current_load

),

ranked_copies as (

    -- The same activity in overlapping files: identity is the record and its occurrence
    -- among identical records; the copy from the earliest load (then position) is kept.
    select
        *,
        row_number() over (
            partition by record_hash, occurrence
            order by load_id, position
        ) as copy_number
    from current_load_activities

),

unique_activities as (

    select * from ranked_copies
    where copy_number = 1

),

flattened as (

    select
        {{ dbt.hash(dbt.concat(['record_hash', "'-'", dbt.safe_cast('occurrence', api.Column.translate_type('string'))])) }} as activity_id,
        record_hash,
        occurrence,
        ticket_id,
        performed_at,
        load_id,
        file_name,
        position,
        performer_type,
        performer_id,
        coalesce({{ dbt.safe_cast(json_text('activity', 'new_ticket'), boolean) }}, false) as is_new_ticket,
        {{ json_text('activity', 'status') }} as status,
        {{ dbt.safe_cast(json_text('activity', 'priority'), integer) }} as priority,
        {{ dbt.safe_cast(json_text('activity', 'source'), integer) }} as source,
        {{ json_has_key('activity', 'group') }} as has_group,
        {{ json_text('activity', 'group') }} as group_name,
        {{ json_has_key('activity', 'agent_id') }} as has_agent,
        {{ dbt.safe_cast(json_text('activity', 'agent_id'), bigint) }} as agent_id,
        {{ dbt.safe_cast(
            'coalesce(' ~ json_text('activity', 'requester_id') ~ ', ' ~ json_text('activity', 'requester') ~ ')',
            bigint
        ) }} as requester_id,
        {{ json_text('activity', 'issue_type') }} as issue_type,
        {{ json_text('activity', 'ticket_type') }} as ticket_type,
        {{ json_text('activity', 'product') }} as product,
        {{ json_text('activity', 'category') }} as category,
        {{ json_text('activity', 'shipping_address') }} as shipping_address,
        {{ export_date(json_text('activity', 'shipment_date')) }} as shipment_date,
        {{ dbt.safe_cast(json_text('activity', 'contacted_customer'), boolean) }} as contacted_customer,
        {{ dbt.safe_cast(json_text(json_value('activity', 'note'), 'id'), bigint) }} as note_id,
        {{ dbt.safe_cast(json_text(json_value('activity', 'note'), 'type'), integer) }} as note_type,
        {{ export_time_to_utc(json_text('activity', 'due_by')) }} as due_by_at,
        {{ json_text('activity', 'sla_policy') }} as sla_policy,
        {{ dbt.safe_cast(json_text(json_value('activity', 'automation'), 'type'), integer) }} as automation_type,
        {{ json_text(json_value('activity', 'automation'), 'rule') }} as automation_rule,
        {{ json_value('activity', 'added_tags') }} as added_tags,
        {{ json_value('activity', 'removed_tags') }} as removed_tags,
        coalesce({{ dbt.safe_cast(json_text('activity', 'deleted'), boolean) }}, false) as is_deleted,
        {{ json_without_keys('activity', activity_standard_keys()) }} as custom_fields
    from unique_activities

)

select * from flattened
