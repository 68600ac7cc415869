{#- JSON access used by staging, dispatched because every engine spells it differently. -#}

{#- Fields of a JSON object column as columns: a select of the `carry` columns and, for each
    field (name, kind, path), the value at `path` (a list of keys, outermost first) as
    kind 'text' (null when absent or null), 'json' (the JSON value) or 'has_key' (true when
    the key is present, even with a null value). -#}
{% macro json_extract_fields(relation, column, carry, fields) -%}
    {{ return(adapter.dispatch('json_extract_fields', 'ticketflow')(relation, column, carry, fields)) }}
{%- endmacro %}

{% macro default__json_extract_fields(relation, column, carry, fields) -%}
    select
        {%- for c in carry %}
        {{ c }},
        {%- endfor %}
        {%- for name, kind, path in fields %}
        {%- set parent = namespace(sql=column) %}
        {%- for key in path[:-1] %}{% set parent.sql = parent.sql ~ " -> '" ~ key ~ "'" %}{% endfor %}
        {%- if kind == 'text' %}
        ({{ parent.sql }} ->> '{{ path[-1] }}') as {{ name }}
        {%- elif kind == 'json' %}
        ({{ parent.sql }} -> '{{ path[-1] }}') as {{ name }}
        {%- else %}
        (({{ parent.sql }})::jsonb ? '{{ path[-1] }}') as {{ name }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}

{% macro duckdb__json_extract_fields(relation, column, carry, fields) -%}
    {#- Each `->>` parses the JSON text again; one json_extract_string / json_extract over a
        list of paths parses it once per row for all of them. -#}
    {%- set texts = [] -%}
    {%- set values = [] -%}
    {%- for name, kind, path in fields -%}
        {%- set json_path = "'$.\"" ~ (path | join('"."')) ~ "\"'" -%}
        {%- if kind == 'text' -%}
            {%- do texts.append(json_path) if json_path not in texts -%}
        {%- else -%}
            {%- do values.append(json_path) if json_path not in values -%}
        {%- endif -%}
    {%- endfor %}
    select
        {%- for c in carry %}
        {{ c }},
        {%- endfor %}
        {%- for name, kind, path in fields %}
        {%- set json_path = "'$.\"" ~ (path | join('"."')) ~ "\"'" %}
        {%- if kind == 'text' %}
        field_texts[{{ texts.index(json_path) + 1 }}] as {{ name }}
        {%- elif kind == 'json' %}
        field_values[{{ values.index(json_path) + 1 }}] as {{ name }}
        {%- else %}
        field_values[{{ values.index(json_path) + 1 }}] is not null as {{ name }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            {%- for c in carry %}
            {{ c }},
            {%- endfor %}
            json_extract_string({{ column }}, [{{ texts | join(', ') }}]) as field_texts,
            json_extract({{ column }}, [{{ values | join(', ') }}]) as field_values
        from {{ relation }}
    ) as parsed
{%- endmacro %}

{% macro spark__json_extract_fields(relation, column, carry, fields) -%}
    {#- The object read once per row as a map of each key's text; nested keys from that
        text. from_json keeps a repeated key twice (a lookup finds the first):
        map_from_entries keeps its last value (spark.sql.mapKeyDedupPolicy, profiles.yml). -#}
    select
        {%- for c in carry %}
        {{ c }},
        {%- endfor %}
        {%- for name, kind, path in fields %}
        {%- set top = "field_texts['" ~ path[0] ~ "']" %}
        {%- if kind == 'has_key' %}
        map_contains_key(field_texts, '{{ path[0] }}') as {{ name }}
        {%- elif path | length == 1 %}
        {{ top }} as {{ name }}
        {%- else %}
        get_json_object({{ top }}, '$.{{ path[1:] | join('.') }}') as {{ name }}
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            {%- for c in carry %}
            {{ c }},
            {%- endfor %}
            map_from_entries(map_entries(
                from_json({{ column }}, 'map<string,string>')
            )) as field_texts
        from {{ relation }}
    ) as parsed
{%- endmacro %}

{#- The object without the listed keys (null when nothing is left). -#}
{% macro json_without_keys(column, keys) -%}
    {{ return(adapter.dispatch('json_without_keys', 'ticketflow')(column, keys)) }}
{%- endmacro %}

{% macro default__json_without_keys(column, keys) -%}
    nullif(({{ column }})::jsonb{% for key in keys %} - '{{ key }}'{% endfor %}, '{}'::jsonb)
{%- endmacro %}

{% macro postgres__json_without_keys(column, keys) -%}
    cast({{ default__json_without_keys(column, keys) }} as json)
{%- endmacro %}

{% macro spark__json_without_keys(column, keys) -%}
    {#- Values as variants keep their JSON types; map_from_entries applies the last-value
        policy to a repeated key. -#}
    nullif(to_json(map_filter(
        map_from_entries(map_entries(from_json({{ column }}, 'map<string,variant>'))),
        (key, value) -> key not in ({% for key in keys %}'{{ key }}'{{ ', ' if not loop.last }}{% endfor %})
    )), '{}')
{%- endmacro %}

{% macro duckdb__json_without_keys(column, keys) -%}
    {#- A JSON merge patch (RFC 7396) with null for each key removes exactly those keys. Most
        objects carry only listed keys: a cheap look at the key names skips the patch. -#}
    case
        when list_bool_or(list_transform(
            json_keys({{ column }}),
            lambda key: key not in ({% for key in keys %}'{{ key }}'{{ ', ' if not loop.last }}{% endfor %})
        ))
            then nullif(
                json_merge_patch({{ column }}, '{ {%- for key in keys %}"{{ key }}":null{% if not loop.last %},{% endif %}{% endfor -%} }'),
                '{}'
            )
    end
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

{% macro spark__json_object_entries(relation, column, carry) -%}
    {#- field_value as JSON text (a variant cannot be aggregated by every function). -#}
    select {% for c in carry %}{{ c }}, {% endfor %}field_name, to_json(field_variant) as field_value
    from {{ relation }}
    lateral view explode(from_json({{ column }}, 'map<string,variant>')) entries as field_name, field_variant
    where {{ column }} is not null
{%- endmacro %}

{#- A JSON object from key/value rows, keys in sorted order (deterministic bytes). -#}
{% macro json_object_agg(key, value) -%}
    {{ return(adapter.dispatch('json_object_agg', 'ticketflow')(key, value)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value) -%}
    jsonb_object_agg({{ key }}, {{ value }} order by {{ key }})
{%- endmacro %}

{% macro postgres__json_object_agg(key, value) -%}
    cast({{ default__json_object_agg(key, value) }} as json)
{%- endmacro %}

{% macro spark__json_object_agg(key, value) -%}
    {#- `value` is JSON text (spark__json_object_entries). -#}
    to_json(map_from_entries(transform(
        array_sort(collect_list(struct({{ key }} as entry_key, {{ value }} as entry_value))),
        entry -> struct(entry.entry_key, parse_json(entry.entry_value))
    )))
{%- endmacro %}

{% macro duckdb__json_object_agg(key, value) -%}
    to_json(map(list({{ key }} order by {{ key }}), list({{ value }} order by {{ key }})))
{%- endmacro %}

{#- The object with one value per key: a key repeated in one object reads as its last value,
    as JSON.parse, Python's json and Ruby's JSON read it (issue 16: one reading everywhere). -#}
{% macro json_last_value_per_key(column) -%}
    {{ return(adapter.dispatch('json_last_value_per_key', 'ticketflow')(column)) }}
{%- endmacro %}

{% macro default__json_last_value_per_key(column) -%}
    {#- Postgres: its JSON functions and operators take the last value of a repeated key. -#}
    {{ column }}
{%- endmacro %}

{% macro duckdb__json_last_value_per_key(column) -%}
    {#- DuckDB's JSON paths find the first value of a repeated key, and a map of the object
        fails ("Map keys must be unique"): such an object is rebuilt from each key's last
        entry. A cheap look at the key names leaves every other object as it is: one key, or
        two different ones (most activities), without building a set of the names. -#}
    case
        when len(json_keys({{ column }})) < 2 then {{ column }}
        when
            len(json_keys({{ column }})) = 2
            and json_keys({{ column }})[1] <> json_keys({{ column }})[2]
            then {{ column }}
        when len(list_distinct(json_keys({{ column }}))) < len(json_keys({{ column }}))
            then to_json(map(
                list_filter(
                    json_keys({{ column }}),
                    lambda key, i: list_position(json_keys({{ column }})[i + 1:], key) is null
                ),
                list_filter(
                    json_extract({{ column }}, '$.*'),
                    lambda value, i: list_position(
                        json_keys({{ column }})[i + 1:], json_keys({{ column }})[i]
                    ) is null
                )
            ))
        else {{ column }}
    end
{%- endmacro %}
