{#- The id of a unique activity (docs: activity_id) from its landed record's identity: md5
    of `ticket_id-record_hash-occurrence` (the record hash is 63 bits: with the ticket, two
    activities would have to collide within one ticket to share an id). Stored in no
    intermediate table (32 characters a row): the models that show it compute it from raw
    columns, after their joins. -#}
{% macro activity_id(ticket_id, record_hash, occurrence) -%}
    {%- set string = api.Column.translate_type('string') -%}
    {%- set parts = [
        dbt.safe_cast(ticket_id, string),
        "'-'",
        dbt.safe_cast(record_hash, string),
        "'-'",
        dbt.safe_cast(occurrence, string),
    ] -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
