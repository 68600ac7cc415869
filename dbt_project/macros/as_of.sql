{#- The `as_of` var as a timestamp literal, or none when unset. -#}
{% macro as_of_var() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim) == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ (as_of | string | trim) ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#- A condition keeping what happened at or before the `as_of` var; `true` when it is unset. -#}
{% macro at_or_before_as_of(column) -%}
    {%- if as_of_var() is none -%}
        true
    {%- else -%}
        {{ column }} <= {{ as_of_var() }}
    {%- endif -%}
{%- endmacro %}
