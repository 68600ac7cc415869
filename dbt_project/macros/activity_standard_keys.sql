{#- Activity keys Freshdesk defines (SPEC.md's list and those seen in real exports). Every
    other key is a custom field (by label, e.g. "Producto", or `cf_<name>_<account>`) and is
    kept in `custom_fields`. -#}
{% macro activity_standard_keys() -%}
    {{ return([
        'new_ticket', 'status', 'priority', 'source', 'group', 'agent_id', 'requester_id',
        'requester', 'issue_type', 'ticket_type', 'product', 'category', 'shipping_address',
        'shipment_date', 'contacted_customer', 'note', 'due_by', 'sla_policy', 'automation',
        'added_tags', 'removed_tags', 'added_watcher', 'removed_watcher', 'deleted', 'thread',
        'send_email', 'send_reply_email', 'internal_agent_id', 'internal_group_id', 'description',
        'spam',
    ]) }}
{%- endmacro %}
