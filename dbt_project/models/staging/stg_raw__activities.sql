{#- A table, unlike the other staging models: deduplicating and parsing every activity is the
    costliest step of the build, and as a view it ran again for each model and each data
    test that reads it. It also numbers `activity_sequence`, the deterministic order every
    later model uses, while it writes each activity once (see DECISIONS.md, Engineering). -#}
{{ config(materialized='table') }}

{%- set bigint = api.Column.translate_type('bigint') -%}
{%- set integer = api.Column.translate_type('integer') -%}
{%- set boolean = api.Column.translate_type('boolean') -%}

with

activities as (

    select * from {{ source('raw', 'activities') }}

),

activity_keys as (

    -- The identity and ordering columns alone, read separately: a relation read twice
    -- through one CTE gets materialized whole (activity JSON included) by some engines,
    -- DuckDB among them.
    select record_hash, occurrence, load_id, position, ticket_id, performed_at
    from {{ source('raw', 'activities') }}

),

loads as (

    select * from {{ ref('stg_raw__loads') }}

),

first_copies as (

    -- Only files whose load stands (not failed, not replaced by a re-export). The same
    -- activity in overlapping files: identity is the record and its occurrence among
    -- identical records; the copy from the earliest load is kept. A file holds each identity
    -- once (occurrence numbers its repeats), so the load alone decides: a hash aggregate of
    -- the keys, not a sort of every row. ticket_id and performed_at are read from the record,
    -- so identical records share them: grouped by, they come along without an aggregate.
    select
        activity_keys.ticket_id,
        activity_keys.performed_at,
        min(activity_keys.load_id) as load_id,
        {{ first_by('activity_keys.position', 'activity_keys.load_id') }} as position
    from activity_keys
    inner join loads
        on activity_keys.load_id = loads.load_id
    where loads.is_current_load
    group by
        activity_keys.record_hash,
        activity_keys.occurrence,
        activity_keys.ticket_id,
        activity_keys.performed_at

),

activity_order as (

    -- The deterministic order, numbered here on the kept copies' ordering columns alone
    -- (sorting four columns is several times cheaper than sorting whole rows) while the
    -- table is written once, so no later model sorts or joins every activity for it.
    select
        load_id,
        position,
        row_number() over (
            partition by ticket_id
            order by performed_at, load_id, position
        ) as activity_sequence
    from first_copies

),

unique_activities as (

    -- (load_id, position) names one landed record: the kept copies, by two integers.
    select
        activities.*,
        activity_order.activity_sequence
    from activities
    inner join activity_order
        on activities.load_id = activity_order.load_id
        and activities.position = activity_order.position

),

activity_fields as (

    {{ json_extract_fields('unique_activities', 'activity', carry=[
        'record_hash', 'occurrence', 'ticket_id', 'performed_at', 'load_id', 'file_name',
        'position', 'activity_sequence', 'performer_type', 'performer_id', 'activity',
    ], fields=[
        ('new_ticket_text', 'text', ['new_ticket']),
        ('status', 'text', ['status']),
        ('priority_text', 'text', ['priority']),
        ('source_text', 'text', ['source']),
        ('has_group', 'has_key', ['group']),
        ('group_name', 'text', ['group']),
        ('has_agent', 'has_key', ['agent_id']),
        ('agent_id_text', 'text', ['agent_id']),
        ('requester_id_text', 'text', ['requester_id']),
        ('requester_text', 'text', ['requester']),
        ('issue_type', 'text', ['issue_type']),
        ('ticket_type', 'text', ['ticket_type']),
        ('product', 'text', ['product']),
        ('category', 'text', ['category']),
        ('shipping_address', 'text', ['shipping_address']),
        ('shipment_date_text', 'text', ['shipment_date']),
        ('contacted_customer_text', 'text', ['contacted_customer']),
        ('note_id_text', 'text', ['note', 'id']),
        ('note_type_text', 'text', ['note', 'type']),
        ('due_by_text', 'text', ['due_by']),
        ('sla_policy', 'text', ['sla_policy']),
        ('automation_type_text', 'text', ['automation', 'type']),
        ('automation_rule', 'text', ['automation', 'rule']),
        ('added_tags', 'json', ['added_tags']),
        ('removed_tags', 'json', ['removed_tags']),
        ('deleted_text', 'text', ['deleted']),
    ]) }}

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
        activity_sequence,
        performer_type,
        performer_id,
        coalesce({{ dbt.safe_cast('new_ticket_text', boolean) }}, false) as is_new_ticket,
        status,
        {{ dbt.safe_cast('priority_text', integer) }} as priority,
        {{ dbt.safe_cast('source_text', integer) }} as source,
        has_group,
        group_name,
        has_agent,
        {{ dbt.safe_cast('agent_id_text', bigint) }} as agent_id,
        {{ dbt.safe_cast('coalesce(requester_id_text, requester_text)', bigint) }} as requester_id,
        issue_type,
        ticket_type,
        product,
        category,
        shipping_address,
        {{ export_date('shipment_date_text') }} as shipment_date,
        {{ dbt.safe_cast('contacted_customer_text', boolean) }} as contacted_customer,
        {{ dbt.safe_cast('note_id_text', bigint) }} as note_id,
        {{ dbt.safe_cast('note_type_text', integer) }} as note_type,
        {{ export_time_to_utc('due_by_text') }} as due_by_at,
        sla_policy,
        {{ dbt.safe_cast('automation_type_text', integer) }} as automation_type,
        automation_rule,
        added_tags,
        removed_tags,
        coalesce({{ dbt.safe_cast('deleted_text', boolean) }}, false) as is_deleted,
        {{ json_without_keys('activity', activity_standard_keys()) }} as custom_fields
    from activity_fields

)

select * from flattened
