{#- One row per landed record (grain `load_id`, `position`), every copy of every load: the
    envelope renamed, the activity JSON parsed once per row into typed columns. A view:
    readers take a few columns each and DuckDB prunes the rest (the JSON parse included)
    through it; deduplication and ordering are `int_activities_sequenced`. -#}

{%- set bigint = api.Column.translate_type('bigint') -%}
{%- set integer = api.Column.translate_type('integer') -%}
{%- set boolean = api.Column.translate_type('boolean') -%}

with

activities as (

    select
        record_hash,
        occurrence,
        ticket_id,
        performed_at,
        load_id,
        file_name,
        position,
        performer_type,
        performer_id,
        {{ json_last_value_per_key('activity') }} as activity
    from {{ source('raw', 'activities') }}

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
        record_hash,
        occurrence,
        ticket_id,
        performed_at,
        load_id,
        file_name,
        position,
        performer_type,
        performer_id,
        coalesce({{ text_to_boolean('new_ticket_text') }}, false) as is_new_ticket,
        status,
        {{ text_to_integer('priority_text', 'integer') }} as priority,
        {{ text_to_integer('source_text', 'integer') }} as source,
        has_group,
        group_name,
        has_agent,
        {{ text_to_integer('agent_id_text', 'bigint') }} as agent_id,
        coalesce(
            {{ text_to_integer('requester_id_text', 'bigint') }},
            {{ text_to_integer('requester_text', 'bigint') }}
        ) as requester_id,
        issue_type,
        ticket_type,
        product,
        category,
        shipping_address,
        {{ export_date('shipment_date_text') }} as shipment_date,
        {{ text_to_boolean('contacted_customer_text') }} as contacted_customer,
        {{ text_to_integer('note_id_text', 'bigint') }} as note_id,
        {{ text_to_integer('note_type_text', 'integer') }} as note_type,
        {{ export_time_to_utc('due_by_text') }} as due_by_at,
        sla_policy,
        {{ text_to_integer('automation_type_text', 'integer') }} as automation_type,
        automation_rule,
        added_tags,
        removed_tags,
        coalesce({{ text_to_boolean('deleted_text') }}, false) as is_deleted,
        {{ json_without_keys('activity', activity_standard_keys()) }} as custom_fields,
        -- The text of each typed field as exported: a value of the wrong type is null in its
        -- typed column and kept here (assert_typed_fields_fit_their_types warns of it).
        new_ticket_text,
        priority_text,
        source_text,
        agent_id_text,
        requester_id_text,
        requester_text,
        shipment_date_text,
        contacted_customer_text,
        note_id_text,
        note_type_text,
        due_by_text,
        automation_type_text,
        deleted_text
    from activity_fields

)

select * from flattened
