{{ config(severity='warn') }}

{#- Activities with a field whose value is not of the field's type (`"priority": "high"`): it
    is null in its typed column, its text kept in stg_raw__activities (`<field>_text`). A
    warning: the build goes on, and this names the records. An incremental build reads the
    records of its new loads (get_where_subquery, macros/incremental.sql), once this build's
    batch is known. -#}
-- depends_on: {{ ref('int_build_batch') }}

{%- set typed = [
    ('new_ticket_text', 'is_new_ticket'),
    ('priority_text', 'priority'),
    ('source_text', 'source'),
    ('agent_id_text', 'agent_id'),
    ('coalesce(requester_id_text, requester_text)', 'requester_id'),
    ('shipment_date_text', 'shipment_date'),
    ('contacted_customer_text', 'contacted_customer'),
    ('note_id_text', 'note_id'),
    ('note_type_text', 'note_type'),
    ('due_by_text', 'due_by_at'),
    ('automation_type_text', 'automation_type'),
    ('deleted_text', 'is_deleted'),
] %}

{%- set conditions = [] %}
{%- for text, column in typed %}
{%- if column in ('is_new_ticket', 'is_deleted') %}
{%- do conditions.append(text ~ " not in ('true', 'false')") %}
{%- else %}
{%- do conditions.append('(' ~ text ~ ' is not null and ' ~ column ~ ' is null)') %}
{%- endif %}
{%- endfor %}

select
    file_name,
    position,
    ticket_id
from {{ get_where_subquery(ref('stg_raw__activities')) }}
where
    {{ conditions | join('\n    or ') }}
