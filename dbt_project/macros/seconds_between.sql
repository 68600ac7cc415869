{#- Whole seconds from `start_at` to `end_at` as a bigint (null if either is null). -#}
{% macro seconds_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as bigint)
{%- endmacro %}
