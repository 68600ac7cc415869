{#- Spark has no `varchar` without a length and no `json`: the project's contracts and casts
    name them (as DuckDB and Postgres do); on Spark both are `string`. Overrides dbt's
    `cast` for Spark (dbt looks in the root project first), which the contracts' empty-schema
    check uses too. -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_type = {'varchar': 'string', 'json': 'string', 'text': 'string'}.get(
        type | string | trim | lower, type
    ) -%}
    cast({{ field }} as {{ spark_type }})
{%- endmacro %}
