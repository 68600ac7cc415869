{#- JSON access used by staging, dispatched because every engine spells it differently. -#}

{#- The text of a top-level key (null when absent or null). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'ticketflow')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    ({{ column }} ->> '$."{{ key }}"')
{%- endmacro %}

{#- The JSON value of a top-level key. -#}
{% macro json_value(column, key) -%}
    {{ return(adapter.dispatch('json_value', 'ticketflow')(column, key)) }}
{%- endmacro %}

{% macro default__json_value(column, key) -%}
    ({{ column }} -> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_value(column, key) -%}
    ({{ column }} -> '$."{{ key }}"')
{%- endmacro %}

{#- True when the key is present, even with a null value. -#}
{% macro json_has_key(column, key) -%}
    {{ return(adapter.dispatch('json_has_key', 'ticketflow')(column, key)) }}
{%- endmacro %}

{% macro default__json_has_key(column, key) -%}
    (({{ column }})::jsonb ? '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_has_key(column, key) -%}
    coalesce(json_exists({{ column }}, '$."{{ key }}"'), false)
{%- endmacro %}

{#- The object without the listed keys (null when nothing is left). -#}
{% macro json_without_keys(column, keys) -%}
    {{ return(adapter.dispatch('json_without_keys', 'ticketflow')(column, keys)) }}
{%- endmacro %}

{% macro default__json_without_keys(column, keys) -%}
    nullif(({{ column }})::jsonb{% for key in keys %} - '{{ key }}'{% endfor %}, '{}'::jsonb)
{%- endmacro %}

{% macro duckdb__json_without_keys(column, keys) -%}
    {#- A JSON merge patch (RFC 7396) with null for each key removes exactly those keys. -#}
    nullif(
        json_merge_patch({{ column }}, '{ {%- for key in keys %}"{{ key }}":null{% if not loop.last %},{% endif %}{% endfor -%} }'),
        '{}'
    )
{%- endmacro %}

{#- One row per key of a JSON object column: the `carry` columns, field_name, field_value. -#}
{% macro json_object_entries(relation, column, carry) -%}
    {{ return(adapter.dispatch('json_object_entries', 'ticketflow')(relation, column, carry)) }}
{%- endmacro %}

{% macro default__json_object_entries(relation, column, carry) -%}
    select {% for c in carry %}{{ relation }}.{{ c }}, {% endfor %}entries.key as field_name, entries.value as field_value
    from {{ relation }}
    cross join lateral jsonb_each(({{ relation }}.{{ column }})::jsonb) as entries
    where {{ relation }}.{{ column }} is not null
{%- endmacro %}

{% macro duckdb__json_object_entries(relation, column, carry) -%}
    select {% for c in carry %}{{ c }}, {% endfor %}entry.key as field_name, entry.value as field_value
    from (
        select {% for c in carry %}{{ c }}, {% endfor %}unnest(map_entries(cast({{ column }} as map(varchar, json)))) as entry
        from {{ relation }}
        where {{ column }} is not null
    )
{%- endmacro %}

{#- A JSON object from key/value rows, keys in sorted order (deterministic bytes). -#}
{% macro json_object_agg(key, value) -%}
    {{ return(adapter.dispatch('json_object_agg', 'ticketflow')(key, value)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value) -%}
    jsonb_object_agg({{ key }}, {{ value }} order by {{ key }})
{%- endmacro %}

{% macro duckdb__json_object_agg(key, value) -%}
    to_json(map(list({{ key }} order by {{ key }}), list({{ value }} order by {{ key }})))
{%- endmacro %}
