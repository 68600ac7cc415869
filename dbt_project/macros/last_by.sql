{#- The value of `value` on the row with the greatest `order_key`, null values kept (a key
    set to null is a real change); rows whose `order_key` is null are ignored. -#}
{% macro last_by(value, order_key) -%}
    {{ return(adapter.dispatch('last_by', 'ticketflow')(value, order_key)) }}
{%- endmacro %}

{% macro default__last_by(value, order_key) -%}
    max_by({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro duckdb__last_by(value, order_key) -%}
    arg_max_null({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro postgres__last_by(value, order_key) -%}
    {#- No max_by: the first of the values ordered by the key, greatest first. -#}
    (array_agg({{ value }} order by {{ order_key }} desc) filter (
        where {{ order_key }} is not null
    ))[1]
{%- endmacro %}

{#- The value of `value` on the row with the least `order_key` (rows whose `order_key` is
    null are ignored). -#}
{% macro first_by(value, order_key) -%}
    {{ return(adapter.dispatch('first_by', 'ticketflow')(value, order_key)) }}
{%- endmacro %}

{% macro default__first_by(value, order_key) -%}
    min_by({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro duckdb__first_by(value, order_key) -%}
    arg_min({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro postgres__first_by(value, order_key) -%}
    (array_agg({{ value }} order by {{ order_key }} asc) filter (
        where {{ order_key }} is not null
    ))[1]
{%- endmacro %}
