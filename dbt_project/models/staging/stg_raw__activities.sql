{#- One row per landed record (grain `load_id`, `position`), every copy of every load: the
    envelope renamed, the activity JSON parsed once per row into typed columns. A view:
    readers take a few columns each and DuckDB prunes the rest (the JSON parse included)
    through it; deduplication and ordering are `int_activities_sequenced`. -#}

{%- set bigint = api.Column.translate_type('bigint') -%}
{%- set integer = api.Column.translate_type('integer') -%}
{%- set boolean = api.Column.translate_type('boolean') -%}
{%- set string = api.Column.translate_type('string') -%}

with

activities as (

    select * from {{ source('raw', 'activities') }}

),

activity_fields as (

    {{ json_extract_fields('activities', 'activity', carry=[
        'record_hash', 'occurrence', 'ticket_id', 'performed_at', 'load_id', 'file_name',
        'position', 'performer_type', 'performer_id', 'activity',
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
        {{ dbt.hash(dbt.concat(['record_hash', "'-'", dbt.safe_cast('occurrence', string)])) }}
            as activity_id,
        record_hash,
        occurrence,
        ticket_id,
        performed_at,
        load_id,
        file_name,
        position,
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
